import { and, eq, isNull, ne } from "drizzle-orm";
import { userSessions } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import type { ServiceContext } from "../context";
import { ForbiddenError } from "../errors";

/**
 * "Sign out everywhere": ends every session of the signed-in user, this one included unless
 * `except` names it. Returns how many were ended.
 */
export async function endAllSessions({ ctx, except }: { ctx: ServiceContext; except?: string }): Promise<number> {
  const userId = signedInUser(ctx);
  return ctx.db.transaction(async (tx) => {
    const ended = await revokeSessionsOf(tx, userId, except);
    await recordAudit(
      { ...ctx, db: tx },
      { teamId: null, action: "user.sign_out_everywhere", targetType: "user", targetId: userId, details: { sessions: ended } },
    );
    return ended;
  });
}

export function signedInUser(ctx: ServiceContext): string {
  if (ctx.actor.type !== "user") throw new ForbiddenError("only a signed-in user has sessions");
  return ctx.actor.userId;
}

/** Revokes a user's live sessions but `except`; how many. */
export async function revokeSessionsOf(db: ServiceContext["db"], userId: string, except?: string): Promise<number> {
  const conditions = [eq(userSessions.userId, userId), isNull(userSessions.revokedAt)];
  if (except) conditions.push(ne(userSessions.id, except));
  const revoked = await db
    .update(userSessions)
    .set({ revokedAt: new Date() })
    .where(and(...conditions))
    .returning({ id: userSessions.id });
  return revoked.length;
}
