import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { auditEvents, users, userSessions } from "@/db/schema";
import type { ServiceContext } from "@/lib/services/context";
import { endAllSessions } from "@/lib/services/sessions/end-all";
import { createTeam } from "@/lib/services/teams/create";
import { changePassword } from "@/lib/services/users/change-password";
import { signedInMember, signIn, signOut } from "../support/dashboard-session";
import { gatewayEntries } from "../support/entries";
import { startGatewayServer, type GatewayServer } from "../support/gateway-server";
import { describeEachDatabase } from "../support/harness";
import { closeNextEntry } from "../support/next-entry";
import { operatorContext, uniqueSlug } from "../support/seed";

const PASSWORD = "correct horse battery";

afterAll(closeNextEntry);

// The dashboard is Next's: both production entries serve it through Next, so this suite runs with
// the Next entry (not in a TEST_GATEWAY_ENTRY=node run, which builds no Next).
if (gatewayEntries().includes("next")) describeEachDatabase("dashboard sessions", sessionsSuite);

function sessionsSuite(database: () => DatabaseHandle): void {
  let server: GatewayServer | undefined;
  beforeAll(async () => {
    server = await startGatewayServer("next", { database: database() });
  });
  afterAll(() => server?.close());

  async function member() {
    const db = database().db;
    const team = await createTeam({ ctx: operatorContext(db), slug: uniqueSlug("team") });
    const { cookie, email } = await signedInMember(db, server!.url, team, "admin");
    const [user] = await db.select().from(users).where(eq(users.email, email));
    const ctx: ServiceContext = { db, actor: { type: "user", userId: user!.id } };
    return { db, team, cookie, email, ctx, userId: user!.id, tokensPage: `${server!.url}/${team.slug}/tokens` };
  }

  /** Whether `cookie` still opens `page`: 200, or the redirect to sign-in a signed-out browser gets. */
  async function opens(page: string, cookie: string): Promise<boolean> {
    const res = await fetch(page, { headers: { cookie }, redirect: "manual" });
    await res.arrayBuffer();
    if (res.status === 200) return true;
    expect(res.status).toBe(307);
    expect(new URL(res.headers.get("location")!, server!.url).pathname).toBe("/sign-in");
    return false;
  }

  it("sign-out ends the session on the server: a cookie saved before it no longer opens a page", async () => {
    const { db, cookie, tokensPage, userId } = await member();
    expect(await opens(tokensPage, cookie)).toBe(true);
    await signOut(server!.url, cookie);
    expect(await opens(tokensPage, cookie)).toBe(false);
    const [row] = await db.select().from(userSessions).where(eq(userSessions.userId, userId));
    expect(row!.revokedAt).toBeInstanceOf(Date);
  });

  it("signing out everywhere ends every session of the user, and is audited", async () => {
    const { db, cookie, email, ctx, tokensPage, userId } = await member();
    const other = await signIn(server!.url, email, PASSWORD);
    expect(await opens(tokensPage, other)).toBe(true);
    expect(await endAllSessions({ ctx })).toBe(2);
    expect(await opens(tokensPage, cookie)).toBe(false);
    expect(await opens(tokensPage, other)).toBe(false);
    // Signing in again starts a fresh session.
    expect(await opens(tokensPage, await signIn(server!.url, email, PASSWORD))).toBe(true);
    const [audit] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.actorId, userId), eq(auditEvents.action, "user.sign_out_everywhere")));
    expect(audit).toMatchObject({ teamId: null, targetId: userId, details: { sessions: 2 } });
  });

  it("a password change keeps the changing browser signed in and ends the others", async () => {
    const { db, cookie, email, ctx, tokensPage, userId } = await member();
    const other = await signIn(server!.url, email, PASSWORD);
    const [first] = await db.select().from(userSessions).where(eq(userSessions.userId, userId)).orderBy(asc(userSessions.createdAt)).limit(1);
    await expect(changePassword({ ctx, sessionId: first!.id, currentPassword: "wrong password", newPassword: "a new secret phrase" })).rejects.toThrow(
      "currentPassword: is not your current password",
    );
    await expect(changePassword({ ctx, sessionId: first!.id, currentPassword: PASSWORD, newPassword: "short" })).rejects.toThrow(
      "newPassword: must be at least 8 characters",
    );
    expect(await changePassword({ ctx, sessionId: first!.id, currentPassword: PASSWORD, newPassword: "a new secret phrase" })).toEqual({
      sessionsEnded: 1,
    });
    expect(await opens(tokensPage, cookie)).toBe(true);
    expect(await opens(tokensPage, other)).toBe(false);
    await expect(signIn(server!.url, email, PASSWORD)).rejects.toThrow("set no session cookie");
    expect(await opens(tokensPage, await signIn(server!.url, email, "a new secret phrase"))).toBe(true);
    const [audit] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.actorId, userId), eq(auditEvents.action, "user.password_change")));
    expect(audit).toMatchObject({ teamId: null, targetType: "user", details: { sessionsEnded: 1 } });
  });
}
