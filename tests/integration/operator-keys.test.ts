import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { operatorKeys, providerKeys } from "@/db/schema";
import { grantCredits, teamCredits } from "@/lib/services/operator/credits";
import { addOperatorKey, listOperatorKeys, removeOperatorKey } from "@/lib/services/operator/keys";
import { updateGateway } from "@/lib/services/gateways/update";
import { expectGatewayError } from "../support/errors";
import { describeGateway, type Harness } from "../support/harness";
import { bearer, chatBody, postJson } from "../support/http";
import { testKeyring } from "../support/keyring";
import { addCustomProvider, addGateway, addKey, operatorContext } from "../support/seed";

/**
 * The deployment's one operator OpenAI key, at this entry's fake: operator keys are every team's,
 * and each entry of the suite has its own fake, so each test replaces what an earlier one left.
 */
async function operatorKey(h: Harness): Promise<{ id: string; secret: string }> {
  const ctx = operatorContext(h.db);
  for (const key of await listOperatorKeys({ ctx })) await removeOperatorKey({ ctx, id: key.id });
  const secret = `sk-operator-${randomBytes(8).toString("hex")}`;
  const added = await addOperatorKey({ ctx, provider: "openai", secret, baseUrl: h.fake.baseUrl, keyring: testKeyring, allowPrivateUpstreams: true });
  return { id: added.id, secret };
}

describeGateway("operator keys", (h) => {
  it("answers a team with no keys of its own on the operator's key, marked operator in the header and the log", async () => {
    const operator = await operatorKey(h);
    const t = await h.seed({ storedKey: false });
    await grantCredits({ ctx: t.ctx, teamId: t.team.id, usd: 5 });
    for (const [path, model] of [
      ["compat/chat/completions", "openai/gpt-4o-mini"],
      ["openai/chat/completions", "gpt-4o-mini"],
    ] as const) {
      const res = await postJson(`${t.gatewayUrl}/${path}`, chatBody(model), bearer(t.token));
      expect(res.status, path).toBe(200);
      expect(res.headers.get("cf-aig-key-source")).toBe("operator");
      expect(h.upstreamWithKey(operator.secret).body?.model).toBe("gpt-4o-mini");
      expect(await h.logRow(res.headers.get("cf-aig-log-id") ?? "")).toMatchObject({ keySource: "operator", providerKeyId: operator.id });
    }
    // Its last use is the operator key's, not a team key's.
    const [used] = await h.db.select().from(operatorKeys).where(eq(operatorKeys.id, operator.id));
    expect(used).toMatchObject({ lastStatus: "ok" });
    expect(used!.lastUsedAt).toBeInstanceOf(Date);
  });

  it("lists the operator's providers' models to a team without keys, except where the gateway or the request refuses operator keys", async () => {
    await operatorKey(h);
    const t = await h.seed({ storedKey: false });
    const strict = await addGateway(t, "strict-models", { byokOnly: true });
    const ids = async (url: string, headers: Record<string, string> = {}) => {
      const res = await fetch(url, { headers: { ...bearer(t.token), ...headers } });
      expect(res.status).toBe(200);
      return ((await res.json()) as { data: { id: string }[] }).data.map((m) => m.id);
    };
    expect(await ids(`${t.gatewayUrl}/compat/models`)).toContain("openai/gpt-4o-mini");
    expect(await ids(`${t.gatewayUrl}/compat/models`, { "cf-aig-no-wholesale": "true" })).toEqual([]);
    expect(await ids(`${h.url}/v1/${t.team.slug}/${strict.slug}/compat/models`)).toEqual([]);
  });

  it("never uses the operator's key without a valid token: the request gets the missing-key error", async () => {
    await operatorKey(h);
    const t = await h.seed({ storedKey: false, settings: { authentication: false } });
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), {});
    const body = await expectGatewayError(res, 400);
    expect(body.error.message).toContain("stored keys need one");
    expect(res.headers.get("cf-aig-key-source")).toBeNull();
  });

  it("refuses the operator's key on a byok_only gateway, and for a request with cf-aig-no-wholesale: true, with 400 saying so", async () => {
    const operator = await operatorKey(h);
    const t = await h.seed({ storedKey: false });
    await grantCredits({ ctx: t.ctx, teamId: t.team.id, usd: 5 });
    const strict = await addGateway(t, "strict", { byokOnly: true });
    const before = h.fake.requests.length;

    const byGateway = await postJson(`${h.url}/v1/${t.team.slug}/${strict.slug}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
    const gatewayBody = await expectGatewayError(byGateway, 400);
    expect(gatewayBody.error.message).toContain(`gateway "strict" requires provider credentials (byok_only), so the operator's openai key is not used`);
    expect(byGateway.headers.get("cf-aig-key-source")).toBeNull();

    const byRequest = await postJson(`${t.gatewayUrl}/openai/chat/completions`, chatBody("gpt-4o-mini"), { ...bearer(t.token), "cf-aig-no-wholesale": "true" });
    const requestBody = await expectGatewayError(byRequest, 400);
    expect(requestBody.error.message).toContain("the request sent cf-aig-no-wholesale: true, so the operator's openai key is not used");
    const row = await h.logRow(byRequest.headers.get("cf-aig-log-id") ?? "");
    expect(row).toMatchObject({ statusCode: 400, keySource: null, providerKeyId: null });

    // The header tightens the gateway's setting, never relaxes it.
    const relaxed = await postJson(`${h.url}/v1/${t.team.slug}/${strict.slug}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), {
      ...bearer(t.token),
      "cf-aig-no-wholesale": "false",
    });
    await expectGatewayError(relaxed, 400);
    expect(h.fake.requests.length).toBe(before);

    // Where the operator's key may be used, the same request is answered with it.
    const allowed = await postJson(`${t.gatewayUrl}/openai/chat/completions`, chatBody("gpt-4o-mini"), { ...bearer(t.token), "cf-aig-no-wholesale": "false" });
    expect(allowed.status).toBe(200);
    expect(h.upstreamWithKey(operator.secret).path).toBe("/v1/chat/completions");

    // Turning byok_only off takes effect at once.
    await updateGateway({ ctx: t.ctx, teamId: t.team.id, slug: strict.slug, settings: { byokOnly: false } });
    const reopened = await postJson(`${h.url}/v1/${t.team.slug}/${strict.slug}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
    expect(reopened.status).toBe(200);
    expect(reopened.headers.get("cf-aig-key-source")).toBe("operator");
  });

  it("uses the team's own key before the operator's, on a byok_only gateway too", async () => {
    const operator = await operatorKey(h);
    const t = await h.seed({ storedKey: false });
    const own = await addKey(t, { baseUrl: h.fake.baseUrl });
    await addGateway(t, "strict", { byokOnly: true });
    for (const gateway of ["main", "strict"]) {
      const res = await postJson(`${h.url}/v1/${t.team.slug}/${gateway}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
      expect(res.status, gateway).toBe(200);
      expect(res.headers.get("cf-aig-key-source")).toBe("team");
      const [key] = await h.db.select().from(providerKeys).where(eq(providerKeys.teamId, t.team.id));
      expect(await h.logRow(res.headers.get("cf-aig-log-id") ?? "")).toMatchObject({ keySource: "team", providerKeyId: key!.id });
    }
    expect(h.upstreamWithKey(own).path).toBe("/v1/chat/completions");
    expect(h.fake.requests.filter((r) => r.headers.authorization === `Bearer ${operator.secret}`)).toEqual([]);
  });

  it("marks a client's own key as the request's", async () => {
    await operatorKey(h);
    const t = await h.seed({ storedKey: false });
    // A client's key goes to the provider's own base URL, so the provider is a custom one at the fake.
    await addCustomProvider(t, "own", `${h.fake.origin}/own/v1`);
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("custom-own/m"), {
      authorization: "Bearer sk-client-own-key-0123456789",
      "cf-aig-authorization": `Bearer ${t.token}`,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("cf-aig-key-source")).toBe("request");
    expect(await h.logRow(res.headers.get("cf-aig-log-id") ?? "")).toMatchObject({ keySource: "request", providerKeyId: null });
  });

  it("records the provider's rejection of an operator key on the operator's key, naming it as the operator's", async () => {
    const operator = await operatorKey(h);
    const t = await h.seed({ storedKey: false });
    await grantCredits({ ctx: t.ctx, teamId: t.team.id, usd: 5 });
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/fake-error-401"), bearer(t.token));
    const body = await expectGatewayError(res, 401, 2009);
    expect(body.error.message).toContain(`rejected the operator's openai key "default"`);
    expect(body.error.message).toContain("the deployment's operator can rotate it");
    await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    const [rejected] = await h.db.select().from(operatorKeys).where(eq(operatorKeys.id, operator.id));
    expect(rejected).toMatchObject({ lastStatus: "rejected" });
  });

  it("serves a team on operator keys until its credits run out, then refuses with 402 and code 2021", async () => {
    await operatorKey(h);
    const t = await h.seed({ storedKey: false });
    // Less than one request's worst case: the first request is admitted against the grant, and
    // what it costs uses the credits up.
    await grantCredits({ ctx: t.ctx, teamId: t.team.id, usd: "0.000001" });
    const first = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
    expect(first.status).toBe(200);
    expect(first.headers.get("cf-aig-key-source")).toBe("operator");

    const refused = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
    await expectGatewayError(refused, 402, 2021);
    expect(refused.headers.get("cf-aig-key-source")).toBe("operator");
    // What the first request cost is what the operator's ledger shows as used, past the grant.
    const firstCost = (await h.logRow(first.headers.get("cf-aig-log-id") ?? "")).costMicros;
    expect(firstCost).toBeGreaterThan(1);
    await expect.poll(async () => (await teamCredits({ ctx: t.ctx, teamId: t.team.id })).usedMicros).toBe(firstCost);
    expect(await teamCredits({ ctx: t.ctx, teamId: t.team.id })).toMatchObject({ grantedMicros: 1, balanceMicros: 1 - firstCost });

    // A top-up serves the team again at once.
    await grantCredits({ ctx: t.ctx, teamId: t.team.id, usd: 5 });
    const again = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
    expect(again.status).toBe(200);
  });
});
