import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { users } from "@/db/schema";
import { hashPassword, verifyPassword } from "@/lib/crypto/password";
import { PASSWORD_FAILURES, recordWithinLimit, resetLimit, withdrawEvent } from "./rate-limit";

export interface PasswordUser {
  id: string;
  email: string;
  name: string | null;
  image: string | null;
}

// Verifying against a real hash when the email is unknown makes a miss take as long as a wrong
// password, so response times do not reveal which addresses have accounts.
let decoyHash: Promise<string> | undefined;

export function normalizeEmail(email: string): string {
  return email.normalize("NFKC").trim().toLowerCase();
}

/**
 * The password provider's check: the user, null for wrong credentials, or "rate_limited" once the
 * email or the client address has had too many failures (then the password is not even hashed).
 */
export async function checkPassword(
  db: Database,
  credentials: Partial<Record<string, unknown>>,
  ip: string,
): Promise<PasswordUser | null | "rate_limited"> {
  const email = typeof credentials.email === "string" ? normalizeEmail(credentials.email) : "";
  const password = typeof credentials.password === "string" ? credentials.password : "";
  if (!email || !password) return null;
  const [emailKey, ipKey] = [`email:${email}`, `ip:${ip}`];
  // The attempt counts as a failure before the password is checked, so that attempts running at
  // the same time, on any instance, cannot all slip under the limit; a right password takes it back.
  const at = new Date();
  if (!(await recordWithinLimit(db, PASSWORD_FAILURES, [emailKey, ipKey], at))) return "rate_limited";

  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  decoyHash ??= hashPassword("decoy password, never matches a stored hash");
  const valid = await verifyPassword(password, user?.passwordHash ?? (await decoyHash));
  if (!user?.passwordHash || !valid) return null;
  await resetLimit(db, PASSWORD_FAILURES, emailKey);
  await withdrawEvent(db, PASSWORD_FAILURES, ipKey, at);
  return { id: user.id, email: user.email, name: user.name, image: user.image };
}
