import { and, eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { gateways } from "@/db/schema";
import { expectGatewayError, expectUnauthorized } from "../support/errors";
import { describeGateway } from "../support/harness";
import { bearer, chatBody, json, postJson, readSse } from "../support/http";
import { addCustomProvider, addGateway, addKey } from "../support/seed";

describeGateway("/ai/v1 REST surface", (h) => {
  it("serves chat completions on the gateway named by cf-aig-gateway-id", async () => {
    const t = await h.seed();
    const res = await postJson(`${h.url}/ai/v1/chat/completions`, chatBody("openai/gpt-4o-mini"), {
      ...bearer(t.token),
      "cf-aig-gateway-id": t.gateway.slug,
    });
    expect(res.status).toBe(200);
    const completion = await json(res);
    expect(completion.object).toBe("chat.completion");
    expect(completion.model).toBe("gpt-4o-mini");
    const seen = h.upstreamWithKey(t.providerKey);
    expect(seen.path).toBe("/v1/chat/completions");
    expect(seen.body?.model).toBe("gpt-4o-mini");

    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    expect(row.teamId).toBe(t.team.id);
    expect(row.gatewayId).toBe(t.gateway.id);
  });

  it("uses the gateway's own key when cf-aig-gateway-id names a gateway that has one", async () => {
    const t = await h.seed();
    await addGateway(t, "batch");
    const batchKey = await addKey(t, { gatewaySlug: "batch", baseUrl: h.fake.baseUrl });
    const res = await postJson(`${h.url}/ai/v1/chat/completions`, chatBody("openai/gpt-4o-mini"), {
      ...bearer(t.token),
      "cf-aig-gateway-id": "batch",
    });
    expect(res.status).toBe(200);
    expect(h.upstreamWithKey(batchKey).body?.model).toBe("gpt-4o-mini");
  });

  it("creates the team's default gateway on first use when no gateway is named", async () => {
    const t = await h.seed();
    const before = await h.db
      .select()
      .from(gateways)
      .where(and(eq(gateways.teamId, t.team.id), eq(gateways.slug, "default")));
    expect(before).toEqual([]);

    const first = await postJson(`${h.url}/ai/v1/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
    expect(first.status).toBe(200);
    const created = await h.db
      .select()
      .from(gateways)
      .where(and(eq(gateways.teamId, t.team.id), eq(gateways.slug, "default")));
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ isDefault: true, authentication: true, collectLogs: true, cacheTtl: 0 });
    expect(h.upstreamWithKey(t.providerKey).body?.model).toBe("gpt-4o-mini");

    const second = await postJson(`${h.url}/ai/v1/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
    expect(second.status).toBe(200);
    const after = await h.db.select().from(gateways).where(eq(gateways.teamId, t.team.id));
    expect(after.filter((g) => g.slug === "default")).toHaveLength(1);

    const row = await h.logRow(second.headers.get("cf-aig-log-id") ?? "");
    expect(row.gatewayId).toBe(created[0]?.id);
  });

  it("does not create a gateway cf-aig-gateway-id names that does not exist", async () => {
    const t = await h.seed();
    const res = await postJson(`${h.url}/ai/v1/chat/completions`, chatBody("openai/gpt-4o-mini"), {
      ...bearer(t.token),
      "cf-aig-gateway-id": "no-such-gateway",
    });
    await expectGatewayError(res, 404, 2001);
    const rows = await h.db.select().from(gateways).where(eq(gateways.teamId, t.team.id));
    expect(rows.map((g) => g.slug)).toEqual([t.gateway.slug]);
    expect(h.fake.requests.filter((r) => r.headers.authorization === `Bearer ${t.providerKey}`)).toEqual([]);
  });

  it("serves embeddings", async () => {
    const t = await h.seed();
    const res = await postJson(
      `${h.url}/ai/v1/embeddings`,
      { model: "openai/text-embedding-3-small", input: "one two three" },
      { ...bearer(t.token), "cf-aig-gateway-id": t.gateway.slug },
    );
    expect(res.status).toBe(200);
    const body = await json<{ object: string; data: Array<{ embedding: number[] }>; usage: { prompt_tokens: number } }>(res);
    expect(body.object).toBe("list");
    expect(body.data).toHaveLength(1);
    expect(body.usage.prompt_tokens).toBe(3);
    const seen = h.upstreamWithKey(t.providerKey);
    expect(seen.path).toBe("/v1/embeddings");
    expect(seen.body).toEqual({ model: "text-embedding-3-small", input: "one two three" });

    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    expect(row.tokensIn).toBe(3);
    expect(row.success).toBe(true);
  });

  it("answers the same under /client/v4/accounts/{team}/ai/v1", async () => {
    const t = await h.seed();
    const base = `${h.url}/client/v4/accounts/${t.team.slug}/ai/v1`;
    const chat = await postJson(`${base}/chat/completions`, chatBody("openai/gpt-4o-mini"), {
      ...bearer(t.token),
      "cf-aig-gateway-id": t.gateway.slug,
    });
    expect(chat.status).toBe(200);
    expect((await json(chat)).object).toBe("chat.completion");

    const embeddings = await postJson(
      `${base}/embeddings`,
      { model: "openai/text-embedding-3-small", input: ["x"] },
      { ...bearer(t.token), "cf-aig-gateway-id": t.gateway.slug },
    );
    expect(embeddings.status).toBe(200);
    expect((await json(embeddings)).object).toBe("list");

    const streamed = await postJson(`${base}/chat/completions`, chatBody("openai/gpt-4o-mini", { stream: true }), bearer(t.token));
    expect(streamed.status).toBe(200);
    expect((await readSse(streamed)).at(-1)).toBe("[DONE]");
    const defaults = await h.db
      .select()
      .from(gateways)
      .where(and(eq(gateways.teamId, t.team.id), eq(gateways.slug, "default")));
    expect(defaults).toHaveLength(1);
  });

  it("refuses a request without a token, since the team comes from it", async () => {
    await expectUnauthorized(await postJson(`${h.url}/ai/v1/chat/completions`, chatBody("openai/gpt-4o-mini")));
  });

  it("takes the token from cf-aig-authorization and a provider key from Authorization", async () => {
    const t = await h.seed({ storedKey: false });
    // A request key goes to the provider's own base URL, so aim at a custom provider that is the fake.
    await addCustomProvider(t, "rest", `${h.fake.origin}/rest/v1`);
    const requestKey = `sk-req-${t.team.slug}`;
    const res = await postJson(`${h.url}/ai/v1/chat/completions`, chatBody("custom-rest/gpt-4o-mini"), {
      "cf-aig-authorization": `Bearer ${t.token}`,
      authorization: `Bearer ${requestKey}`,
      "cf-aig-gateway-id": t.gateway.slug,
    });
    expect(res.status).toBe(200);
    const seen = h.upstreamWithKey(requestKey);
    expect(seen.path).toBe("/rest/v1/chat/completions");
    expect(seen.body?.model).toBe("gpt-4o-mini");
  });
});
