import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { limitCounters } from "@/db/schema";
import { GatewayError } from "@/lib/gateway/errors";
import { startExchange, type Exchange } from "@/lib/gateway/exchange";
import { recordExchange } from "@/lib/gateway/logging";
import type { LogEvent } from "@/lib/logs/types";
import { createSnapshotDirectory } from "@/lib/state/snapshot-directory";
import { describeEachDatabase } from "@/tests/support/harness";
import { testKeyring } from "@/tests/support/keyring";
import { usedOf } from "@/tests/support/limits";
import { seedTeam } from "@/tests/support/seed";
import { Admission } from "./admission";
import { PostgresCounterStore } from "./postgres-store";
import type { RateElement } from "./route-counters";

/** Monday 5 January 2026, 12:00:30 UTC: the counters' clock, moved by the tests. */
const START = Date.UTC(2026, 0, 5, 12, 0, 30);

const rate = (properties: Partial<RateElement["properties"]>, id = "per-user"): RateElement => ({
  id,
  type: "rate",
  properties: { limitType: "count", key: "metadata.user_id", limit: 2, window: 60, technique: "fixed", ...properties },
  outputs: { success: { elementId: "model" }, fallback: { elementId: "cheap" } },
});

describeEachDatabase("a dynamic route's rate elements on the limits counters", (database) => {
  let clock = START;

  async function setup() {
    const { db } = database();
    const t = await seedTeam(db, { serverUrl: "http://gateway.test" });
    const directory = createSnapshotDirectory(db, testKeyring);
    const admission = new Admission({ store: new PostgresCounterStore(db, { now: () => clock }), directory });
    const rows: LogEvent[] = [];
    const logs = { enqueue: (event: LogEvent) => void rows.push(event) };
    const exchange = (): Exchange => {
      const request = { method: "POST", path: "/", query: "", headers: new Headers(), signal: new AbortController().signal, readBody: () => Promise.resolve(undefined) };
      return Object.assign(startExchange(request), { provider: "openai", model: "gpt-4o-mini", teamId: t.team.id, gateway: t.gateway, keySource: "team" as const });
    };
    const routeId = `rt_${randomBytes(6).toString("hex")}`;
    return { db, t, admission, logs, exchange, routeId, close: () => directory.close() };
  }

  it("counts requests per key value, refusing past the limit with 2003 and the element, route and partition named", async () => {
    clock = START;
    const { admission, exchange, routeId, close } = await setup();
    try {
      // Each a request whose route ends at once: a request counts one, settled.
      const check = async (element: RateElement, keyValue: string | undefined) => {
        const counters = admission.routeCounters(exchange());
        const outcome = await counters.check({ routeId, routeName: "support", element, keyValue, worstCaseMicros: 0 });
        counters.finish();
        return outcome;
      };
      expect(await check(rate({}), "ada")).toEqual({ admitted: true, detail: "1 of 2 requests per 60s, fixed (metadata.user_id=ada)" });
      expect((await check(rate({}), "ada")).admitted).toBe(true);
      const refused = await check(rate({}), "ada");
      expect(refused.admitted).toBe(false);
      if (refused.admitted) return;
      expect(refused.detail).toBe("2 of 2 requests per 60s, fixed (metadata.user_id=ada)");
      expect(refused.refusal).toBeInstanceOf(GatewayError);
      expect(refused.refusal).toMatchObject({ httpCode: 429, internalCode: 2003 });
      expect(refused.refusal.message).toBe("Rate limited: rate element 'per-user' of route 'support' (requests limit 2 per 60s, fixed) for metadata.user_id=ada");
      expect(refused.headers).toEqual({ "x-ratelimit-limit": "2", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "30", "retry-after": "30" });
      // Another user has a counter of their own; requests without a value share one.
      expect((await check(rate({}), "grace")).admitted).toBe(true);
      expect((await check(rate({}), undefined)).detail).toBe("1 of 2 requests per 60s, fixed");
      // The next window starts afresh.
      clock = START + 30_000;
      expect((await check(rate({}), "ada")).admitted).toBe(true);
    } finally {
      await close();
    }
  });

  it("reserves a cost element's worst case and settles it with what the route's model calls cost, once the route is over", async () => {
    clock = START;
    const { db, admission, logs, exchange, routeId, t, close } = await setup();
    try {
      const element = rate({ limitType: "cost", limit: 0.01, key: "metadata.team" }, "spend");
      const e = exchange();
      const counters = admission.routeCounters(e);
      expect(await counters.check({ routeId, routeName: "support", element, keyValue: "red", worstCaseMicros: 6000 })).toEqual({
        admitted: true,
        detail: "0.006 of 0.01 USD per 60s, fixed (metadata.team=red)",
      });
      // A model call with a rule of the gateway's opens its own settlement inside the route's …
      counters.beforeModel();
      const access = { team: { id: t.team.id, slug: t.team.slug }, gateway: { ...t.gateway, rateLimits: [{ id: "all", limit: 100, window: 60, technique: "fixed" as const, counts: "requests" as const }] }, token: undefined };
      await admission.admitRequest(e, access, { cacheTtl: 0, cacheKey: undefined }, {});
      expect(e.settlement).not.toBe(counters);
      // … whose failed answer costs nothing, and the route goes on to a call under no rule.
      recordExchange(logs, e, { statusCode: 500, responseHeaders: {} });
      counters.beforeModel();
      expect(e.settlement).toBe(counters);
      // The route has chosen its answer before the answer's row is in (a stream): nothing is settled yet.
      counters.finish();
      const [counter] = await db.select().from(limitCounters).where(eq(limitCounters.counter, `route:${routeId}:spend|metadata.team=red`));
      expect(counter).toMatchObject({ used: 0, reserved: 6000 });
      // 1,234 tokens in and 567 out of gpt-4o-mini: 525 micro-dollars.
      recordExchange(logs, e, { statusCode: 200, responseHeaders: {}, usage: { input: 1234, output: 567, cached: 0 } });
      expect(await usedOf(db, `route:${routeId}:spend|`)).toBe(525);
    } finally {
      await close();
    }
  });
});
