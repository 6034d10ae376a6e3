import { eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { budgetAlerts } from "@/db/schema";
import { PostgresCounterStore } from "@/lib/limits/postgres-store";
import { expectGatewayError } from "../support/errors";
import { describeGateway, type Harness } from "../support/harness";
import { bearer, chatBody, postJson, SseReader } from "../support/http";
import { addBudget, allSettled, setGateway, setTokenLimits, usedOf } from "../support/limits";
import { addToken, type SeededTeam } from "../support/seed";
import { settlesWithin } from "../support/wait";

/** The counters' clock: windows are driven by moving it, never by sleeping. Monday 5 January 2026, 12:00:30 UTC. */
const START = Date.UTC(2026, 0, 5, 12, 0, 30);
let clock = START;
const MINUTE = 60_000;

function chat(t: SeededTeam, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}, token = t.token): Promise<Response> {
  return postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini", extra), { ...bearer(token), ...headers });
}

/** Sends and reads the answer to its end (its row and settlement follow), returning its status and headers. */
async function send(request: Promise<Response>): Promise<Response> {
  const res = await request;
  await res.clone().text();
  return res;
}

const metadata = (values: Record<string, string>) => ({ "cf-aig-metadata": JSON.stringify(values) });

describeGateway(
  "limits and budgets",
  (h: Harness) => {
    it("holds Cloudflare's fixed-window gateway limit to the clock's minute, with the X-RateLimit headers", async () => {
      clock = START;
      const t = await h.seed();
      await setGateway(h.db, t, { rateLimitingLimit: 2, rateLimitingInterval: 60, rateLimitingTechnique: "fixed" });
      const first = await send(chat(t));
      expect(first.status).toBe(200);
      expect([first.headers.get("x-ratelimit-limit"), first.headers.get("x-ratelimit-remaining"), first.headers.get("x-ratelimit-reset")]).toEqual(["2", "1", "30"]);
      expect((await send(chat(t))).headers.get("x-ratelimit-remaining")).toBe("0");

      clock = START + 29_000; // 12:00:59, the window's last second
      const refused = await send(chat(t));
      const body = await expectGatewayError(refused, 429, 2003);
      expect(body.error.message).toBe("Rate limited: the gateway's rate limit (requests limit 2 per 60s, fixed)");
      expect(refused.headers.get("retry-after")).toBe("1");
      expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
      expect((await h.logRow(refused.headers.get("cf-aig-log-id") ?? "")).errorCode).toBe(2003);

      clock = START + 30_000; // 12:01:00: a new window
      const next = await send(chat(t));
      expect(next.status).toBe(200);
      expect(next.headers.get("x-ratelimit-reset")).toBe("60");
    });

    it("weighs the previous window in a sliding limit", async () => {
      clock = START;
      const t = await h.seed();
      await setGateway(h.db, t, { rateLimitingLimit: 2, rateLimitingInterval: 60, rateLimitingTechnique: "sliding" });
      expect((await send(chat(t))).status).toBe(200);
      expect((await send(chat(t))).status).toBe(200);
      await allSettled(h.db);

      // 12:01:30: half the previous window still counts (1 of its 2), so one more fits.
      clock = START + MINUTE;
      expect((await send(chat(t))).status).toBe(200);
      await allSettled(h.db);
      await expectGatewayError(await send(chat(t)), 429, 2003);

      // 12:01:59: the previous window's share rounds down to nothing; this window has 1 of 2.
      clock = START + MINUTE + 29_000;
      expect((await send(chat(t))).status).toBe(200);
    });

    it("partitions a gateway's rules by metadata, model, provider and token, skipping requests without the value", async () => {
      clock = START;
      const t = await h.seed();
      const rule = { limit: 1, window: 60, technique: "fixed", counts: "requests" } as const;
      await setGateway(h.db, t, { rateLimits: [{ ...rule, id: "per-user", key: "metadata.user_id" }] });
      expect((await send(chat(t, metadata({ user_id: "ada" })))).status).toBe(200);
      const refused = await expectGatewayError(await send(chat(t, metadata({ user_id: "ada" }))), 429, 2003);
      expect(refused.error.message).toBe("Rate limited: rate limit 'per-user' (requests limit 1 per 60s, fixed) for metadata.user_id=ada");
      expect((await send(chat(t, metadata({ user_id: "bob" })))).status).toBe(200);
      expect((await send(chat(t))).status).toBe(200);

      await setGateway(h.db, t, { rateLimits: [{ ...rule, id: "per-model", key: "model" }] });
      expect((await send(chat(t))).status).toBe(200);
      await expectGatewayError(await send(chat(t)), 429, 2003);
      expect((await send(postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o"), bearer(t.token)))).status).toBe(200);

      await setGateway(h.db, t, { rateLimits: [{ ...rule, id: "per-provider", key: "provider" }] });
      expect((await send(chat(t))).status).toBe(200);
      await expectGatewayError(await send(postJson(`${t.gatewayUrl}/openai/chat/completions`, chatBody("gpt-4o"), bearer(t.token))), 429, 2003);

      await setGateway(h.db, t, { rateLimits: [{ ...rule, id: "per-token", key: "token" }] });
      const other = await addToken(t);
      expect((await send(chat(t))).status).toBe(200);
      await expectGatewayError(await send(chat(t)), 429, 2003);
      expect((await send(chat(t, {}, {}, other.token))).status).toBe(200);
    });

    it("counts a tokens rule by the usage settled after each answer", async () => {
      clock = START;
      const t = await h.seed();
      await setGateway(h.db, t, { rateLimits: [{ id: "tokens", limit: 50, window: 60, technique: "fixed", counts: "tokens" }] });
      const first = await send(chat(t));
      const row = await h.logRow(first.headers.get("cf-aig-log-id") ?? "");
      const perRequest = row.tokensIn + row.tokensOut;
      expect(await usedOf(h.db, `gw:${t.gateway.id}:rl:tokens`)).toBe(perRequest);
      expect((await send(chat(t))).status).toBe(200);
      await allSettled(h.db);
      expect(2 * perRequest).toBeGreaterThanOrEqual(50);
      await expectGatewayError(await send(chat(t)), 429, 2003);
    });

    it("limits a token by its own rules, other tokens not at all", async () => {
      clock = START;
      const t = await h.seed();
      const limited = await addToken(t);
      await setTokenLimits(h.db, t, limited.id, [{ id: "mine", limit: 1, window: 60, technique: "fixed", counts: "requests" }]);
      expect((await send(chat(t, {}, {}, limited.token))).status).toBe(200);
      const refused = await expectGatewayError(await send(chat(t, {}, {}, limited.token)), 429, 2003);
      expect(refused.error.message).toContain("the token's rate limit 'mine'");
      expect((await send(chat(t))).status).toBe(200);
    });

    for (const scope of ["team", "gateway", "token"] as const) {
      it(`refuses with 2045 once a ${scope} budget is spent, naming it, until its period ends`, async () => {
        clock = START;
        const t = await h.seed();
        const other = await addToken(t);
        const id = await addBudget(h.db, t, {
          name: `${scope}-daily`,
          limitMicros: 5,
          gatewayId: scope === "gateway" ? t.gateway.id : null,
          tokenId: scope === "token" ? t.tokenId : null,
        });
        const first = await send(chat(t));
        expect(first.status).toBe(200);
        const row = await h.logRow(first.headers.get("cf-aig-log-id") ?? "");
        expect(row.costMicros).toBeGreaterThan(5);
        expect(await usedOf(h.db, `budget:${id}`)).toBe(row.costMicros);

        const refused = await send(chat(t));
        const body = await expectGatewayError(refused, 429, 2045);
        expect(body.error.message).toBe(`Spend limit exceeded: budget '${scope}-daily' (cost limit 0.000005 daily)`);
        expect(refused.headers.get("retry-after")).toBe(String(12 * 3600 - 30));
        expect(refused.headers.get("cf-aig-budget-remaining")).toBe("0");
        // The token budget binds its token alone.
        expect((await send(chat(t, {}, {}, other.token))).status).toBe(scope === "token" ? 200 : 429);

        clock = START + 12 * 3600_000; // the next day
        expect((await send(chat(t))).status).toBe(200);
      });
    }

    it("applies Cloudflare's spend limits per partition and only to the requests their filters name", async () => {
      clock = START;
      const t = await h.seed();
      const rule = { enabled: true, limitType: "cost", limit: 0.000005, window: 3600, technique: "fixed" } as const;
      await setGateway(h.db, t, {
        spendLimits: {
          enabled: true,
          rules: [
            { ...rule, id: "per-user", metadata: { user_id: { mode: "partition" }, env: { mode: "filter", values: ["prod"] } } },
            { ...rule, id: "gpt-4o-only", model: { mode: "filter", values: ["openai/gpt-4o"] } },
          ],
        },
      });
      const prod = (user: string) => metadata({ user_id: user, env: "prod" });
      expect((await send(chat(t, prod("ada")))).status).toBe(200);
      const refused = await expectGatewayError(await send(chat(t, prod("ada"))), 429, 2045);
      expect(refused.error.message).toBe("Spend limit exceeded: rule 'per-user' (cost limit 0.000005 per 3600s, fixed) for metadata.user_id=ada");
      expect((await send(chat(t, prod("bob")))).status).toBe(200);
      // Filtered out: another environment, and a model the second rule does not name.
      expect((await send(chat(t, metadata({ user_id: "ada", env: "dev" })))).status).toBe(200);
      expect((await send(chat(t, metadata({ user_id: "ada", env: "dev" })))).status).toBe(200);

      const gpt4o = () => send(postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o"), bearer(t.token)));
      expect((await gpt4o()).status).toBe(200);
      await allSettled(h.db);
      await expectGatewayError(await gpt4o(), 429, 2045);
    });

    it("records a budget's alert once, when its threshold is crossed", async () => {
      clock = START;
      const t = await h.seed();
      const first = await send(chat(t));
      const cost = (await h.logRow(first.headers.get("cf-aig-log-id") ?? "")).costMicros;
      // Alerting at half the limit: the second request's cost crosses it, the third's does not again.
      await addBudget(h.db, t, { name: "alerting", limitMicros: 3 * cost, alertPercent: 50 });
      expect((await send(chat(t))).status).toBe(200);
      await allSettled(h.db);
      const alerts = () => h.db.select().from(budgetAlerts).where(eq(budgetAlerts.teamId, t.team.id));
      expect(await alerts()).toEqual([]);
      expect((await send(chat(t))).status).toBe(200);
      await allSettled(h.db);
      expect((await send(chat(t))).status).toBe(200);
      await allSettled(h.db);
      const recorded = await settlesWithin(
        (async () => {
          for (;;) {
            const rows = await alerts();
            if (rows.length > 0) return rows;
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        })(),
        10_000,
        "no alert was recorded",
      );
      expect(recorded).toMatchObject([{ label: "budget 'alerting'", percent: 50, usedMicros: 2 * cost, limitMicros: 3 * cost, windowStart: Date.UTC(2026, 0, 5) }]);
    });

    it("charges a streamed answer what the same answer costs whole, to the micro-dollar", async () => {
      clock = START;
      const t = await h.seed();
      const id = await addBudget(h.db, t, { limitMicros: 1_000_000 });
      const whole = await send(chat(t));
      const wholeCost = await usedOf(h.db, `budget:${id}`);
      expect(wholeCost).toBe((await h.logRow(whole.headers.get("cf-aig-log-id") ?? "")).costMicros);
      expect(wholeCost).toBeGreaterThan(0);
      const streamed = await send(chat(t, {}, { stream: true, stream_options: { include_usage: true } }));
      expect(streamed.headers.get("content-type")).toMatch(/event-stream/);
      expect(await usedOf(h.db, `budget:${id}`)).toBe(2 * wholeCost);
      // Without include_usage the gateway asks for it anyway.
      await send(chat(t, {}, { stream: true }));
      expect(await usedOf(h.db, `budget:${id}`)).toBe(3 * wholeCost);
    });

    it("charges a client that leaves mid-stream what was generated", async () => {
      clock = START;
      const t = await h.seed();
      const id = await addBudget(h.db, t, { limitMicros: 1_000_000 });
      const controller = new AbortController();
      const res = await postJson(
        `${t.gatewayUrl}/compat/chat/completions`,
        chatBody("openai/gpt-4o-mini", { stream: true }),
        { ...bearer(t.token), "x-fake-mode": "fake-gated" },
        { signal: controller.signal },
      );
      const reader = new SseReader(res);
      // The role event, then the first word; the fake holds the rest.
      while (!(await reader.next())?.includes('"content":"Hello')) continue;
      controller.abort();
      const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
      expect(row.statusCode).toBe(499);
      expect(row.costMicros).toBeGreaterThan(0);
      expect(await usedOf(h.db, `budget:${id}`)).toBe(row.costMicros);
    });

    it("settles a retried request once, with every attempt's cost", async () => {
      clock = START;
      const t = await h.seed();
      const id = await addBudget(h.db, t, { limitMicros: 1_000_000 });
      await setGateway(h.db, t, { rateLimits: [{ id: "requests", limit: 10, window: 60, technique: "fixed", counts: "requests" }] });
      h.fake.fail(t.providerKey, { status: 500 });
      const res = await send(chat(t, { "cf-aig-max-attempts": "2" }));
      expect(res.status).toBe(200);
      const rows = (await h.logRows(t.team.id)).sort((a, b) => a.attempt - b.attempt);
      expect(rows.map((r) => [r.attempt, r.statusCode])).toEqual([
        [1, 500],
        [2, 200],
      ]);
      expect(await usedOf(h.db, `gw:${t.gateway.id}:rl:requests`)).toBe(1);
      expect(await usedOf(h.db, `budget:${id}`)).toBe(rows[1]!.costMicros);
    });

    it("serves a cached answer over budget, and refuses what would call the provider", async () => {
      clock = START;
      const t = await h.seed();
      await addBudget(h.db, t, { limitMicros: 1 });
      const cached = { "cf-aig-cache-ttl": "60" };
      expect((await send(chat(t, cached))).headers.get("cf-aig-cache-status")).toBe("MISS");
      await allSettled(h.db);
      const hit = await send(chat(t, cached));
      expect([hit.status, hit.headers.get("cf-aig-cache-status")]).toEqual([200, "HIT"]);
      await expectGatewayError(await send(chat(t, cached, { temperature: 0.5 })), 429, 2045);
    });

    it("refuses a token with a $0.01 daily budget and 2 requests a minute with the right codes and headers", async () => {
      clock = START;
      const t = await h.seed();
      const { token, id } = await addToken(t);
      await setTokenLimits(h.db, t, id, [{ id: "per-minute", limit: 2, window: 60, technique: "fixed", counts: "requests" }]);
      await addBudget(h.db, t, { name: "daily", limitMicros: 10_000, tokenId: id });

      const first = await send(chat(t, {}, {}, token));
      expect(first.status).toBe(200);
      expect(first.headers.get("x-ratelimit-limit")).toBe("2");
      expect(first.headers.get("x-ratelimit-remaining")).toBe("1");
      expect(Number(first.headers.get("cf-aig-budget-remaining"))).toBeLessThan(0.01);
      expect((await send(chat(t, {}, {}, token))).headers.get("x-ratelimit-remaining")).toBe("0");
      const limited = await send(chat(t, {}, {}, token));
      await expectGatewayError(limited, 429, 2003);
      expect([limited.headers.get("retry-after"), limited.headers.get("x-ratelimit-limit"), limited.headers.get("x-ratelimit-remaining"), limited.headers.get("x-ratelimit-reset")]).toEqual(["30", "2", "0", "30"]);

      // The next minute, one answer of 20,000 output tokens ($0.012) spends the day's budget.
      clock = START + MINUTE;
      const usage = h.fake.usage;
      h.fake.usage = { prompt_tokens: 10, completion_tokens: 20_000, cached_tokens: 0 };
      try {
        expect((await send(chat(t, {}, {}, token))).status).toBe(200);
      } finally {
        h.fake.usage = usage;
      }
      await allSettled(h.db);
      const spent = await send(chat(t, {}, {}, token));
      const body = await expectGatewayError(spent, 429, 2045);
      expect(body.error.message).toBe("Spend limit exceeded: budget 'daily' (cost limit 0.01 daily)");
      expect(spent.headers.get("retry-after")).toBe(String(12 * 3600 - 90));
      expect(spent.headers.get("cf-aig-budget-remaining")).toBe("0");
      expect(spent.headers.get("x-ratelimit-limit")).toBe("0.01");
    });
  },
  { limitStore: (db) => new PostgresCounterStore(db, { now: () => clock }) },
);
