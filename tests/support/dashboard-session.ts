import type { Database } from "@/db/client";
import { createUser } from "@/lib/services/users/create";
import type { Role, Team } from "@/db/schema";
import { operatorContext, uniqueSlug } from "./seed";

/** The `name=value` pairs of a response's Set-Cookie headers, as a Cookie header sends them back. */
function cookiesOf(res: Response): string[] {
  return res.headers.getSetCookie().map((cookie) => cookie.split(";")[0]!);
}

/**
 * A member of `team` with `role`, signed in through Auth.js's own password sign-in over HTTP (its
 * CSRF token, then the credentials callback), as the sign-in form does: the Cookie header that
 * carries the dashboard session.
 */
export async function signedInMember(db: Database, serverUrl: string, team: Team, role: Role): Promise<{ cookie: string; email: string }> {
  const email = `${uniqueSlug("user")}@example.test`;
  const password = "correct horse battery";
  await createUser({ ctx: operatorContext(db), email, password, teamId: team.id, role });
  return { cookie: await signIn(serverUrl, email, password), email };
}

/** Signs `email` in with its password as the sign-in form does; the session's Cookie header. */
export async function signIn(serverUrl: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${serverUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const signIn = await fetch(`${serverUrl}/api/auth/callback/password`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookiesOf(csrf).join("; ") },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: "/" }),
  });
  const session = cookiesOf(signIn).find((cookie) => /^(?:__Secure-)?authjs\.session-token=/.test(cookie));
  if (!session) throw new Error(`signing in ${email} set no session cookie (HTTP ${signIn.status}, location ${signIn.headers.get("location")})`);
  return session;
}

/** Auth.js's own sign-out (POST /api/auth/signout with its CSRF token), as a sign-out button sends it. */
export async function signOut(serverUrl: string, cookie: string): Promise<void> {
  const csrf = await fetch(`${serverUrl}/api/auth/csrf`, { headers: { cookie } });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${serverUrl}/api/auth/signout`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: [cookie, ...cookiesOf(csrf)].join("; ") },
    body: new URLSearchParams({ csrfToken, callbackUrl: "/sign-in" }),
  });
  if (res.status !== 302) throw new Error(`sign-out answered HTTP ${res.status}`);
}
