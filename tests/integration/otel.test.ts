import { afterAll, beforeAll, expect, it } from "vitest";
import { startFakeCollector, type FakeCollector } from "../fake-providers/otlp-collector";
import { expectGatewayError } from "../support/errors";
import { describeGateway } from "../support/harness";
import { bearer, chatBody, closedPort, json, postJson } from "../support/http";
import { until } from "../support/wait";

/** Long enough for a batch (sent a second after its first span) under a loaded machine. */
const EXPORT_WAIT_MS = 15_000;

describeGateway("OpenTelemetry export", (h) => {
  let collector: FakeCollector;
  beforeAll(async () => {
    collector = await startFakeCollector();
  });
  afterAll(async () => {
    await collector.close();
  });

  async function spanOf(logId: string) {
    await until(async () => collector.spansOfLog(logId).length > 0, EXPORT_WAIT_MS, `no span for log ${logId} reached the collector`);
    const spans = collector.spansOfLog(logId);
    expect(spans).toHaveLength(1);
    return spans[0]!;
  }

  it("exports a span per request as OTLP JSON with the gen_ai attributes, cost, cache status and metadata", async () => {
    const t = await h.seed({ settings: { otel: [{ url: collector.url, authorization: "Bearer collector-secret-1", content_type: "json" }] } });
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), {
      ...bearer(t.token),
      "cf-aig-metadata": JSON.stringify({ user: "alice", tier: 2, "gen_ai.system": "spoofed" }),
      "cf-aig-event-id": "evt-otel-1",
    });
    expect(res.status).toBe(200);
    await json(res);
    const logId = res.headers.get("cf-aig-log-id")!;
    const [span, row] = await Promise.all([spanOf(logId), h.logRow(logId)]);
    const request = collector.requests.find((r) => r.spans.includes(span))!;
    expect(request.encoding).toBe("json");
    expect(request.headers.authorization).toBe("Bearer collector-secret-1");
    expect(span.attributes).toMatchObject({
      "gen_ai.request.model": row.model,
      "gen_ai.model.provider": "openai",
      "gen_ai.usage.input_tokens": row.tokensIn,
      "gen_ai.usage.output_tokens": row.tokensOut,
      "gen_ai.usage.cost": row.costMicros / 1_000_000,
      "cf_aig.cache_status": "MISS",
      "cf_aig.event_id": "evt-otel-1",
      "cf_aig.log_id": logId,
      "http.response.status_code": 200,
      user: "alice",
      tier: 2,
    });
    expect(row.tokensIn).toBeGreaterThan(0);
    // Metadata never overrides the gateway's own gen_ai attributes, as Cloudflare leaves gen_ai.* keys out.
    expect(span.attributes["gen_ai.system"]).toBe("openai");
    expect(span.resource["service.name"]).toBe("switchyard");
    expect(span.parentSpanId).toBe("");
    // No credential of the request travels in the export.
    expect(request.rawBody).not.toContain(t.token);
    expect(request.rawBody).not.toContain(t.providerKey);
  });

  it("exports protobuf, joining the client's trace from cf-aig-otel-trace-id and cf-aig-otel-parent-span-id", async () => {
    const t = await h.seed({ settings: { otel: [{ url: collector.url, content_type: "protobuf", headers: { "x-team": "acme" } }] } });
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const parentSpanId = "00f067aa0ba902b7";
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), {
      ...bearer(t.token),
      "cf-aig-otel-trace-id": traceId,
      "cf-aig-otel-parent-span-id": parentSpanId,
    });
    expect(res.status).toBe(200);
    await json(res);
    const logId = res.headers.get("cf-aig-log-id")!;
    const span = await spanOf(logId);
    const request = collector.requests.find((r) => r.spans.includes(span))!;
    expect(request.encoding).toBe("protobuf");
    expect(request.headers["x-team"]).toBe("acme");
    expect(span).toMatchObject({ traceId, parentSpanId });
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(span.endTimeUnixNano).toBeGreaterThanOrEqual(span.startTimeUnixNano);
    expect(span.attributes).toMatchObject({ "gen_ai.model.provider": "openai", "http.response.status_code": 200, "cf_aig.log_id": logId });
  });

  it("exports refused requests with their status and error, and cache hits as HIT", async () => {
    const t = await h.seed({ settings: { otel: [{ url: collector.url, content_type: "json" }], cacheTtl: 300 } });
    // No token, on an authenticated gateway: refused once the gateway, and so its collectors, are known.
    const refused = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), {});
    await expectGatewayError(refused, 401, 2009);
    const refusedSpan = await spanOf(refused.headers.get("cf-aig-log-id")!);
    expect(refusedSpan.attributes).toMatchObject({ "http.response.status_code": 401, "cf_aig.error_code": 2009, "cf_aig.success": false });
    expect(refusedSpan.status.code).toBe(2);

    const body = chatBody("openai/gpt-4o-mini", { messages: [{ role: "user", content: "cache me for otel" }] });
    for (const expected of ["MISS", "HIT"]) {
      const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, body, bearer(t.token));
      expect(res.status).toBe(200);
      await json(res);
      expect((await spanOf(res.headers.get("cf-aig-log-id")!)).attributes["cf_aig.cache_status"]).toBe(expected);
    }
  });

  it("sends spans in batches, and exports them when the gateway does not collect logs", async () => {
    const t = await h.seed({ settings: { otel: [{ url: collector.url, content_type: "json" }], collectLogs: false } });
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token))),
    );
    const logIds = await Promise.all(
      responses.map(async (res) => {
        expect(res.status).toBe(200);
        await json(res);
        return res.headers.get("cf-aig-log-id")!;
      }),
    );
    for (const logId of logIds) await spanOf(logId);
    const carriers = collector.requests.filter((request) => request.spans.some((span) => logIds.includes(String(span.attributes["cf_aig.log_id"]))));
    expect(carriers.length).toBeLessThan(logIds.length);
    expect(await h.logRows(t.team.id)).toEqual([]);
  });

  it("answers requests as usual while the collector is down", async () => {
    const t = await h.seed({ settings: { otel: [{ url: `http://127.0.0.1:${await closedPort()}/v1/traces`, content_type: "protobuf" }] } });
    for (let i = 0; i < 3; i++) {
      const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
      expect(res.status).toBe(200);
      expect((await json(res)).object).toBe("chat.completion");
      expect((await h.logRow(res.headers.get("cf-aig-log-id")!)).statusCode).toBe(200);
    }
  });

  it("refuses a malformed trace header with a 400 naming it", async () => {
    const t = await h.seed({ settings: { otel: [{ url: collector.url, content_type: "json" }] } });
    for (const [header, value] of [
      ["cf-aig-otel-trace-id", "not-hex"],
      ["cf-aig-otel-trace-id", "0".repeat(32)],
      ["cf-aig-otel-parent-span-id", "abc"],
    ] as const) {
      const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), { ...bearer(t.token), [header]: value });
      const body = await expectGatewayError(res, 400);
      expect(body.error.message).toContain(header);
    }
  });
});
