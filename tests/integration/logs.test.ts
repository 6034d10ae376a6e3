import { expect, it } from "vitest";
import { findPrice } from "@/lib/pricing/cost";
import { updateGateway } from "@/lib/services/gateways/update";
import { describeGateway } from "../support/harness";
import { bearer, chatBody, json, postJson, readSse } from "../support/http";
import type { SeededTeam } from "../support/seed";

describeGateway("request logs", (h) => {
  /** A logged request of the same team; once its row is written, rows enqueued before it are too. */
  async function marker(t: SeededTeam): Promise<void> {
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
    expect(res.status).toBe(200);
    await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
  }

  it("writes one row with ids, tokens in/out/cached and the catalog cost", async () => {
    const t = await h.seed();
    const body = chatBody("openai/gpt-4o-mini");
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, body, {
      ...bearer(t.token),
      "user-agent": "switchyard-tests/1.0",
    });
    expect(res.status).toBe(200);
    const completion = await json(res);
    const logId = res.headers.get("cf-aig-log-id");
    expect(logId).toBeTruthy();
    const row = await h.logRow(logId ?? "");

    const { prompt_tokens, completion_tokens, cached_tokens } = h.fake.usage;
    // gpt-4o-mini is in the catalog with a cached-input price; cached tokens are part of prompt tokens.
    const price = findPrice("openai", "gpt-4o-mini");
    expect(price?.cachedInput).toBeDefined();
    const expectedCost = Math.round(
      (prompt_tokens - cached_tokens) * (price?.input ?? 0) +
        cached_tokens * (price?.cachedInput ?? 0) +
        completion_tokens * (price?.output ?? 0),
    );
    expect(expectedCost).toBeGreaterThan(0);
    expect(row).toMatchObject({
      id: logId,
      teamId: t.team.id,
      gatewayId: t.gateway.id,
      tokenId: t.tokenId,
      provider: "openai",
      method: "POST",
      statusCode: 200,
      success: true,
      stream: false,
      tokensIn: prompt_tokens,
      tokensOut: completion_tokens,
      tokensCached: cached_tokens,
      costMicros: expectedCost,
      customCost: false,
      cached: false,
      step: 0,
      userAgent: "switchyard-tests/1.0",
      errorCode: null,
    });
    expect(row.model).toContain("gpt-4o-mini");
    expect(row.path).toContain("chat/completions");
    expect(row.durationMs).toBeGreaterThanOrEqual(0);
    expect(row.createdAt).toBeInstanceOf(Date);

    const payload = await h.payload(logId ?? "");
    expect(payload?.teamId).toBe(t.team.id);
    expect(JSON.parse(payload?.requestBody ?? "null")).toEqual(body);
    expect(JSON.parse(payload?.responseBody ?? "null")).toEqual(completion);
    // Stored headers never hold credentials.
    expect(JSON.stringify(payload?.requestHeaders ?? {})).not.toContain(t.token);
    expect(JSON.stringify(payload ?? {})).not.toContain(t.providerKey);
  });

  it("logs a streamed completion with the usage read from the stream", async () => {
    const t = await h.seed();
    const res = await postJson(`${t.gatewayUrl}/openai/chat/completions`, chatBody("gpt-4o-mini", { stream: true }), bearer(t.token));
    expect(res.status).toBe(200);
    const events = await readSse(res);
    expect(events.at(-1)).toBe("[DONE]");
    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    expect(row).toMatchObject({
      stream: true,
      success: true,
      statusCode: 200,
      provider: "openai",
      tokensIn: h.fake.usage.prompt_tokens,
      tokensOut: h.fake.usage.completion_tokens,
      tokensCached: h.fake.usage.cached_tokens,
    });
    expect(row.costMicros).toBeGreaterThan(0);
    expect(row.ttfbMs).not.toBeNull();
    const payload = await h.payload(row.id);
    expect(payload?.responseBody).toContain("Hello");
  });

  it("logs embeddings tokens", async () => {
    const t = await h.seed();
    const res = await postJson(`${t.gatewayUrl}/openai/embeddings`, { model: "text-embedding-3-small", input: "a b c d e" }, bearer(t.token));
    expect(res.status).toBe(200);
    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    expect(row.tokensIn).toBe(5);
    expect(row.tokensOut).toBe(0);
    expect(row.costMicros).toBeGreaterThanOrEqual(0);
  });

  it("costs nothing for a model missing from the catalog", async () => {
    const t = await h.seed();
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/not-a-priced-model-xyz"), bearer(t.token));
    expect(res.status).toBe(200);
    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    expect(row.tokensIn).toBe(h.fake.usage.prompt_tokens);
    expect(row.costMicros).toBe(0);
    expect(row.customCost).toBe(false);
  });

  it("returns cf-aig-log-id, cf-aig-event-id and cf-aig-request-id, echoing the client's event id", async () => {
    const t = await h.seed();
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), {
      ...bearer(t.token),
      "cf-aig-event-id": "evt-checkout-42",
    });
    expect(res.status).toBe(200);
    const logId = res.headers.get("cf-aig-log-id") ?? "";
    expect(logId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(res.headers.get("cf-aig-event-id")).toBe("evt-checkout-42");
    // For a single-step request the request id is the log id (reference §6.2).
    expect(res.headers.get("cf-aig-request-id")).toBe(logId);
    const row = await h.logRow(logId);
    expect(row.eventId).toBe("evt-checkout-42");

    const plain = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
    const plainLogId = plain.headers.get("cf-aig-log-id") ?? "";
    expect(plainLogId).not.toBe(logId);
    expect(plain.headers.get("cf-aig-request-id")).toBe(plainLogId);
    const plainEventId = plain.headers.get("cf-aig-event-id");
    expect(plainEventId).toBeTruthy();
    expect((await h.logRow(plainLogId)).eventId).toBe(plainEventId);
  });

  it("stores cf-aig-metadata with its value types", async () => {
    const t = await h.seed();
    const metadata = { user: "u-123", plan: "pro", attempt: 3, beta: true };
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), {
      ...bearer(t.token),
      "cf-aig-metadata": JSON.stringify(metadata),
    });
    expect(res.status).toBe(200);
    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    expect(row.metadata).toEqual(metadata);
  });

  it("prices a request with cf-aig-custom-cost and marks it", async () => {
    const t = await h.seed();
    const { prompt_tokens, completion_tokens, cached_tokens } = h.fake.usage;
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), {
      ...bearer(t.token),
      "cf-aig-custom-cost": JSON.stringify({ per_token_in: 0.001, per_token_out: 0.002 }),
    });
    expect(res.status).toBe(200);
    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    // Without a cache-read price, cached tokens cost the input price.
    expect(row.costMicros).toBe(prompt_tokens * 1000 + completion_tokens * 2000);
    expect(row.customCost).toBe(true);

    const withCache = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), {
      ...bearer(t.token),
      "cf-aig-custom-cost": JSON.stringify({ per_token_in: 0.001, per_token_out: 0.002, per_cache_read_token: 0.0001 }),
    });
    const cachedRow = await h.logRow(withCache.headers.get("cf-aig-log-id") ?? "");
    // Cached tokens are inside prompt_tokens and are priced once, at the cache-read price.
    expect(cachedRow.costMicros).toBe((prompt_tokens - cached_tokens) * 1000 + cached_tokens * 100 + completion_tokens * 2000);
    expect(cachedRow.customCost).toBe(true);

    const unpriced = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/not-a-priced-model-xyz"), {
      ...bearer(t.token),
      "cf-aig-custom-cost": JSON.stringify({ per_token_in: 0.000001, per_token_out: 0.000001 }),
    });
    const unpricedRow = await h.logRow(unpriced.headers.get("cf-aig-log-id") ?? "");
    expect(unpricedRow.costMicros).toBe(prompt_tokens + completion_tokens);
    expect(unpricedRow.customCost).toBe(true);
  });

  it("keeps the row but not the bodies with cf-aig-collect-log-payload: false", async () => {
    const t = await h.seed();
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), {
      ...bearer(t.token),
      "cf-aig-collect-log-payload": "false",
    });
    expect(res.status).toBe(200);
    const logId = res.headers.get("cf-aig-log-id") ?? "";
    const row = await h.logRow(logId);
    expect(row.tokensIn).toBe(h.fake.usage.prompt_tokens);
    expect(row.success).toBe(true);
    await marker(t);
    expect(await h.payload(logId)).toBeUndefined();
  });

  it("stores nothing with cf-aig-collect-log: false", async () => {
    const t = await h.seed();
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), {
      ...bearer(t.token),
      "cf-aig-collect-log": "false",
    });
    expect(res.status).toBe(200);
    await json(res);
    const logId = res.headers.get("cf-aig-log-id");
    await marker(t);
    const rows = await h.logRows(t.team.id);
    expect(rows).toHaveLength(1);
    expect(rows.map((r) => r.id)).not.toContain(logId);
    if (logId) expect(await h.payload(logId)).toBeUndefined();
  });

  it("follows the gateway's log settings, which the request headers override", async () => {
    const t = await h.seed({ settings: { collectLogs: false } });
    const unlogged = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
    expect(unlogged.status).toBe(200);
    const logged = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), {
      ...bearer(t.token),
      "cf-aig-collect-log": "true",
    });
    expect(logged.status).toBe(200);
    const loggedRow = await h.logRow(logged.headers.get("cf-aig-log-id") ?? "");
    const rows = await h.logRows(t.team.id);
    expect(rows.map((r) => r.id)).toEqual([loggedRow.id]);

    await updateGateway({ ctx: t.ctx, teamId: t.team.id, slug: t.gateway.slug, settings: { collectLogs: true, collectLogPayloads: false } });
    await h.afterDirectoryCache();
    const noPayload = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
    const noPayloadId = noPayload.headers.get("cf-aig-log-id") ?? "";
    await h.logRow(noPayloadId);
    await marker(t);
    expect(await h.payload(noPayloadId)).toBeUndefined();
  });
});
