/**
 * A gateway killed mid-request leaks no budget and counts nothing twice: the production server
 * (server.ts) runs in a child process, holds a stream whose worst case is reserved, and is
 * SIGKILLed; once its lease has run out, the instances left (two here, racing) reconcile the
 * reservation: charged once, as reserved, and released. The child runs with the production
 * lease; the survivors' clocks run that much ahead, so the lease is over without a minute's wait. On PGlite, one process's database, the
 * instance left is the one that opens the data directory after the crash, as a restart would.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database, type DatabaseHandle } from "@/db/client";
import { limitCounters, limitReservations } from "@/db/schema";
import { parseMasterKeys } from "@/lib/crypto/master-keys";
import { DEFAULT_LEASE_MS, PostgresCounterStore } from "@/lib/limits/postgres-store";
import { budgetRule } from "@/lib/limits/rules";
import { worstCaseMicros } from "@/lib/limits/worst-case";
import { addProviderKey } from "@/lib/services/provider-keys/add";
import { startFakeOpenAI, type FakeOpenAI } from "../fake-providers/openai";
import { databaseUrlOf, testDatabases } from "../support/database";
import { startGatewayServer, type GatewayServer } from "../support/gateway-server";
import { bearer, chatBody, closedPort } from "../support/http";
import { addBudget } from "../support/limits";
import { seedTeam, type SeededTeam } from "../support/seed";
import { settlesWithin, until } from "../support/wait";

const root = path.resolve(import.meta.dirname, "../..");
/** The child's own master key, which the keys seeded here are encrypted with. */
const MASTER_KEYS = `v1:${randomBytes(32).toString("base64")}`;
const keyring = parseMasterKeys(MASTER_KEYS);
/** The survivors' lease, and so how often they reconcile (every half lease): the test waits little after the kill. */
const LEASE_MS = 1_000;
/** The held request: a stream with its worst case reserved on the budget. */
const BODY = chatBody("gpt-4o", { max_tokens: 100, stream: true });

interface Where {
  name: "pglite" | "postgres";
  /** Opens the database in this process (again, after the crash, for PGlite). */
  open(): Promise<DatabaseHandle>;
  /** The child's environment for the same database. */
  env: Record<string, string>;
  dispose(): Promise<void>;
}

async function pgliteDirectory(): Promise<Where> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "switchyard-crash-"));
  let first = true;
  return {
    name: "pglite",
    open: async () => {
      const handle = await openDatabase({ driver: "pglite", dataDir: path.join(dataDir, "db") });
      if (first) await handle.migrate();
      first = false;
      return handle;
    },
    env: { SWITCHYARD_DATA_DIR: dataDir },
    dispose: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

async function postgresDatabase(): Promise<Where | undefined> {
  const entry = testDatabases().find((d) => d.name === "postgres");
  if (!entry) return undefined;
  const handle = await entry.open();
  const url = databaseUrlOf(handle.db)!;
  return {
    name: "postgres",
    // The suite keeps this one handle open throughout: a server database outlives the crash.
    open: async () => ({ ...handle, close: async () => {} }),
    env: { DATABASE_URL: url },
    dispose: () => handle.close(),
  };
}

describe("a killed gateway's reservations", () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(async () => {
    await fake?.close();
  });

  for (const name of ["pglite", ...(process.env.TEST_DATABASE_URL ? ["postgres" as const] : [])] as const) {
    it(`are charged once and released by the instances left [${name}]`, async () => {
      const where = name === "pglite" ? await pgliteDirectory() : (await postgresDatabase())!;
      try {
        await crashAndReconcile(where, fake);
      } finally {
        await where.dispose();
      }
      // A child process that starts the server through tsx (and PGlite's engine, twice) takes its time.
    }, 180_000);
  }
});

async function crashAndReconcile(where: Where, fake: FakeOpenAI): Promise<void> {
  const port = await closedPort();
  const serverUrl = `http://127.0.0.1:${port}`;
  let handle = await where.open();
  const { t, counter } = await seed(handle.db, serverUrl, fake);
  // PGlite's data directory is one process's: the child takes it over.
  if (where.name === "pglite") await handle.close();

  const child = startChild(where, port);
  try {
    await listening(child);
    const res = await fetch(`${t.gatewayUrl}/openai/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-fake-mode": "fake-gated", ...bearer(t.token) },
      body: JSON.stringify(BODY),
    });
    expect(res.status).toBe(200);
    // Admission reserves before the upstream call: once the fake holds the stream, the reservation is written.
    await settlesWithin(fake.waitForStream((s) => s.request.headers.authorization === `Bearer ${t.providerKey}`), 10_000, "the stream never reached the fake");
    if (where.name === "postgres") expect(await reservationsOf(handle.db, counter)).toHaveLength(1);
    child.kill("SIGKILL");
    await once(child, "exit");
    await res.body?.cancel().catch(() => undefined);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }

  if (where.name === "pglite") handle = await where.open();
  try {
    const [held] = await reservationsOf(handle.db, counter);
    expect(held).toBeDefined();
    const { amount: reserved, windowStart } = held!.charges.find((c) => c.counter === counter)!;
    expect(reserved).toBe(worstCaseMicros({ provider: "openai", model: "gpt-4o", bodyBytes: Buffer.byteLength(JSON.stringify(BODY)), body: BODY, customCost: undefined }));
    expect(await ledger(handle.db, counter, windowStart)).toMatchObject({ used: 0, reserved });

    // Two instances left, both reconciling on their own timers: the reservation is charged by one of them.
    const survivors: GatewayServer[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const limitStore = () => new PostgresCounterStore(handle.db, { leaseMs: LEASE_MS, now: () => Date.now() + DEFAULT_LEASE_MS });
        survivors.push(await startGatewayServer("node", { database: handle, limitStore }));
      }
      await until(async () => (await reservationsOf(handle.db, counter)).length === 0, 30_000, "the killed instance's reservation was never reconciled");
      // A second charge, were there one, would come from the next rounds of either survivor.
      await sleep(2 * LEASE_MS);
    } finally {
      for (const server of survivors) await server.close();
    }
    expect(await ledger(handle.db, counter, windowStart)).toMatchObject({ used: reserved, reserved: 0 });
  } finally {
    await handle.close();
  }
}

async function seed(db: Database, serverUrl: string, fake: FakeOpenAI) {
  const t: SeededTeam = await seedTeam(db, { serverUrl });
  t.providerKey = `sk-crash-${randomBytes(8).toString("hex")}`;
  await addProviderKey({ ctx: t.ctx, teamId: t.team.id, provider: "openai", secret: t.providerKey, baseUrl: fake.baseUrl, keyring, allowPrivateUpstreams: true });
  const budget = { name: "daily", limitMicros: 1_000_000, period: "daily" as const, windowSeconds: null, alertPercent: null };
  return { t, counter: budgetRule({ id: await addBudget(db, t, budget), ...budget }).id };
}

/** The production server through tsx, on the same database. */
function startChild(where: Where, port: number): ChildProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...where.env,
    PORT: String(port),
    WORKERS: "1",
    SWITCHYARD_MASTER_KEYS: MASTER_KEYS,
    SWITCHYARD_ALLOW_PRIVATE_UPSTREAMS: "true",
  };
  // Counters in Postgres: the reservation this test reads is the database's.
  delete env.REDIS_URL;
  if (where.name === "pglite") delete env.DATABASE_URL;
  // server.ts's main(), as dist/server.mjs runs it on import (scripts/build-server.mjs).
  const run = 'const { main } = await import("./server.ts"); await main();';
  return spawn(process.execPath, ["--import", "tsx", "--input-type=module", "--eval", run], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
}

/** Resolves when the child says it listens; fails with what it printed if it exits first. */
async function listening(child: ChildProcess): Promise<void> {
  let output = "";
  await settlesWithin(
    new Promise<void>((resolve, reject) => {
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("Switchyard listening on")) resolve();
      };
      child.stdout!.on("data", read);
      child.stderr!.on("data", read);
      child.once("exit", (code) => reject(new Error(`the server exited (${code}) before listening:\n${output}`)));
    }),
    60_000,
    "the server never said it was listening",
  );
}

function reservationsOf(db: Database, counter: string) {
  return db
    .select()
    .from(limitReservations)
    .then((rows) => rows.filter((r) => r.charges.some((c) => c.counter === counter)));
}

async function ledger(db: Database, counter: string, windowStart: number) {
  const [row] = await db
    .select({ used: limitCounters.used, reserved: limitCounters.reserved })
    .from(limitCounters)
    .where(and(eq(limitCounters.counter, counter), eq(limitCounters.windowStart, windowStart)));
  return row;
}
