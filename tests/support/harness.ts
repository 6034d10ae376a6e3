import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe } from "vitest";
import type { Database, DatabaseHandle } from "@/db/client";
import { requestLogPayloads, requestLogs, type RequestLog, type RequestLogPayload } from "@/db/schema";
import { startFakeOpenAI, type FakeOpenAI, type FakeRequest } from "../fake-providers/openai";
import { testDatabases } from "./database";
import { gatewayEntries, type GatewayEntry } from "./entries";
import { startGatewayServer, type GatewayServer, type GatewayServerOptions } from "./gateway-server";
import { closeNextEntry } from "./next-entry";
import { seedTeam, type SeedOptions, type SeededTeam } from "./seed";

/**
 * Runs `fn` once per test database (PGlite always, Postgres with TEST_DATABASE_URL). The getter
 * returns the open, migrated database inside hooks and tests.
 */
export function describeEachDatabase(title: string, fn: (database: () => DatabaseHandle) => void): void {
  for (const entry of testDatabases()) {
    describe(`${title} [${entry.name}]`, () => {
      let handle: DatabaseHandle | undefined;
      beforeAll(async () => {
        handle = await entry.open();
      });
      afterAll(async () => {
        await handle?.close();
      });
      fn(() => {
        if (!handle) throw new Error("the database is opened in beforeAll; use it inside hooks or tests");
        return handle;
      });
    });
  }
}

export interface Harness {
  readonly db: Database;
  readonly fake: FakeOpenAI;
  readonly server: GatewayServer;
  /** The gateway server's origin. */
  readonly url: string;
  /** A fresh team (its own slug) with gateway "main", a token and a stored OpenAI key at the fake. */
  seed(options?: Partial<SeedOptions> & { storedKey?: boolean }): Promise<SeededTeam>;
  /**
   * The request the fake provider received that matches, failing with what it did receive. Call
   * it after the gateway has answered, when the upstream call has necessarily been made.
   */
  upstream(predicate: (r: FakeRequest) => boolean): FakeRequest;
  /** The last request the fake received with `Authorization: Bearer {key}`; keys are unique per test. */
  upstreamWithKey(key: string): FakeRequest;
  /**
   * Resolves once a revoked token, removed key or changed setting is in effect, which it already is:
   * a service announces its change to the directories of its process before returning
   * (lib/state/directory-changes.ts). Other instances take up to a second (tests/integration/invalidation.test.ts).
   */
  afterDirectoryCache(): Promise<void>;
  /** Flushes the log queue until the row of `logId` is written, and returns it. */
  logRow(logId: string): Promise<RequestLog>;
  payload(logId: string): Promise<RequestLogPayload | undefined>;
  /** Rows written so far for a team (after a flush). */
  logRows(teamId: string): Promise<RequestLog[]>;
}

/**
 * Runs `fn` once per test database and entry (tests/support/entries.ts): PGlite, and Postgres with
 * TEST_DATABASE_URL, each through the direct node:http entry and through the Next route handlers.
 * One database per database kind, shared by both entries; one fake OpenAI and one gateway server per
 * entry, shared by the tests of the suite; tests keep apart by seeding their own teams.
 */
export function describeGateway(
  title: string,
  fn: (h: Harness) => void,
  options: Omit<GatewayServerOptions, "database"> = {},
): void {
  stopNextEntryAfterFile();
  describeEachDatabase(title, (database) => {
    for (const entry of gatewayEntries()) {
      describe(`${entry} entry`, () => describeEntry(entry, database, fn, options));
    }
  });
}

let stopsNextEntry = false;

/** The file's Next server (started by the first suite through the Next entry) stops after its last suite. */
function stopNextEntryAfterFile(): void {
  if (stopsNextEntry) return;
  stopsNextEntry = true;
  afterAll(closeNextEntry);
}

function describeEntry(
  entry: GatewayEntry,
  database: () => DatabaseHandle,
  fn: (h: Harness) => void,
  options: Omit<GatewayServerOptions, "database">,
): void {
  let fake: FakeOpenAI | undefined;
  let server: GatewayServer | undefined;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
    server = await startGatewayServer(entry, { database: database(), ...options });
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} starts in beforeAll`);
    return value;
  };
  const h: Harness = {
    get db() {
      return database().db;
    },
    get fake() {
      return need(fake, "the fake provider");
    },
    get server() {
      return need(server, "the gateway server");
    },
    get url() {
      return need(server, "the gateway server").url;
    },
    upstream(predicate) {
      const found = h.fake.requests.find(predicate);
      if (found) return found;
      const seen = h.fake.requests.map((r) => `${r.method} ${r.path}${r.search} auth=${r.headers.authorization ?? "-"}`);
      throw new Error(`the fake provider received no matching request; it received:\n${seen.join("\n")}`);
    },
    upstreamWithKey: (key) => {
      const matching = h.fake.requests.filter((r) => r.headers.authorization === `Bearer ${key}`);
      return matching.at(-1) ?? h.upstream((r) => r.headers.authorization === `Bearer ${key}`);
    },
    afterDirectoryCache: () => Promise.resolve(),
    seed: ({ storedKey = true, ...rest } = {}) =>
      seedTeam(h.db, { serverUrl: h.url, keyBaseUrl: storedKey ? h.fake.baseUrl : undefined, ...rest }),
    async logRow(logId) {
      if (!logId) throw new Error("the response carried no cf-aig-log-id header");
      // The row is enqueued when the response has ended, which can be just after the client saw its
      // last byte; flushing again until it appears is about ordering, not speed.
      for (let attempt = 0; attempt < 500; attempt++) {
        await h.server.flushLogs();
        const [row] = await h.db.select().from(requestLogs).where(eq(requestLogs.id, logId));
        if (row) return row;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`no request_logs row ${logId} was written; log queue: ${JSON.stringify(await h.server.logStats())}`);
    },
    async payload(logId) {
      await h.server.flushLogs();
      const [row] = await h.db.select().from(requestLogPayloads).where(eq(requestLogPayloads.logId, logId));
      return row;
    },
    async logRows(teamId) {
      await h.server.flushLogs();
      return h.db.select().from(requestLogs).where(eq(requestLogs.teamId, teamId));
    },
  };
  fn(h);
}
