import { expect, it } from "vitest";
import type { RequestLog } from "@/db/schema";
import type { FakeRequest } from "../fake-providers/openai";
import { expectGatewayError } from "../support/errors";
import { attemptRows } from "../support/attempts";
import { describeGateway, type Harness } from "../support/harness";
import { bearer, chatBody, closedPort, json, postJson, readSse } from "../support/http";
import { addKey } from "../support/seed";

/** Scheduling slack between the gateway's timer firing and the fake seeing the next request: generous, one-sided. */
const LATE_MS = 250;

const retrying = (attempts: number, delayMs: number, backoff = "constant") => ({
  "cf-aig-max-attempts": String(attempts),
  "cf-aig-retry-delay": String(delayMs),
  "cf-aig-backoff": backoff,
});

/** What a failed attempt's row says it waited before the next one. */
function waitedMs(row: RequestLog): number {
  const match = /retried after (\d+) ms/.exec(row.errorMessage ?? "");
  if (!match) throw new Error(`row of attempt ${row.attempt} does not say how long the retry waited: ${row.errorMessage}`);
  return Number(match[1]);
}

function requestsWith(h: Harness, key: string): FakeRequest[] {
  return h.fake.requests.filter((r) => r.headers.authorization === `Bearer ${key}`);
}

/** The gaps between the fake's receipt of consecutive requests. */
function gaps(requests: FakeRequest[]): number[] {
  return requests.slice(1).map((r, i) => r.receivedAt - requests[i]!.receivedAt);
}

describeGateway("retries", (h) => {
  for (const status of [429, 500, 502, 503, 504]) {
    it(`retries a provider ${status} and answers with the attempt that succeeded, each attempt its own row`, async () => {
      const t = await h.seed();
      h.fake.fail(t.providerKey, { status });
      const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), { ...bearer(t.token), ...retrying(3, 0) });
      expect(res.status).toBe(200);
      expect((await json(res)).object).toBe("chat.completion");
      expect(requestsWith(h, t.providerKey)).toHaveLength(2);
      const rows = await attemptRows(h, t, res);
      const keyId = rows[0]!.providerKeyId;
      expect(keyId).toMatch(/^pk_/);
      expect(rows.map((r) => [r.attempt, r.step, r.statusCode, r.success, r.providerKeyId])).toEqual([
        [1, 0, status, false, keyId],
        [2, 0, 200, true, keyId],
      ]);
      // The first row's id is the request's; the client is told the row that answered.
      expect(rows[0]!.id).toBe(res.headers.get("cf-aig-request-id"));
      expect(rows[1]!.id).toBe(res.headers.get("cf-aig-log-id"));
      expect(rows[0]!.tokensIn).toBe(0);
      expect(rows[1]!.tokensIn).toBeGreaterThan(0);
    });
  }

  it("answers the last attempt's failure as the provider sent it when every attempt fails", async () => {
    const t = await h.seed();
    h.fake.fail(t.providerKey, { status: 503 }, { status: 503 }, { status: 503 });
    const res = await postJson(`${t.gatewayUrl}/openai/chat/completions`, chatBody("gpt-4o-mini"), { ...bearer(t.token), ...retrying(3, 0) });
    expect(res.status).toBe(503);
    expect(((await json(res)) as { error: { message: string } }).error.message).toContain("overloaded");
    const rows = await attemptRows(h, t, res);
    expect(rows.map((r) => [r.attempt, r.statusCode])).toEqual([
      [1, 503],
      [2, 503],
      [3, 503],
    ]);
  });

  it("does not retry what another attempt cannot change (400, 404)", async () => {
    const t = await h.seed();
    h.fake.fail(t.providerKey, { status: 404 });
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), { ...bearer(t.token), ...retrying(3, 0) });
    expect(res.status).toBe(404);
    await res.text();
    expect(requestsWith(h, t.providerKey)).toHaveLength(1);
  });

  for (const [backoff, expected] of [
    ["constant", [120, 120, 120]],
    ["linear", [120, 240, 360]],
    ["exponential", [120, 240, 480]],
  ] as const) {
    it(`waits the ${backoff} backoff it computed between attempts, with at most a quarter off for jitter`, async () => {
      const t = await h.seed();
      h.fake.fail(t.providerKey, { status: 503 }, { status: 500 }, { status: 502 });
      const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), { ...bearer(t.token), ...retrying(4, 120, backoff) });
      expect(res.status).toBe(200);
      await res.text();
      const rows = await attemptRows(h, t, res);
      expect(rows.map((r) => r.statusCode)).toEqual([503, 500, 502, 200]);
      const computed = rows.slice(0, 3).map(waitedMs);
      computed.forEach((ms, i) => {
        expect(ms).toBeGreaterThanOrEqual(expected[i]! * 0.75);
        expect(ms).toBeLessThanOrEqual(expected[i]!);
      });
      gaps(requestsWith(h, t.providerKey)).forEach((gap, i) => {
        expect(gap).toBeGreaterThanOrEqual(computed[i]! - 2);
        expect(gap).toBeLessThanOrEqual(computed[i]! + LATE_MS);
      });
    });
  }

  it("takes the gateway's retry settings when the request sends none", async () => {
    const t = await h.seed({ settings: { retryMaxAttempts: 2, retryDelay: 50, retryBackoff: "constant" } });
    h.fake.fail(t.providerKey, { status: 500 });
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
    expect(res.status).toBe(200);
    await res.text();
    expect((await attemptRows(h, t, res)).map((r) => r.statusCode)).toEqual([500, 200]);
  });

  it("honours a provider's Retry-After within the limit, longer than the backoff", async () => {
    const t = await h.seed();
    h.fake.fail(t.providerKey, { status: 429, retryAfter: "1" });
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), { ...bearer(t.token), ...retrying(2, 10) });
    expect(res.status).toBe(200);
    await res.text();
    const rows = await attemptRows(h, t, res);
    expect(waitedMs(rows[0]!)).toBe(1000);
    const [gap] = gaps(requestsWith(h, t.providerKey));
    expect(gap).toBeGreaterThanOrEqual(998);
    expect(gap).toBeLessThanOrEqual(1000 + LATE_MS);
  });

  it("answers at once when the provider's Retry-After is beyond the 5 s limit, passing it on", async () => {
    const t = await h.seed();
    h.fake.fail(t.providerKey, { status: 429, retryAfter: "20" });
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), { ...bearer(t.token), ...retrying(3, 10) });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("20");
    await res.text();
    expect(requestsWith(h, t.providerKey)).toHaveLength(1);
  });

  it("never retries once the first byte has gone to the client", async () => {
    const t = await h.seed();
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/fake-reset-2", { stream: true }), {
      ...bearer(t.token),
      ...retrying(3, 0),
    });
    expect(res.status).toBe(200);
    await readSse(res).catch(() => []);
    const rows = await attemptRows(h, t, res);
    expect(rows.map((r) => [r.attempt, r.statusCode])).toEqual([[1, 502]]);
    expect(requestsWith(h, t.providerKey)).toHaveLength(1);
  });

  it("retries a refused connection, logging each attempt as 502 with code 2005", async () => {
    const t = await h.seed({ storedKey: false });
    await addKey(t, { baseUrl: `http://127.0.0.1:${await closedPort()}/v1` });
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), { ...bearer(t.token), ...retrying(3, 20, "linear") });
    await expectGatewayError(res, 502, 2005);
    const rows = await attemptRows(h, t, res);
    expect(rows.map((r) => [r.attempt, r.statusCode, r.errorCode])).toEqual([
      [1, 502, 2005],
      [2, 502, 2005],
      [3, 502, 2005],
    ]);
    expect(rows[0]!.errorMessage).toMatch(/could not be reached.*retried after \d+ ms/);
  });

  it("retries a connection reset before any byte", async () => {
    const t = await h.seed();
    h.fake.fail(t.providerKey, { reset: true });
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), { ...bearer(t.token), ...retrying(2, 0) });
    expect(res.status).toBe(200);
    await res.text();
    expect((await attemptRows(h, t, res)).map((r) => [r.statusCode, r.errorCode])).toEqual([
      [502, 2005],
      [200, null],
    ]);
  });

  it("stops when the client leaves during a backoff: no further call to the provider", async () => {
    const t = await h.seed();
    h.fake.fail(t.providerKey, { status: 503 });
    const abort = new AbortController();
    const pending = postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), { ...bearer(t.token), ...retrying(2, 5000) }, { signal: abort.signal });
    await h.fake.waitForRequest((r) => r.headers.authorization === `Bearer ${t.providerKey}`);
    // The first attempt's row is written before the backoff starts.
    let rows: RequestLog[] = [];
    while (rows.length === 0) rows = (await h.logRows(t.team.id)).filter((r) => r.statusCode === 503);
    abort.abort();
    await expect(pending).rejects.toThrow();
    const requestId = rows[0]!.requestId;
    let all: RequestLog[] = [];
    while (all.length < 2) all = (await h.logRows(t.team.id)).filter((r) => r.requestId === requestId);
    expect(all.sort((a, b) => a.attempt - b.attempt).map((r) => [r.attempt, r.statusCode])).toEqual([
      [1, 503],
      [2, 499],
    ]);
    expect(requestsWith(h, t.providerKey)).toHaveLength(1);
  });
});
