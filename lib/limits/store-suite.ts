/**
 * What every CounterStore must do, run by each store's test file on PGlite and (with
 * TEST_DATABASE_URL) Postgres: windows at their edges on an injected clock, all or nothing,
 * settlement once, concurrency across two instances, and a killed instance's reservation reconciled.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database, type DatabaseHandle } from "@/db/client";
import { testDatabases, type TestDatabase } from "@/tests/support/database";
import { settlesWithin } from "@/tests/support/wait";
import type { CounterCheck, CounterStore } from "./store";
import type { WindowSpec } from "./window";

export interface StoreOptions {
  db: Database;
  now: () => number;
  /** Names the database the suite runs on: stores of one suite share their counters, never another's. */
  scope: string;
}

export interface StoreKind {
  name: "postgres" | "redis";
  open(options: StoreOptions): CounterStore;
  /** Puts settled durable amounts in Postgres now (the Redis store batches them). */
  flush(store: CounterStore): Promise<void>;
  /** What the crash child needs besides the database to open the same store as the suite of `scope`. */
  childOrders?(scope: string): Record<string, unknown>;
}

/** A clock the test moves: far from now, so no window of another test or run is the same. */
function clock(iso: string) {
  const c = { ms: Date.parse(iso), now: () => c.ms };
  return c;
}

const uniqueCounter = (name: string) => `test|${name}|${randomBytes(6).toString("hex")}`;

function check(window: WindowSpec, limit: number, amount: number, durable = true, counter = uniqueCounter(window.kind)): CounterCheck {
  return { counter, window, limit, amount, durable };
}

export function counterStoreSuite(kind: StoreKind): void {
  describe.each(testDatabases())(`${kind.name} counter store on $name`, (database: TestDatabase) => {
    let handle: DatabaseHandle;
    /** A second instance's database: on Postgres its own pool; PGlite is one process, so the same handle. */
    let other: DatabaseHandle;
    const stores: CounterStore[] = [];
    const open = (now: () => number, db = handle.db) => {
      const store = kind.open({ db, now, scope: database.name });
      stores.push(store);
      return store;
    };
    beforeAll(async () => {
      handle = await database.open();
      other = handle;
      if (database.name === "postgres") other = await openDatabase({ driver: "postgres", url: await urlOf(handle) });
    });
    // Each test's stores stop with it: their reconcile timers, on clocks of their own, never reach the next test's reservations.
    afterEach(async () => {
      await Promise.all(stores.splice(0).map((s) => s.close()));
    });
    afterAll(async () => {
      if (other !== handle) await other?.close();
      await handle?.close();
    });

    it("counts a fixed window aligned to the clock, reset on the minute", async () => {
      const c = clock("2031-01-01T10:00:40Z");
      const store = open(c.now);
      const minute = check({ kind: "fixed", seconds: 60 }, 2, 1);
      expect((await store.reserve([minute])).admitted).toBe(true);
      c.ms += 19_999;
      expect((await store.reserve([minute])).admitted).toBe(true);
      expect(await store.reserve([minute])).toMatchObject({ admitted: false, refused: 0, states: [{ counted: 2, remaining: 0, retryAfterMs: 1, resetAt: Date.parse("2031-01-01T10:01:00Z") }] });
      c.ms += 1;
      expect(await store.reserve([minute])).toMatchObject({ admitted: true, states: [{ counted: 1, remaining: 1 }] });
    });

    it("weights a sliding window's previous count and says when it has decayed enough", async () => {
      const c = clock("2031-01-01T10:00:00Z");
      const store = open(c.now);
      const sliding = check({ kind: "sliding", seconds: 100 }, 10, 1);
      for (let i = 0; i < 10; i++) expect((await store.reserve([sliding])).admitted).toBe(true);
      c.ms += 110_000;
      // 10 before at weight 0.9: 9 counted, room for one.
      expect(await store.reserve([sliding])).toMatchObject({ admitted: true, states: [{ counted: 10 }] });
      // 1 now and floor(10 × w) < 9 once w < 0.9: a millisecond on.
      expect(await store.reserve([sliding])).toMatchObject({ admitted: false, states: [{ counted: 10, retryAfterMs: 1 }] });
      c.ms += 1;
      expect(await store.reserve([sliding])).toMatchObject({ admitted: true, states: [{ counted: 10 }] });
      c.ms += 40_000;
      expect(await store.read([sliding])).toMatchObject([{ counted: 2 + 4 }]);
    });

    it("resets a daily budget at UTC midnight and never a lifetime counter (credits)", async () => {
      const c = clock("2031-01-01T23:59:59.999Z");
      const store = open(c.now);
      const daily = check({ kind: "calendar", period: "daily" }, 100, 100);
      const credits = check({ kind: "lifetime" }, 100, 100);
      const first = await store.reserve([daily, credits]);
      expect(first).toMatchObject({ admitted: true, states: [{ counted: 100, resetAt: Date.parse("2031-01-02T00:00:00Z") }, { counted: 100, resetAt: Infinity }] });
      if (first.admitted) await store.settle(first.reservationId, [60, 60]);
      c.ms += 1;
      const next = await store.reserve([daily, credits]);
      expect(next).toMatchObject({ admitted: true, states: [{ counted: 100 }, { counted: 160 }] });
      if (next.admitted) await store.settle(next.reservationId, [50, 50]);
      const refused = await store.reserve([daily, credits]);
      // The daily budget's state is read as it is, without this request; credits free no room in time.
      expect(refused).toMatchObject({ admitted: false, refused: 1, states: [{ counted: 50 }, { counted: 110, remaining: 0 }] });
      expect(refused.states[1]!.retryAfterMs).toBeUndefined();
      c.ms += 400 * 86_400_000;
      expect(await store.read([credits])).toMatchObject([{ counted: 110 }]);
    });

    it("reserves on every counter or on none", async () => {
      const c = clock("2031-01-02T00:00:00Z");
      const store = open(c.now);
      const roomy = check({ kind: "fixed", seconds: 3600 }, 100, 10, false, "test|a-first|" + randomBytes(4).toString("hex"));
      const full = check({ kind: "fixed", seconds: 3600 }, 1, 1, false, "test|z-last|" + randomBytes(4).toString("hex"));
      expect((await store.reserve([full])).admitted).toBe(true);
      expect(await store.reserve([full, roomy])).toMatchObject({ admitted: false, refused: 0, states: [{ counted: 1 }, { counted: 0, remaining: 100 }] });
      expect(await store.read([roomy, full])).toMatchObject([{ counted: 0 }, { counted: 1 }]);
    });

    it("settles once: a second settle, an unknown id and a reconciled reservation's settle do nothing", async () => {
      // Earlier than every other test's clock, so only this test's reservation has expired when it reconciles.
      const c = clock("2030-06-01T00:00:00Z");
      const store = open(c.now);
      const budget = check({ kind: "calendar", period: "monthly" }, 1000, 100);
      const outcome = await store.reserve([budget]);
      if (!outcome.admitted) throw new Error("refused");
      await store.settle(outcome.reservationId, [30]);
      await store.settle(outcome.reservationId, [30]);
      await store.settle("no-such-reservation", [30]);
      expect(await store.read([budget])).toMatchObject([{ counted: 30 }]);
      const dead = await store.reserve([budget]);
      if (!dead.admitted) throw new Error("refused");
      const later = clock("2030-06-01T01:00:00Z");
      const reconciler = open(later.now);
      expect(await reconciler.reconcile()).toBe(1);
      await store.settle(dead.reservationId, [5]);
      expect(await store.read([budget])).toMatchObject([{ counted: 130 }]);
      await Promise.all([kind.flush(store), kind.flush(reconciler)]);
      expect(await ledger(handle.db, budget.counter)).toEqual({ used: 130, reserved: 0 });
    });

    it("lets ≥ 50 concurrent requests on two instances overshoot a nearly spent budget by less than one reservation", async () => {
      const c = clock("2031-01-04T12:00:00Z");
      const [a, b] = [open(c.now), open(c.now, other.db)];
      const amount = 30;
      let worst = -Infinity;
      for (let round = 0; round < 3; round++) {
        const budget = check({ kind: "calendar", period: "daily" }, 1000, amount);
        const prime = await a.reserve([{ ...budget, amount: 900 }]);
        if (!prime.admitted) throw new Error("refused");
        await a.settle(prime.reservationId, [900]);
        const outcomes = await Promise.all(
          Array.from({ length: 60 }, async (_, i) => {
            const store = i % 2 === 0 ? a : b;
            const outcome = await store.reserve([budget]);
            if (outcome.admitted) await store.settle(outcome.reservationId, [amount]);
            return outcome.admitted;
          }),
        );
        const { counted } = (await a.read([budget]))[0]!;
        expect(counted).toBe(900 + amount * outcomes.filter(Boolean).length);
        expect(counted).toBeLessThanOrEqual(budget.limit + amount);
        await Promise.all([kind.flush(a), kind.flush(b)]);
        expect(await ledger(handle.db, budget.counter)).toEqual({ used: counted, reserved: 0 });
        worst = Math.max(worst, counted - budget.limit);
      }
      console.log(`${kind.name} counter store on ${database.name}: 60 concurrent requests × 3 on two instances, worst overspend ${worst} (one reservation: ${amount})`);
    });

    it("reconciles a killed instance's reservation once, charged as reserved, however many reconcile", { timeout: 60_000 }, async () => {
      const c = clock("2030-06-02T00:00:00Z");
      const budget = check({ kind: "calendar", period: "weekly" }, 10_000, 700);
      const dataDir = database.name === "pglite" && kind.name === "postgres" ? mkdtempSync(path.join(tmpdir(), "switchyard-crash-")) : undefined;
      try {
        const childDatabase =
          database.name === "postgres" ? { driver: "postgres", url: await urlOf(handle) } : { driver: "pglite", dataDir: dataDir ?? "memory://" };
        const reservationId = await reserveInChild({ store: kind.name, database: childDatabase, now: c.ms, check: budget, ...kind.childOrders?.(database.name) });
        expect(reservationId).toMatch(/^[0-9a-f-]{36}$/);
        // PGlite is one process: the killed one's database is reopened by the next, as a restart does.
        const revived = dataDir ? await openDatabase({ driver: "pglite", dataDir }) : undefined;
        try {
          const db = revived?.db ?? handle.db;
          const before = open(c.now, db);
          expect(await before.reconcile()).toBe(0);
          const afterLease = () => c.ms + 61_000;
          const [x, y] = [open(afterLease, db), open(afterLease, revived ? db : other.db)];
          const counts = await Promise.all([x.reconcile(), y.reconcile(), x.reconcile(), y.reconcile()]);
          expect(counts.reduce((sum, n) => sum + n, 0)).toBe(1);
          await x.settle(reservationId, [1]);
          expect(await x.read([budget])).toMatchObject([{ counted: 700 }]);
          await Promise.all([kind.flush(x), kind.flush(y)]);
          expect(await ledger(db, budget.counter)).toEqual({ used: 700, reserved: 0 });
        } finally {
          await revived?.close();
        }
      } finally {
        if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}

/** The Postgres row of a counter (its one window in these tests): the ledger the dashboard reads. */
async function ledger(db: Database, counter: string): Promise<{ used: number; reserved: number } | undefined> {
  const result = (await db.execute(sql`select used, reserved from limit_counters where counter = ${counter}`)) as unknown as { rows: { used: string; reserved: string }[] };
  const [row] = result.rows;
  return row && { used: Number(row.used), reserved: Number(row.reserved) };
}

async function urlOf(handle: DatabaseHandle): Promise<string> {
  const result = (await handle.db.execute(sql`select current_database() as name`)) as unknown as { rows: [{ name: string }] };
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${result.rows[0].name}`;
  return url.toString();
}

/** Runs lib/limits/store-crash-child.ts until it has reserved, then SIGKILLs it (its process group: npx and tsx's node). */
async function reserveInChild(orders: Record<string, unknown>): Promise<string> {
  const child = spawn("npx", ["tsx", path.join(import.meta.dirname, "store-crash-child.ts")], {
    env: { ...process.env, STORE_CRASH_CHILD: JSON.stringify(orders) },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    const id = await settlesWithin(
      new Promise<string>((resolve, reject) => {
        let stdout = "";
        child.stdout.on("data", (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes("\n")) resolve(stdout.trim());
        });
        child.once("exit", (code) => reject(new Error(`the crash child exited (${code}) before reserving: ${stderr}`)));
      }),
      45_000,
      "the crash child never reserved",
    );
    return id;
  } finally {
    process.kill(-child.pid!, "SIGKILL");
    await exited;
    // tsx's node is a grandchild: dead only once the whole group is gone (it holds PGlite's lock until then).
    await settlesWithin(groupGone(child.pid!), 10_000, "the crash child's processes outlived SIGKILL");
  }
}

async function groupGone(group: number): Promise<void> {
  for (;;) {
    try {
      process.kill(-group, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
