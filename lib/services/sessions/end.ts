import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { userSessions } from "@/db/schema";

/** Sign-out: the session's cookie stops working even where a copy of it was kept. */
export async function endSession({ db, sessionId }: { db: Database; sessionId: string }): Promise<void> {
  await db
    .update(userSessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(userSessions.id, sessionId), isNull(userSessions.revokedAt)));
}
