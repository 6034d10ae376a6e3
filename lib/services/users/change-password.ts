import { eq } from "drizzle-orm";
import { z } from "zod";
import { users } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { hashPassword, verifyPassword } from "@/lib/crypto/password";
import type { ServiceContext } from "../context";
import { InvalidInputError } from "../errors";
import { revokeSessionsOf, signedInUser } from "../sessions/end-all";
import { parseInput } from "../validation";
import { PASSWORD_MIN_LENGTH } from "./create";

const input = z.object({
  currentPassword: z.string().min(1, "enter your current password"),
  newPassword: z
    .string()
    .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(1024, "must be at most 1024 characters"),
});

/**
 * The signed-in user changes their password, proving the current one. Every other session ends:
 * whoever knew the old password is signed out; `sessionId`, the browser making the change, stays.
 */
export async function changePassword({
  ctx,
  sessionId,
  ...raw
}: {
  ctx: ServiceContext;
  sessionId?: string;
  currentPassword: string;
  newPassword: string;
}): Promise<{ sessionsEnded: number }> {
  const userId = signedInUser(ctx);
  const { currentPassword, newPassword } = parseInput(input, raw);
  const [user] = await ctx.db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).limit(1);
  if (!user?.passwordHash) throw new InvalidInputError("currentPassword: this account signs in without a password");
  if (!(await verifyPassword(currentPassword, user.passwordHash))) {
    throw new InvalidInputError("currentPassword: is not your current password");
  }
  if (currentPassword === newPassword) throw new InvalidInputError("newPassword: must differ from the current one");
  const passwordHash = await hashPassword(newPassword);
  return ctx.db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
    const sessionsEnded = await revokeSessionsOf(tx, userId, sessionId);
    await recordAudit(
      { ...ctx, db: tx },
      { teamId: null, action: "user.password_change", targetType: "user", targetId: userId, details: { sessionsEnded } },
    );
    return { sessionsEnded };
  });
}
