import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { userSessions } from "@/db/schema";
import type { ServiceContext } from "../context";
import { signedInUser } from "./end-all";

export interface SessionView {
  id: string;
  createdAt: Date;
  userAgent: string | null;
  ip: string | null;
}

/** The signed-in user's live sessions, newest first. */
export async function listSessions({ ctx }: { ctx: ServiceContext }): Promise<SessionView[]> {
  const userId = signedInUser(ctx);
  return ctx.db
    .select({ id: userSessions.id, createdAt: userSessions.createdAt, userAgent: userSessions.userAgent, ip: userSessions.ip })
    .from(userSessions)
    .where(and(eq(userSessions.userId, userId), isNull(userSessions.revokedAt), gt(userSessions.expiresAt, new Date())))
    .orderBy(desc(userSessions.createdAt));
}
