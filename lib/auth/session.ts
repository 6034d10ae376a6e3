import { eq } from "drizzle-orm";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { db } from "@/db/client";
import { users } from "@/db/schema";
import { isFirstRun } from "@/lib/services/setup/first-run";
import { auth } from "./auth";
import { PATH_HEADER, signInPath } from "./redirects";

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
}

// Read from the database rather than the cookie, so a deleted user's cookie stops working and a
// changed name shows at once; React's cache makes it one query per request.
const loadCurrentUser = cache(async (): Promise<SessionUser | null> => {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const database = await db();
  const [user] = await database
    .select({ id: users.id, email: users.email, name: users.name })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  return user ?? null;
});

/** The signed-in user, or null. */
export async function currentUser(): Promise<SessionUser | null> {
  return loadCurrentUser();
}

/**
 * The signed-in user; otherwise redirects to /sign-in (and back here afterwards), or to /setup
 * while no user exists at all.
 */
export async function requireUser(): Promise<SessionUser> {
  const user = await loadCurrentUser();
  if (user) return user;
  if (await isFirstRun({ ctx: { db: await db(), actor: { type: "operator" } } })) redirect("/setup");
  redirect(signInPath((await headers()).get(PATH_HEADER) ?? undefined));
}
