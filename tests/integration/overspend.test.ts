/**
 * The proof that budgets never overspend by more than one request: N concurrent requests, streamed
 * and not, against a nearly spent budget, sent alternately to two gateway instances that share one
 * database (each with its own directory, its own counter store and, on a Postgres server, its own
 * pool), once with the counters in Postgres and once in Redis (when TEST_REDIS_URL is set, as in CI).
 */
import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase, type Database, type DatabaseHandle } from "@/db/client";
import { limitCounters, limitReservations, requestLogs, type RequestLog } from "@/db/schema";
import { PostgresCounterStore } from "@/lib/limits/postgres-store";
import { RedisCounterStore } from "@/lib/limits/redis-store";
import { budgetRule } from "@/lib/limits/rules";
import type { CounterStore } from "@/lib/limits/store";
import { windowAt } from "@/lib/limits/window";
import { worstCaseMicros } from "@/lib/limits/worst-case";
import { costMicros } from "@/lib/pricing/cost";
import { startFakeOpenAI, type FakeOpenAI } from "../fake-providers/openai";
import { databaseUrlOf } from "../support/database";
import { startGatewayServer, type GatewayServer } from "../support/gateway-server";
import { describeEachDatabase } from "../support/harness";
import { bearer, chatBody, postJson } from "../support/http";
import { addBudget } from "../support/limits";
import { seedTeam, type SeededTeam } from "../support/seed";
import { until } from "../support/wait";

const REDIS_URL = process.env.TEST_REDIS_URL;
/** This file's own Redis keys, apart from parallel suites' on the same server, removed afterwards. */
const REDIS_PREFIX = `switchyard-test:${randomBytes(6).toString("hex")}:limits:`;
/** Concurrent requests in the burst: half streamed, half not. */
const N = 60;
const MODEL = "gpt-4o";
const MAX_TOKENS = 100;
/**
 * Every answer uses all of its `max_tokens`: the request an admission lets through last costs
 * as much as it can, which is what could overspend.
 */
const USAGE = { prompt_tokens: 20, completion_tokens: MAX_TOKENS, cached_tokens: 0 };
/** One answer's cost (gpt-4o: $2.50 in, $10 out per million). */
const COST = costMicros("openai", MODEL, { input: USAGE.prompt_tokens, output: USAGE.completion_tokens, cached: 0 }).micros;
/** Requests spent one after another before the burst, and the room left after them, in answers. */
const SPENT_BEFORE = 10;
const ROOM = 2.5;
const LIMIT_MICROS = Math.round((SPENT_BEFORE + ROOM) * COST);

interface StoreKind {
  name: "postgres" | "redis";
  /** One instance's store on its own database handle. */
  make(db: Database): CounterStore;
}

const storeKinds: StoreKind[] = [
  { name: "postgres", make: (db) => new PostgresCounterStore(db) },
  ...(REDIS_URL ? [{ name: "redis" as const, make: (db: Database) => new RedisCounterStore({ url: REDIS_URL, db, keyPrefix: REDIS_PREFIX }) }] : []),
];

describeEachDatabase("overspend across two gateway instances", (database) => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
    fake.usage = { ...USAGE };
  });
  afterAll(async () => {
    await fake?.close();
    if (!REDIS_URL) return;
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${REDIS_PREFIX}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  for (const kind of storeKinds) {
    it(`spends at most the limit plus one request's worst case, counters in ${kind.name}`, async () => {
      // On a Postgres server the second instance has a pool of its own, as a second replica would;
      // PGlite is one process's database, so both instances share its handle.
      const url = databaseUrlOf(database().db);
      const second: DatabaseHandle = url ? await openDatabase({ driver: "postgres", url }) : database();
      const servers: GatewayServer[] = [];
      let closing: Promise<void> | undefined;
      const closeServers = () => (closing ??= (async () => {
        for (const server of servers) await server.close();
      })());
      try {
        for (const handle of [database(), second]) {
          servers.push(await startGatewayServer("node", { database: handle, limitStore: () => kind.make(handle.db) }));
        }
        await proveNoOverspend(database().db, fake, servers, closeServers, kind);
      } finally {
        await closeServers();
        if (second !== database()) await second.close();
      }
    }, 120_000);
  }
});

async function proveNoOverspend(db: Database, fake: FakeOpenAI, servers: GatewayServer[], closeServers: () => Promise<void>, kind: StoreKind): Promise<void> {
  const t = await seedTeam(db, { serverUrl: servers[0]!.url, keyBaseUrl: fake.baseUrl });
  const budget = { name: "daily", limitMicros: LIMIT_MICROS, period: "daily" as const, windowSeconds: null, alertPercent: null };
  const rule = budgetRule({ id: await addBudget(db, t, budget), ...budget });
  const counter = rule.id;
  // The dearer of the two bodies (streamed and not) as admission prices them before the call.
  const worstCase = Math.max(
    ...[true, false].map((stream) => {
      const body = requestBody(stream);
      return worstCaseMicros({ provider: "openai", model: MODEL, bodyBytes: Buffer.byteLength(JSON.stringify(body)), body, customCost: undefined });
    }),
  );
  expect(worstCase).toBeGreaterThanOrEqual(COST);

  const send = (i: number) => chat(servers[Math.floor(i / 2) % servers.length]!, t, i % 2 === 0);
  for (let i = 0; i < SPENT_BEFORE; i++) expect(await send(i)).toBe(200);
  const statuses = await Promise.all(Array.from({ length: N }, (_, i) => send(i)));
  const admitted = statuses.filter((s) => s === 200).length;
  const refused = statuses.filter((s) => s === 429).length;
  expect(admitted + refused).toBe(N);
  expect(admitted).toBeGreaterThan(0);
  expect(refused).toBeGreaterThan(0);

  const rows = await loggedRows(servers, db, t, SPENT_BEFORE + N);
  const logged = rows.reduce((sum, r) => sum + r.costMicros, 0);
  expect(rows.filter((r) => r.statusCode === 429 && r.errorCode === 2045)).toHaveLength(refused);

  // Settlement follows the log row; once the store counts exactly what was logged, nothing is reserved.
  const checker = kind.make(db);
  try {
    const check = { counter, window: rule.window, limit: rule.limit, durable: true };
    const counted = async () => (await checker.read([check]))[0]!.counted;
    await until(async () => (await counted()) === logged, 10_000, async () => `the store never settled to the logged ${logged} micro-dollars: it counts ${await counted()}`);
  } finally {
    await checker.close();
  }
  // The ledger in Postgres: written by the stores as they settle (Redis's flushed on close).
  await closeServers();
  const [ledger] = await db
    .select()
    .from(limitCounters)
    .where(and(eq(limitCounters.counter, counter), eq(limitCounters.windowStart, windowAt(rule.window, Date.now()).start)));
  expect(ledger).toMatchObject({ used: logged, reserved: 0 });
  const leftOver = await db.select({ id: limitReservations.id }).from(limitReservations).where(sql`${limitReservations.charges}::text like ${`%"${counter}"%`}`);
  expect(leftOver).toEqual([]);

  const overspend = Math.max(0, logged - LIMIT_MICROS);
  console.log(
    `overspend [${servers.length} instances, ${databaseUrlOf(db) ? "postgres" : "pglite"}, counters in ${kind.name}]: N=${N} (${admitted} admitted, ${refused} refused), ` +
      `limit ${LIMIT_MICROS} µ$, spent ${logged} µ$, overspend ${overspend} µ$, one request's worst case ${worstCase} µ$`,
  );
  expect(logged).toBeLessThanOrEqual(LIMIT_MICROS + worstCase);
}

function requestBody(stream: boolean) {
  return chatBody(`openai/${MODEL}`, { max_tokens: MAX_TOKENS, stream });
}

/** A chat request to `server`, streamed or not; its status once the whole answer has been read. */
async function chat(server: GatewayServer, t: SeededTeam, stream: boolean): Promise<number> {
  const gatewayUrl = t.gatewayUrl.replace(/^http:\/\/[^/]+/, server.url);
  const res = await postJson(`${gatewayUrl}/compat/chat/completions`, requestBody(stream), bearer(t.token));
  await res.text();
  return res.status;
}

/** The team's log rows once all `count` are written (each instance flushes its own queue). */
async function loggedRows(servers: GatewayServer[], db: Database, t: SeededTeam, count: number) {
  let rows: RequestLog[] = [];
  await until(
    async () => {
      for (const server of servers) await server.flushLogs();
      rows = await db.select().from(requestLogs).where(eq(requestLogs.teamId, t.team.id));
      return rows.length >= count;
    },
    10_000,
    async () => `${rows.length} of ${count} log rows were written for the team`,
  );
  return rows;
}
