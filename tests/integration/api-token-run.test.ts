import { eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { apiTokens, type Role } from "@/db/schema";
import { resolveRange } from "@/lib/analytics/range";
import { getAnalyticsBreakdown } from "@/lib/services/analytics/breakdown";
import { createApiToken } from "@/lib/services/api-tokens/create";
import { revokeApiToken } from "@/lib/services/api-tokens/revoke";
import type { ApiTokenScope, ServiceContext } from "@/lib/services/context";
import { getRequestLog } from "@/lib/services/logs/get";
import { listRequestLogs } from "@/lib/services/logs/list";
import { changeMemberRole } from "@/lib/services/members/change-role";
import { removeMember } from "@/lib/services/members/remove";
import { createUser } from "@/lib/services/users/create";
import { expectUnauthorized } from "../support/errors";
import { describeGateway } from "../support/harness";
import { bearer, chatBody, json, postJson } from "../support/http";
import { uniqueSlug, type SeededTeam } from "../support/seed";

interface IssuedApiToken {
  token: string;
  id: string;
  name: string;
  /** The user who made it. */
  creatorId: string;
}

describeGateway("team API tokens with the run scope", (h) => {
  /** A user of the team with `creatorRole` (admin unless said) makes an API token with these scopes and role. */
  async function apiToken(t: SeededTeam, scopes: ApiTokenScope[], role: Role, creatorRole: Role = "admin"): Promise<IssuedApiToken> {
    const creator = await createUser({ ctx: t.ctx, email: `${uniqueSlug("creator")}@example.test`, teamId: t.team.id, role: creatorRole });
    const ctx: ServiceContext = { db: h.db, actor: { type: "user", userId: creator.id } };
    const name = uniqueSlug("api");
    const issued = await createApiToken({ ctx, teamId: t.team.id, name, scopes, role });
    return { token: issued.token, id: issued.record.id, name, creatorId: creator.id };
  }

  const chat = (t: SeededTeam, headers: Record<string, string>) => postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), headers);
  const viaRest = (t: SeededTeam, token: string) =>
    postJson(`${h.url}/client/v4/accounts/${t.team.slug}/ai/v1/chat/completions`, chatBody("openai/gpt-4o-mini"), {
      "cf-aig-authorization": `Bearer ${token}`,
    });
  const gatewayAuthorization = (token: string) => ({ "cf-aig-authorization": `Bearer ${token}` });

  it("calls the team's gateways with the stored keys, and the log, analytics and token list name it", async () => {
    const t = await h.seed();
    const run = await apiToken(t, ["run"], "member");

    const res = await chat(t, gatewayAuthorization(run.token));
    expect(res.status, await res.clone().text()).toBe(200);
    expect(h.upstreamWithKey(t.providerKey).path).toBe("/v1/chat/completions");
    const logId = res.headers.get("cf-aig-log-id") ?? "";
    expect(await h.logRow(logId)).toMatchObject({ tokenId: run.id, statusCode: 200, success: true });

    // Where an OpenAI SDK puts its API key, and on the REST surface: the token is the gateway's, never forwarded.
    for (const other of [await chat(t, bearer(run.token)), await viaRest(t, run.token)]) {
      expect(other.status).toBe(200);
      expect(await h.logRow(other.headers.get("cf-aig-log-id") ?? "")).toMatchObject({ tokenId: run.id });
    }
    expect(h.fake.requests.filter((r) => JSON.stringify(r.headers).includes(run.token))).toEqual([]);

    const { logs } = await listRequestLogs({ ctx: t.ctx, teamId: t.team.id });
    expect(logs.find((row) => row.id === logId)?.tokenName).toBe(run.name);
    expect((await getRequestLog({ ctx: t.ctx, teamId: t.team.id, logId })).tokenName).toBe(run.name);
    const byToken = await getAnalyticsBreakdown({ ctx: t.ctx, teamId: t.team.id, range: resolveRange({ range: "1h" }), by: "token" });
    expect(byToken.rows.find((row) => row.key === run.id)).toMatchObject({ label: run.name, requests: 3 });
    const [stored] = await h.db.select().from(apiTokens).where(eq(apiTokens.id, run.id));
    expect(stored!.lastUsedAt).toBeInstanceOf(Date);
  });

  it("refuses a token with only the read and edit scopes as a bad token, in each surface's shape", async () => {
    const t = await h.seed();
    const manage = await apiToken(t, ["read", "edit"], "admin");
    const refused = await chat(t, gatewayAuthorization(manage.token));
    await expectUnauthorized(refused);
    expect(await h.logRow(refused.headers.get("cf-aig-log-id") ?? "")).toMatchObject({ teamId: t.team.id, tokenId: null, errorCode: 2009 });
    await expectUnauthorized(await chat(t, bearer(manage.token)));
    await expectUnauthorized(await viaRest(t, manage.token));
    // The Universal endpoint refuses in Cloudflare's envelope, as for a bad gateway token.
    const universal = await postJson(t.gatewayUrl, [{ provider: "openai", endpoint: "chat/completions", query: chatBody("gpt-4o-mini") }], gatewayAuthorization(manage.token));
    expect(universal.status).toBe(401);
    expect(await json(universal)).toMatchObject({ success: false, result: [], name: "AiGatewayError", httpCode: 401, internalCode: 2009, error: [{ code: 2009 }] });
    expect(h.fake.requests.filter((r) => r.headers.authorization === `Bearer ${t.providerKey}`)).toEqual([]);
  });

  it("refuses a revoked token from then on", async () => {
    const t = await h.seed();
    const run = await apiToken(t, ["run"], "member");
    expect((await chat(t, gatewayAuthorization(run.token))).status).toBe(200);
    await revokeApiToken({ ctx: t.ctx, teamId: t.team.id, tokenId: run.id });
    await h.afterDirectoryCache();
    await expectUnauthorized(await chat(t, gatewayAuthorization(run.token)));
    await expectUnauthorized(await viaRest(t, run.token));
  });

  it("refuses another team's token, on its gateways and under its account path", async () => {
    const a = await h.seed();
    const b = await h.seed();
    const bRun = await apiToken(b, ["run"], "admin");
    expect((await chat(b, gatewayAuthorization(bRun.token))).status).toBe(200);
    await expectUnauthorized(await chat(a, gatewayAuthorization(bRun.token)));
    await expectUnauthorized(await viaRest(a, bRun.token));
    expect(h.fake.requests.filter((r) => r.headers.authorization === `Bearer ${a.providerKey}`)).toEqual([]);
  });

  it("follows its creator's role: refused once they are a viewer or leave the team, accepted again as a member", async () => {
    const t = await h.seed();
    const run = await apiToken(t, ["run"], "admin");
    expect((await chat(t, gatewayAuthorization(run.token))).status).toBe(200);

    await changeMemberRole({ ctx: t.ctx, teamId: t.team.id, userId: run.creatorId, role: "viewer" });
    await h.afterDirectoryCache();
    await expectUnauthorized(await chat(t, gatewayAuthorization(run.token)));

    await changeMemberRole({ ctx: t.ctx, teamId: t.team.id, userId: run.creatorId, role: "member" });
    await h.afterDirectoryCache();
    expect((await chat(t, gatewayAuthorization(run.token))).status).toBe(200);

    await removeMember({ ctx: t.ctx, teamId: t.team.id, userId: run.creatorId });
    await h.afterDirectoryCache();
    await expectUnauthorized(await chat(t, gatewayAuthorization(run.token)));
    await expectUnauthorized(await viaRest(t, run.token));
  });
});
