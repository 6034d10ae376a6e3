import { and, eq, gt, isNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { users, userSessions } from "@/db/schema";
import { SESSION_MAX_AGE_SECONDS } from "./start";

// Renewing at most once a day keeps a page load to one read on most requests.
const RENEW_AFTER_MS = 24 * 60 * 60 * 1000;

export interface LiveSessionUser {
  id: string;
  email: string;
  name: string | null;
}

/**
 * The user of a session that has not been signed out, revoked or left to expire, or null. A used
 * session's expiry moves forward, as Auth.js renews its cookie.
 */
export async function liveSessionUser({
  db,
  sessionId,
  userId,
}: {
  db: Database;
  sessionId: string;
  userId: string;
}): Promise<LiveSessionUser | null> {
  const now = new Date();
  const [row] = await db
    .select({ id: users.id, email: users.email, name: users.name, expiresAt: userSessions.expiresAt })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(
      and(
        eq(userSessions.id, sessionId),
        eq(userSessions.userId, userId),
        isNull(userSessions.revokedAt),
        gt(userSessions.expiresAt, now),
      ),
    )
    .limit(1);
  if (!row) return null;
  const renewedExpiry = now.getTime() + SESSION_MAX_AGE_SECONDS * 1000;
  if (renewedExpiry - row.expiresAt.getTime() > RENEW_AFTER_MS) {
    await db.update(userSessions).set({ expiresAt: new Date(renewedExpiry) }).where(eq(userSessions.id, sessionId));
  }
  return { id: row.id, email: row.email, name: row.name };
}
