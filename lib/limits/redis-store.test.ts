import { randomBytes } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { describeEachDatabase } from "@/tests/support/harness";
import { startPausableProxy } from "@/tests/support/pausable-proxy";
import { settlesWithin } from "@/tests/support/wait";
import { RedisCounterStore } from "./redis-store";
import { CounterStoreUnavailableError, type CounterCheck } from "./store";
import { counterStoreSuite } from "./store-suite";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
// This file's own prefix, so parallel suites on the same Redis never see its counters.
const prefix = `switchyard-test:${randomBytes(6).toString("hex")}:`;

afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

counterStoreSuite({
  name: "redis",
  open: ({ db, now, scope }) => new RedisCounterStore({ url: REDIS_URL, db, now, keyPrefix: `${prefix}${scope}:` }),
  flush: (store) => (store as RedisCounterStore).flush(),
  childOrders: (scope) => ({ redis: { url: REDIS_URL, keyPrefix: `${prefix}${scope}:` } }),
});

describeEachDatabase("Redis counter store and its Postgres ledger", (database) => {
  const now = () => Date.parse("2031-02-01T12:00:00Z");
  const keyPrefix = `${prefix}ledger-${randomBytes(3).toString("hex")}:`;
  let store: RedisCounterStore;
  beforeAll(() => {
    store = new RedisCounterStore({ url: REDIS_URL, db: database().db, now, keyPrefix });
  });
  afterAll(async () => {
    await store?.close();
  });

  it("seeds a durable counter Redis lost from Postgres's used before checking it", async () => {
    const budget: CounterCheck = { counter: `test|lost|${randomBytes(4).toString("hex")}`, window: { kind: "calendar", period: "monthly" }, limit: 1000, amount: 100, durable: true };
    const first = await store.reserve([budget]);
    if (!first.admitted) throw new Error("refused");
    await store.settle(first.reservationId, [950]);
    await store.flush();
    // Redis restarted or evicted it: the next check starts from the ledger, not from zero.
    const redis = new Redis(REDIS_URL);
    try {
      expect(await redis.del(`${keyPrefix}c:${Date.parse("2031-02-01T00:00:00Z")}:${budget.counter}`)).toBe(1);
    } finally {
      redis.disconnect();
    }
    expect(await store.read([budget])).toMatchObject([{ counted: 950 }]);
    expect(await store.reserve([budget])).toMatchObject({ admitted: true, states: [{ counted: 1050 }] });
    expect(await store.reserve([budget])).toMatchObject({ admitted: false, states: [{ counted: 1050 }] });
  });

  it("keeps a settlement Redis did not take, and counts it once Redis is back", async () => {
    const target = new URL(REDIS_URL);
    const proxy = await startPausableProxy({ host: target.hostname, port: Number(target.port || 6379) });
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const cut = new RedisCounterStore({ url: proxy.urlFor(REDIS_URL), db: database().db, now, keyPrefix });
    try {
      const budget: CounterCheck = { counter: `test|cut|${randomBytes(4).toString("hex")}`, window: { kind: "calendar", period: "daily" }, limit: 1000, amount: 100, durable: true };
      const outcome = await cut.reserve([budget]);
      if (!outcome.admitted) throw new Error("refused");
      proxy.pause();
      await cut.settle(outcome.reservationId, [40]);
      expect(await store.read([budget])).toMatchObject([{ counted: 100 }]);
      proxy.resume();
      const settled = async () => {
        for (;;) {
          try {
            return await cut.flush();
          } catch {
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        }
      };
      await settlesWithin(settled(), 10_000, "the kept settlement never reached Redis");
      expect(await store.read([budget])).toMatchObject([{ counted: 40 }]);
      await cut.settle(outcome.reservationId, [40]);
      await cut.flush();
      expect(await store.read([budget])).toMatchObject([{ counted: 40 }]);
    } finally {
      await cut.close();
      await proxy.close();
      errors.mockRestore();
    }
  });

  it("counts a non-durable counter in Redis alone", async () => {
    const rate: CounterCheck = { counter: `test|rate|${randomBytes(4).toString("hex")}`, window: { kind: "fixed", seconds: 60 }, limit: 2, amount: 1, durable: false };
    for (let i = 0; i < 2; i++) expect((await store.reserve([rate])).admitted).toBe(true);
    expect(await store.reserve([rate])).toMatchObject({ admitted: false, states: [{ counted: 2, retryAfterMs: 60_000 }] });
  });
});

describe("Redis counter store out of reach", () => {
  let blackHole: Server;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    // Takes connections and never answers: a Redis that hangs.
    blackHole = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackHole.close(resolve));
  });

  const check: CounterCheck = { counter: "test|unreachable", window: { kind: "fixed", seconds: 60 }, limit: 10, amount: 1, durable: false };

  it("refuses at once, or after its command timeout, with CounterStoreUnavailableError, and says so once", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    // No database call is reached before Redis answers.
    const db = undefined as never;
    const stores = [
      new RedisCounterStore({ url: "redis://127.0.0.1:1", db, keyPrefix: prefix, commandTimeoutMs: 200 }),
      new RedisCounterStore({ url: `redis://127.0.0.1:${(blackHole.address() as { port: number }).port}`, db, keyPrefix: prefix, commandTimeoutMs: 200 }),
    ];
    try {
      for (const store of stores) {
        for (let i = 0; i < 3; i++) {
          await expect(settlesWithin(store.reserve([check]), 5_000, "reserve waited on Redis")).rejects.toBeInstanceOf(CounterStoreUnavailableError);
          await expect(settlesWithin(store.read([check]), 5_000, "read waited on Redis")).rejects.toBeInstanceOf(CounterStoreUnavailableError);
        }
      }
      expect(errors.mock.calls.filter(([line]) => String(line).includes("Redis is unreachable"))).toHaveLength(2);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      errors.mockRestore();
    }
  });
});
