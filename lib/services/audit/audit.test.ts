import { asc, eq, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { auditEvents, users, type AuditEvent } from "@/db/schema";
import { changedFields, withoutSecrets } from "@/lib/audit/record";
import { parseMasterKeys } from "@/lib/crypto/master-keys";
import { testDatabases } from "@/tests/support/database";
import { createBudget } from "../budgets/create";
import { removeBudget } from "../budgets/remove";
import { updateBudget } from "../budgets/update";
import type { ServiceContext } from "../context";
import { createCustomProvider } from "../custom-providers/create";
import { ConflictError, ForbiddenError, InvalidInputError } from "../errors";
import { createGateway } from "../gateways/create";
import { deleteGateway } from "../gateways/delete";
import { updateGateway } from "../gateways/update";
import { acceptInvitation } from "../invitations/accept";
import { createInvitation } from "../invitations/create";
import { revokeInvitation } from "../invitations/revoke";
import { setGatewayRateLimit } from "../limits/rate-limits";
import { setSpendLimitRule } from "../limits/spend-limits";
import { changeMemberRole } from "../members/change-role";
import { removeMember } from "../members/remove";
import { addMember } from "../memberships/add";
import { grantCredits } from "../operator/credits";
import { addOperatorKey, removeOperatorKey, rotateOperatorKey } from "../operator/keys";
import { grantOperator, revokeOperator } from "../operator/operators";
import { playgroundToken } from "../playground/token";
import { addProviderKey } from "../provider-keys/add";
import { removeProviderKey } from "../provider-keys/remove";
import { rewrapProviderKeys } from "../provider-keys/rewrap";
import { rotateProviderKey } from "../provider-keys/rotate";
import { setProviderKeyWeight } from "../provider-keys/weight";
import { createRoute } from "../routes/create";
import { deleteRoute } from "../routes/delete";
import { deployRoute } from "../routes/deploy";
import { renameRoute } from "../routes/rename";
import { rollbackRoute } from "../routes/rollback";
import { saveRouteVersion } from "../routes/save-version";
import { createTeam } from "../teams/create";
import { renameTeam } from "../teams/rename";
import { setTokenRateLimit } from "../tokens/rate-limits";
import { createGatewayToken } from "../tokens/create";
import { revokeGatewayToken } from "../tokens/revoke";
import { userContext, userIdOf, uniqueSlug } from "../test-helpers";
import { createUser } from "../users/create";
import { exportAuditEvents } from "./export";
import { listAuditEvents } from "./list";

/** The database's message for a refused statement (drizzle wraps it as the cause of its own "Failed query"). */
async function refusal(statement: PromiseLike<unknown>): Promise<string> {
  try {
    await statement;
  } catch (error) {
    const messages: string[] = [];
    for (let e: unknown = error; e instanceof Error; e = e.cause) messages.push(e.message);
    return messages.join(" / ");
  }
  throw new Error("the statement was not refused");
}

const keyring = parseMasterKeys(`v1:${Buffer.alloc(32, 7).toString("base64")}`);
const ORIGIN = { via: "dashboard" as const, ip: "203.0.113.7", userAgent: "audit-test/1.0" };
const ELEMENTS = (model: string) => [
  { id: "start", type: "start", outputs: { next: { elementId: "m" } } },
  { id: "m", type: "model", properties: { provider: "openai", model }, outputs: { success: { elementId: "end" } } },
  { id: "end", type: "end", outputs: {} },
];

describe.each(testDatabases())("the audit log on $name", (database) => {
  let handle: DatabaseHandle;
  let operator: ServiceContext;
  beforeAll(async () => {
    handle = await database.open();
    operator = { db: handle.db, actor: { type: "operator" }, origin: { via: "cli" } };
  });
  afterAll(() => handle.close());

  async function eventsOf(teamId: string | null): Promise<AuditEvent[]> {
    return handle.db
      .select()
      .from(auditEvents)
      .where(teamId === null ? isNull(auditEvents.teamId) : eq(auditEvents.teamId, teamId))
      .orderBy(asc(auditEvents.id));
  }

  /** A signed-in owner of a team of their own, acting from the dashboard. */
  async function ownerOfNewTeam() {
    const owner = { ...(await userContext(handle)), origin: ORIGIN };
    const team = await createTeam({ ctx: owner, slug: uniqueSlug("audit") });
    const [{ email }] = (await handle.db.select({ email: users.email }).from(users).where(eq(users.id, userIdOf(owner)))) as [{ email: string }];
    return { owner, team, email };
  }

  it("records every kind of change in the team, each with who, what, where and from where", async () => {
    const { owner, team, email } = await ownerOfNewTeam();
    const teamId = team.id;

    await renameTeam({ ctx: owner, teamId, name: "Audited team" });
    const member = await createUser({ ctx: owner, email: `${uniqueSlug("m")}@example.test`, teamId, role: "member" });
    await changeMemberRole({ ctx: owner, teamId, userId: member.id, role: "admin" });
    await removeMember({ ctx: owner, teamId, userId: member.id });
    await addMember({ ctx: owner, teamId, email: member.email, role: "viewer" });
    const invite = await createInvitation({ ctx: owner, teamId, role: "member" });
    await revokeInvitation({ ctx: owner, teamId, invitationId: invite.invitation.id });
    const joiner = { ...(await userContext(handle)), origin: ORIGIN };
    await acceptInvitation({ ctx: joiner, secret: (await createInvitation({ ctx: owner, teamId, role: "member" })).secret });

    await createGateway({ ctx: owner, teamId, slug: "prod", settings: { cacheTtl: 60 } });
    await updateGateway({ ctx: owner, teamId, slug: "prod", settings: { cacheTtl: 300, collectLogs: true } });
    await setGatewayRateLimit({ ctx: owner, teamId, gatewaySlug: "prod", rule: { id: "rpm", limit: 100, window: 60 } });
    await setSpendLimitRule({ ctx: owner, teamId, gatewaySlug: "prod", rule: { id: "daily", limit: 5, window: 86_400 } });

    const token = await createGatewayToken({ ctx: owner, teamId, name: "ci", gatewaySlugs: ["prod"] });
    await setTokenRateLimit({ ctx: owner, teamId, tokenId: token.record.id, rule: { id: "rpm", limit: 10, window: 60 } });
    await revokeGatewayToken({ ctx: owner, teamId, tokenId: token.record.id });

    const key = await addProviderKey({ ctx: owner, teamId, provider: "openai", secret: "sk-audit-original-0000", keyring });
    await rotateProviderKey({ ctx: owner, teamId, key: { id: key.id }, secret: "sk-audit-rotated-1111", keyring });
    await setProviderKeyWeight({ ctx: owner, teamId, key: { id: key.id }, weight: 3 });
    await removeProviderKey({ ctx: owner, teamId, key: { id: key.id } });
    await createCustomProvider({ ctx: owner, teamId, slug: "inhouse", baseUrl: "https://llm.example.com/v1" });

    const budget = await createBudget({ ctx: owner, teamId, name: "monthly", limitUsd: 50, period: "monthly" });
    await updateBudget({ ctx: owner, teamId, budgetId: budget.id, limitUsd: 75 });
    await removeBudget({ ctx: owner, teamId, budgetId: budget.id });

    const scope = { ctx: owner, teamId, gatewaySlug: "prod" };
    await createRoute({ ...scope, name: "support", elements: ELEMENTS("gpt-4o") });
    await saveRouteVersion({ ...scope, route: "support", elements: ELEMENTS("gpt-4o-mini") });
    await deployRoute({ ...scope, route: "support", version: 1 });
    await deployRoute({ ...scope, route: "support", version: 2 });
    await rollbackRoute({ ...scope, route: "support" });
    await renameRoute({ ...scope, route: "support", name: "helpdesk" });
    await deleteRoute({ ...scope, route: "helpdesk" });
    await deleteGateway({ ctx: owner, teamId, slug: "prod" });
    await grantCredits({ ctx: operator, teamId, usd: "25", note: "trial" });
    await playgroundToken({ ctx: owner, teamId, keyring });

    const events = await eventsOf(teamId);
    expect(events.map((e) => e.action)).toEqual([
      "team.create",
      "team.update",
      "user.create",
      "member.role_change",
      "member.remove",
      "member.add",
      "invitation.create",
      "invitation.revoke",
      "invitation.create",
      "invitation.accept",
      "gateway.create",
      "gateway.update",
      "gateway.limits_update",
      "gateway.limits_update",
      "token.create",
      "token.rate_limits_update",
      "token.revoke",
      "provider_key.create",
      "provider_key.rotate",
      "provider_key.update",
      "provider_key.delete",
      "custom_provider.create",
      "budget.create",
      "budget.update",
      "budget.delete",
      "route.create",
      "route.save_version",
      "route.deploy",
      "route.deploy",
      "route.rollback",
      "route.rename",
      "route.delete",
      "gateway.delete",
      "credits.grant",
      "token.create",
    ]);

    const byOwner = events.filter((e) => e.actorId === userIdOf(owner));
    for (const event of byOwner) {
      expect(event).toMatchObject({ actorType: "user", actorLabel: email, via: "dashboard", ip: ORIGIN.ip, userAgent: ORIGIN.userAgent });
    }
    const find = (action: string) => events.find((e) => e.action === action)!;
    expect(find("team.update").details).toEqual({ name: { from: team.slug, to: "Audited team" } });
    expect(find("member.role_change")).toMatchObject({ targetId: member.id, targetLabel: member.email, details: { role: { from: "member", to: "admin" } } });
    expect(find("invitation.accept")).toMatchObject({ actorId: userIdOf(joiner), details: { role: "member" } });
    expect(find("gateway.update")).toMatchObject({ targetLabel: "prod", details: { changes: { cacheTtl: { from: 60, to: 300 } } } });
    expect(find("token.revoke")).toMatchObject({ targetId: token.record.id, targetLabel: "ci" });
    expect(find("provider_key.update").details).toEqual({ weight: { from: 1, to: 3 } });
    expect(find("budget.update").details).toEqual({ changes: { limitMicros: { from: 50_000_000, to: 75_000_000 } } });
    expect(find("route.rollback")).toMatchObject({ targetLabel: "support", details: { gateway: "prod", version: 1 } });
    expect(find("credits.grant")).toMatchObject({ actorType: "operator", actorLabel: "CLI (operator)", via: "cli", details: { amountMicros: 25_000_000, note: "trial" } });
  });

  it("records the deployment's own changes (operators, operator keys, the rewrap) outside any team", async () => {
    const before = (await eventsOf(null)).length;
    const user = await createUser({ ctx: operator, email: `${uniqueSlug("op")}@example.test` });
    await grantOperator({ ctx: operator, email: user.email });
    await revokeOperator({ ctx: operator, email: user.email });
    const key = await addOperatorKey({ ctx: operator, provider: "openai", alias: uniqueSlug("a"), secret: "sk-operator-original-2222", keyring });
    await rotateOperatorKey({ ctx: operator, id: key.id, secret: "sk-operator-rotated-3333", keyring });
    await removeOperatorKey({ ctx: operator, id: key.id });
    await rewrapProviderKeys({ ctx: operator, keyring });
    const events = (await eventsOf(null)).slice(before);
    expect(events.map((e) => e.action)).toEqual([
      "user.create",
      "operator.grant",
      "operator.revoke",
      "operator_key.create",
      "operator_key.rotate",
      "operator_key.delete",
      "provider_key.rewrap",
    ]);
    expect(events.every((e) => e.via === "cli" && e.actorType === "operator")).toBe(true);
  });

  it("keeps no secret in any row: provider and operator keys, gateway tokens, invitations", async () => {
    const { owner, team } = await ownerOfNewTeam();
    const secrets = ["sk-proj-SECRETaudit0123456789abcdefXYZ", "sk-proj-ROTATEDaudit9876543210fedcbaQRS"];
    const key = await addProviderKey({ ctx: owner, teamId: team.id, provider: "openai", secret: secrets[0]!, keyring });
    await rotateProviderKey({ ctx: owner, teamId: team.id, key: { id: key.id }, secret: secrets[1]!, keyring });
    await removeProviderKey({ ctx: owner, teamId: team.id, key: { id: key.id } });
    const opSecret = "sk-ant-OPERATORaudit5555666677778888";
    const opKey = await addOperatorKey({ ctx: operator, provider: "anthropic", alias: uniqueSlug("s"), secret: opSecret, keyring });
    await removeOperatorKey({ ctx: operator, id: opKey.id });
    await createGateway({ ctx: owner, teamId: team.id, slug: "g" });
    const { token } = await createGatewayToken({ ctx: owner, teamId: team.id, name: "t" });
    const { secret: inviteSecret } = await createInvitation({ ctx: owner, teamId: team.id, role: "member" });
    const { token: playground } = await playgroundToken({ ctx: owner, teamId: team.id, keyring });

    const everything = JSON.stringify(await handle.db.select().from(auditEvents));
    for (const secret of [...secrets, opSecret, token, inviteSecret, playground]) {
      // The whole secret, and any 12 characters of it (a preview shows at most the first and last four).
      expect(everything).not.toContain(secret);
      for (let at = 0; at + 12 <= secret.length; at++) expect(everything).not.toContain(secret.slice(at, at + 12));
    }
  });

  it("records nothing for a change that failed, and the change's transaction carries its record", async () => {
    const { owner, team } = await ownerOfNewTeam();
    await createGateway({ ctx: owner, teamId: team.id, slug: "dup" });
    await expect(createGateway({ ctx: owner, teamId: team.id, slug: "dup" })).rejects.toBeInstanceOf(ConflictError);
    const viewer = { ...(await userContext(handle, { team, role: "viewer" })), origin: ORIGIN };
    await expect(deleteGateway({ ctx: viewer, teamId: team.id, slug: "dup" })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await eventsOf(team.id)).map((e) => e.action)).toEqual(["team.create", "gateway.create"]);
  });

  it("is append-only in the database: UPDATE, DELETE and TRUNCATE fail; a DELETE declared as pruning works", async () => {
    const { team } = await ownerOfNewTeam();
    expect(await refusal(handle.db.update(auditEvents).set({ actorLabel: "someone else" }).where(eq(auditEvents.teamId, team.id)))).toMatch(/append-only: UPDATE/);
    expect(await refusal(handle.db.delete(auditEvents).where(eq(auditEvents.teamId, team.id)))).toMatch(/append-only: DELETE/);
    expect(await refusal(handle.db.execute(sql`truncate audit_events`))).toMatch(/append-only: TRUNCATE/);
    expect(await eventsOf(team.id)).toHaveLength(1);
    await handle.db.transaction(async (tx) => {
      await tx.execute(sql`set local switchyard.audit_prune = 'on'`);
      await tx.delete(auditEvents).where(eq(auditEvents.teamId, team.id));
    });
    expect(await eventsOf(team.id)).toHaveLength(0);
    // The permission ended with its transaction.
    await createGateway({ ctx: operator, teamId: team.id, slug: "after" });
    expect(await refusal(handle.db.delete(auditEvents).where(eq(auditEvents.teamId, team.id)))).toMatch(/append-only: DELETE/);
  });

  it("lists a team's events for admins and owners, with filters and pages", async () => {
    const { owner, team, email } = await ownerOfNewTeam();
    const teamId = team.id;
    for (const slug of ["a", "b", "c"]) await createGateway({ ctx: owner, teamId, slug });
    await createGatewayToken({ ctx: operator, teamId, name: "from-cli" });

    const all = await listAuditEvents({ ctx: owner, teamId });
    expect(all.events.map((e) => e.action)).toEqual(["token.create", "gateway.create", "gateway.create", "gateway.create", "team.create"]);
    expect(all.next).toBeNull();

    expect((await listAuditEvents({ ctx: owner, teamId, filter: { action: "gateway" } })).events).toHaveLength(3);
    expect((await listAuditEvents({ ctx: owner, teamId, filter: { action: "gateway.create", target: "b" } })).events.map((e) => e.targetLabel)).toEqual(["b"]);
    expect((await listAuditEvents({ ctx: owner, teamId, filter: { via: "cli" } })).events.map((e) => e.targetLabel)).toEqual(["from-cli"]);
    expect((await listAuditEvents({ ctx: owner, teamId, filter: { actor: email.slice(0, 8).toUpperCase() } })).events).toHaveLength(4);
    expect((await listAuditEvents({ ctx: owner, teamId, filter: { actor: "%" } })).events).toHaveLength(0);
    expect((await listAuditEvents({ ctx: owner, teamId, filter: { to: "2000-01-01T00:00" } })).events).toHaveLength(0);
    expect((await listAuditEvents({ ctx: owner, teamId, filter: { from: new Date(Date.now() - 60_000).toISOString(), via: "" } })).events).toHaveLength(5);

    const first = await listAuditEvents({ ctx: owner, teamId, limit: 2 });
    const second = await listAuditEvents({ ctx: owner, teamId, limit: 2, before: first.next! });
    const third = await listAuditEvents({ ctx: owner, teamId, limit: 2, before: second.next! });
    expect([...first.events, ...second.events, ...third.events].map((e) => e.id)).toEqual(all.events.map((e) => e.id));
    expect(third.next).toBeNull();

    await expect(listAuditEvents({ ctx: owner, teamId, filter: { via: "fax" as "cli" } })).rejects.toThrow(/via: must be dashboard, api or cli/);
    await expect(listAuditEvents({ ctx: owner, teamId, filter: { from: "yesterday" } })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(listAuditEvents({ ctx: owner, teamId, filter: { action: "drop table" } })).rejects.toThrow(/action:/);
    const member = await userContext(handle, { team, role: "member" });
    await expect(listAuditEvents({ ctx: member, teamId })).rejects.toBeInstanceOf(ForbiddenError);
    const outsider = await userContext(handle);
    await expect(listAuditEvents({ ctx: outsider, teamId })).rejects.toThrow(/team not found/);
  });

  it("exports the filtered events as CSV and JSON Lines", async () => {
    const { owner, team } = await ownerOfNewTeam();
    await createGateway({ ctx: owner, teamId: team.id, slug: "export-me" });
    await createGatewayToken({ ctx: owner, teamId: team.id, name: "=HYPERLINK(\"http://evil\")" });

    const text = async (file: { chunks: AsyncIterable<string> }) => {
      let all = "";
      for await (const chunk of file.chunks) all += chunk;
      return all;
    };
    const jsonl = await exportAuditEvents({ ctx: owner, teamId: team.id, format: "jsonl" });
    expect(jsonl.contentType).toContain("application/x-ndjson");
    const lines = (await text(jsonl)).trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => l.action)).toEqual(["token.create", "gateway.create", "team.create"]);
    expect(lines[1]).toMatchObject({ target: "export-me", via: "dashboard", ip: ORIGIN.ip });

    const csv = await text(await exportAuditEvents({ ctx: owner, teamId: team.id, format: "csv", filter: { action: "token" } }));
    const rows = csv.trimEnd().split("\r\n");
    expect(rows[0]).toBe("time,actor_type,actor,actor_id,action,target_type,target_id,target,via,ip,user_agent,details");
    expect(rows).toHaveLength(2);
    // A label a spreadsheet would run as a formula is exported as text.
    expect(rows[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);

    await expect(exportAuditEvents({ ctx: owner, teamId: team.id, format: "xlsx" })).rejects.toThrow(/format: must be csv or jsonl/);
    const viewer = await userContext(handle, { team, role: "viewer" });
    await expect(exportAuditEvents({ ctx: viewer, teamId: team.id, format: "csv" })).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe("changedFields", () => {
  it("lists only the fields whose value changed, nested values compared by content", () => {
    const before = { a: 1, b: { x: [1, 2] }, c: null as string | null, d: "same" };
    const after = { a: 2, b: { x: [1, 2] }, c: "now", d: "same" };
    expect(changedFields(before, after, ["a", "b", "c", "d"])).toEqual({ a: { from: 1, to: 2 }, c: { from: null, to: "now" } });
  });
});

describe("withoutSecrets", () => {
  it("redacts strings under secret-like names at any depth, and keeps the rest", () => {
    expect(
      withoutSecrets({ otel: { headers: { Authorization: "Bearer abc", "x-team": "t" } }, apiKey: "k", password: "p", tokenId: "tok_1", list: [{ secret: "s" }] }),
    ).toEqual({ otel: { headers: { Authorization: "[redacted]", "x-team": "t" } }, apiKey: "[redacted]", password: "[redacted]", tokenId: "tok_1", list: [{ secret: "[redacted]" }] });
  });
});
