import { eq } from "drizzle-orm";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { db } from "@/db/client";
import { users } from "@/db/schema";
import type { ServiceContext } from "@/lib/services/context";
import { isFirstRun } from "@/lib/services/setup/first-run";
import { auth } from "./auth";
import { clientIp } from "./rate-limit";
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
  if (await isFirstRun({ ctx: await anonymousContext() })) redirect("/setup");
  redirect(signInPath((await headers()).get(PATH_HEADER) ?? undefined));
}

/** Services called as `user` from the dashboard, with where the request came from for the audit log. */
export async function userContext(user: SessionUser): Promise<ServiceContext> {
  const requestHeaders = await headers();
  return {
    db: await db(),
    actor: { type: "user", userId: user.id },
    origin: { via: "dashboard", ip: clientIp(requestHeaders), userAgent: requestHeaders.get("user-agent") },
  };
}

/**
 * Services called before anyone has signed in (is this a fresh install, what does this invitation
 * offer): the pages that use it read, never change, and show only what their URL already grants.
 * First-run setup and signing up by invitation change things with it, so it carries the request's
 * origin for the audit log too.
 */
export async function anonymousContext(): Promise<ServiceContext> {
  const requestHeaders = await headers();
  return {
    db: await db(),
    actor: { type: "operator" },
    origin: { via: "dashboard", ip: clientIp(requestHeaders), userAgent: requestHeaders.get("user-agent") },
  };
}
