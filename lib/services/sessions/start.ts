import type { Database } from "@/db/client";
import { userSessions } from "@/db/schema";
import { newId } from "@/lib/ids";

/** How long a session lasts without use; Auth.js's cookie has the same lifetime (lib/auth/config.ts). */
export const SESSION_MAX_AGE_SECONDS = 14 * 24 * 60 * 60;

/** Records a sign-in; its id goes into the session's JWT. */
export async function startSession({
  db,
  userId,
  userAgent,
  ip,
}: {
  db: Database;
  userId: string;
  userAgent?: string | null;
  ip?: string | null;
}): Promise<string> {
  const id = newId("sess");
  await db.insert(userSessions).values({
    id,
    userId,
    expiresAt: new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000),
    userAgent: userAgent?.slice(0, 512) ?? null,
    ip: ip ?? null,
  });
  return id;
}
