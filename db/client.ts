import { mkdtempSync } from "node:fs";
import { Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Client as PgClient, Pool as PgPool } from "pg";
import { config, type Config } from "@/lib/config";
import { serverLogWriter } from "@/lib/logs/server-log-writer";
import type { LogEvent } from "@/lib/logs/types";
import type { DataDirAccess, EmbeddedRole } from "./pglite/data-dir-lock";
import type { RemotePglite } from "./pglite/remote-pglite";
import * as schema from "./schema";

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction's handle, as `db.transaction` passes it. */
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** The rows of `execute`, whichever driver ran it (node-postgres, Neon and PGlite all answer `{ rows }`). */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

export interface DatabaseHandle {
  db: Database;
  driver: Config["databaseDriver"];
  /** Applies db/migrations; idempotent. */
  migrate(): Promise<void>;
  /**
   * Writes a batch of log events (writeLogBatch) on another thread: PGlite's own, or on a server
   * database the log writer's, with a small pool of its own. The calling thread only hands the
   * batch over; failures reject as writeLogBatch's would.
   */
  writeLogs(events: LogEvent[]): Promise<void>;
  /**
   * Serves the embedded database to the machine's other processes (the CLI) through a Unix socket in
   * its folder: present on a server's handle that holds the folder; call it once migrated.
   */
  share?(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Subscribes to a notification channel; resolves once listening, with the function that stops.
 * `onLost` means the connection dropped: nothing more arrives until the caller listens again.
 */
export type Listen = (
  channel: string,
  onNotify: (payload: string) => void,
  onLost: (error: Error) => void,
) => Promise<() => Promise<void>>;

// On globalThis like database(): Next's bundles load their own copy of this module, and the gateway
// they build must find the LISTEN of a database the other copy opened.
const globalForListen = globalThis as unknown as { switchyardListeners?: WeakMap<Database, Listen> };
const listeners = (globalForListen.switchyardListeners ??= new WeakMap<Database, Listen>());

/**
 * How to LISTEN on the database `db` talks to; undefined for Neon, whose pooled serverless
 * connections cannot hold a LISTEN, so readers poll instead.
 */
export function listenerFor(db: Database): Listen | undefined {
  return listeners.get(db);
}

export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

export interface DatabaseOptions {
  driver: Config["databaseDriver"];
  url?: string;
  /** PGlite's folder; "memory://" keeps it in memory (tests). */
  dataDir?: string;
  /** The most connections the pool opens on a server database (10 unless set). */
  maxConnections?: number;
  /**
   * On the embedded database in a folder: a "server" holds the folder (waiting for a tool that
   * holds it to finish) and can share it; a "tool" (the default: the CLI, scripts) uses the database
   * a running server shares, and holds the folder itself only while no server does.
   */
  embeddedRole?: EmbeddedRole;
}

/** Opens the database the configuration names: embedded PGlite, a Postgres server, or Neon serverless. */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  switch (options.driver) {
    case "pglite": {
      const { drizzle } = await import("drizzle-orm/pglite");
      const { migrate } = await import("drizzle-orm/pglite/migrator");
      const dir = options.dataDir ?? "memory://";
      const { client, access } = await openEmbedded(dir, options.embeddedRole ?? "tool");
      const db = drizzle({ client: client as unknown as PGlite, schema });
      listeners.set(db as unknown as Database, (channel, onNotify, onLost) => client.listen(channel, onNotify, onLost));
      return {
        db: db as unknown as Database,
        driver: "pglite",
        migrate: () => migrate(db, { migrationsFolder }),
        writeLogs: (events) => client.writeLogs(events),
        ...(access?.kind === "held" && options.embeddedRole === "server" && { share: () => shareEmbedded(client, dir, access) }),
        close: async () => {
          try {
            await client.close();
          } finally {
            if (access?.kind === "held") access.release();
          }
        },
      };
    }
    case "postgres": {
      const { default: pg } = await import("pg");
      const { drizzle } = await import("drizzle-orm/node-postgres");
      const { migrate } = await import("drizzle-orm/node-postgres/migrator");
      const url = requireUrl(options);
      // A database that accepts no connection fails a query after the timeout instead of queueing it forever.
      const pool = new pg.Pool({
        connectionString: url,
        max: options.maxConnections ?? 10,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        keepAlive: true,
      });
      handleConnectionErrors(pool);
      const db = drizzle({ client: pool, schema });
      listeners.set(db as unknown as Database, (channel, onNotify, onLost) => {
        // Keep-alive probes notice a connection that died without a word in minutes rather than hours.
        const client = new pg.Client({
          connectionString: url,
          keepAlive: true,
          keepAliveInitialDelayMillis: 10_000,
          connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
          stream: unrefSocket,
        });
        return listenPostgres(client, channel, onNotify, onLost);
      });
      const logWriter = serverLogWriter({ driver: "postgres", url });
      return {
        db: db as unknown as Database,
        driver: "postgres",
        migrate: () => migrateServer(db as unknown as Database, () => migrate(db, { migrationsFolder })),
        writeLogs: (events) => logWriter.write(events),
        close: async () => {
          await logWriter.close();
          await endPool(pool);
        },
      };
    }
    case "neon": {
      const { Pool, neonConfig } = await import("@neondatabase/serverless");
      const { drizzle } = await import("drizzle-orm/neon-serverless");
      const { migrate } = await import("drizzle-orm/neon-serverless/migrator");
      if (typeof WebSocket === "undefined") neonConfig.webSocketConstructor = (await import("ws")).default;
      const url = requireUrl(options);
      const pool = new Pool({ connectionString: url, max: options.maxConnections ?? 10 });
      const db = drizzle({ client: pool, schema });
      const logWriter = serverLogWriter({ driver: "neon", url });
      return {
        db: db as unknown as Database,
        driver: "neon",
        migrate: () => migrateServer(db as unknown as Database, () => migrate(db, { migrationsFolder })),
        writeLogs: (events) => logWriter.write(events),
        close: async () => {
          await logWriter.close();
          await pool.end();
        },
      };
    }
  }
}

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * A server database's migrations, then the step drizzle's migrations cannot take: partitioning the
 * log tables by day (lib/logs/partitions.ts), which PGlite's plain tables go without.
 */
async function migrateServer(db: Database, runMigrations: () => Promise<void>): Promise<void> {
  await runMigrations();
  const { partitionLogTables } = await import("@/lib/logs/partitions");
  await partitionLogTables(db);
}

/**
 * A pooled connection the server closes (restart, failover, `pg_terminate_backend`) emits "error":
 * on the pool while idle, on the client itself while checked out between queries. Unheard, either
 * is an uncaughtException whose dump holds the client (user, database, host). The pool drops the
 * dead client and the next query connects anew, so one line saying why is all there is to do.
 */
function handleConnectionErrors(pool: PgPool): void {
  // The same error reaches both listeners when an idle client dies.
  const reported = new WeakSet<Error>();
  const report = (error: Error) => {
    if (reported.has(error)) return;
    reported.add(error);
    console.error(`[db] a pooled connection failed: ${describeDatabaseError(error)}`);
  };
  pool.on("error", report);
  pool.on("connect", (client) => client.on("error", report));
}

/**
 * An error from a database driver as one line: SQLSTATE or errno code and the database's own first
 * line of message. Never the driver's object (it holds the connection settings) nor drizzle's
 * message, which quotes the statement and its parameters (request and response bodies).
 */
export function describeDatabaseError(error: unknown): string {
  const reason = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const message = reason instanceof Error ? reason.message : String(reason);
  const firstLine = message.split("\n", 1)[0] ?? "";
  const code = errorCode(reason);
  const text = code && !firstLine.includes(code) ? `${code} ${firstLine}` : firstLine;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** SQLSTATE classes and codes that say the database is unreachable or busy, not that the data is bad. */
const TRANSIENT_SQLSTATE = /^(08|53|57P0[1-3]|40001|40P01|55P03)/;
const TRANSIENT_ERRNO = new Set(["ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
/**
 * What pg, pg-pool and PGlite say, without a code, when the connection is gone or cannot be made,
 * and what a database's worker thread (db/worker-threads.ts) says when it stopped.
 */
const TRANSIENT_MESSAGE = /connection terminated|timeout exceeded when trying to connect|not queryable|connection error|PGlite is closed|worker thread stopped/i;

/**
 * Whether the same statement can succeed later unchanged: the connection failed, the server is
 * shutting down or out of connections, or the transaction lost a deadlock. Anything else (a value
 * the column refuses, a constraint) fails again however often it is retried.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  for (let reason = error, depth = 0; reason instanceof Error && depth < 4; reason = reason.cause, depth++) {
    const code = errorCode(reason);
    if (code && (TRANSIENT_ERRNO.has(code) || (code.length === 5 && TRANSIENT_SQLSTATE.test(code)))) return true;
    // Drizzle's own error quotes the statement's parameters, which are request data.
    if (!("query" in reason) && TRANSIENT_MESSAGE.test(reason.message)) return true;
  }
  return false;
}

function errorCode(error: unknown): string | undefined {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : undefined;
}

/** How long closing waits for the pool's connections to say goodbye before leaving them to the process's end. */
const POOL_CLOSE_WAIT_MS = 5_000;

/**
 * Ends the pool once its connections have closed: `pool.end()` resolves as soon as it has asked
 * them to, and a database dropped or restarted meanwhile (the tests drop theirs right after) makes
 * a closing connection report an error after the caller moved on. The wait is bounded: a connection
 * that died without a word (its server cut off) may never answer, and shutdown must still end.
 */
async function endPool(pool: PgPool): Promise<void> {
  const open = pool.totalCount;
  let closed = 0;
  const allClosed = new Promise<void>((resolve) => {
    if (open === 0) resolve();
    pool.on("remove", () => {
      if (++closed === open) resolve();
    });
  });
  let timer: NodeJS.Timeout | undefined;
  const waitedEnough = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, POOL_CLOSE_WAIT_MS);
  });
  await Promise.race([pool.end().then(() => allClosed), waitedEnough]);
  clearTimeout(timer);
}

/** LISTEN needs a connection that stays open and runs nothing else; the pool's are shared and closed when idle. */
async function listenPostgres(
  client: PgClient,
  channel: string,
  onNotify: (payload: string) => void,
  onLost: (error: Error) => void,
): Promise<() => Promise<void>> {
  // Until LISTEN succeeds a failure rejects the promise below; an unhandled "error" event would crash the process.
  let reportLoss: (error: Error) => void = () => {};
  client.on("error", (error) => reportLoss(error));
  client.on("end", () => reportLoss(new Error("the LISTEN connection ended")));
  client.on("notification", (message) => {
    if (message.channel === channel && message.payload !== undefined) onNotify(message.payload);
  });
  try {
    await client.connect();
    await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  // "error" and "end" both follow a drop; the caller hears of it once.
  reportLoss = (error) => {
    reportLoss = () => {};
    onLost(error);
  };
  return async () => {
    reportLoss = () => {};
    await client.end();
  };
}

/** An idle LISTEN connection must not keep the process alive. */
function unrefSocket(): Socket {
  return new Socket().unref();
}

/**
 * The embedded database on `dir`: in a worker thread of this process, which holds the folder, or
 * through the socket of the local server that holds and shares it (db/pglite/data-dir-lock.ts). A
 * socket that refuses (its server is stopping) sends the caller back to the lock, until the wait's end.
 */
async function openEmbedded(dir: string, role: EmbeddedRole): Promise<{ client: RemotePglite; access?: DataDirAccess }> {
  const { RemotePglite } = await import("./pglite/remote-pglite");
  // PGlite runs in a worker thread, so neither its SQL nor the log writer's holds up requests;
  // drizzle here speaks to it through the part of PGlite's interface it uses.
  if (dir.startsWith("memory://")) return { client: RemotePglite.inWorkerThread(dir) };
  const { accessDataDir, HOLDER_WAIT_MS } = await import("./pglite/data-dir-lock");
  const deadline = Date.now() + HOLDER_WAIT_MS;
  for (;;) {
    const access = await accessDataDir(dir, role, deadline);
    if (access.kind === "held") return { client: RemotePglite.inWorkerThread(dir), access };
    try {
      return { client: await RemotePglite.overSocket(access.socketPath), access };
    } catch (error) {
      if (Date.now() >= deadline) {
        throw new Error(`The embedded database at ${dir} is served by process ${access.holder}, whose socket ${access.socketPath} does not answer (${describeDatabaseError(error)}).`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Shares the embedded database held in this process with local processes, and says where in the lock file. */
async function shareEmbedded(client: RemotePglite, dir: string, access: DataDirAccess & { kind: "held" }): Promise<void> {
  const { socketPathFor } = await import("./pglite/local-socket");
  const socketPath = socketPathFor(dir, () => mkdtempSync(path.join(os.tmpdir(), "switchyard-")));
  await client.share(socketPath);
  access.announce(socketPath);
}

function requireUrl(options: DatabaseOptions): string {
  if (!options.url) throw new Error(`DATABASE_URL is required for the ${options.driver} driver`);
  return options.url;
}

const globalForDb = globalThis as unknown as { switchyardDb?: Promise<DatabaseHandle> };

/**
 * The process-wide database, opened and migrated once. Cached on globalThis so Next's dev reloads
 * and the custom server share one PGlite instance (it is single-process). A server (the default
 * role) shares an embedded database with local tools; the CLI, a "tool", uses a running server's.
 */
export function database(role: EmbeddedRole = "server"): Promise<DatabaseHandle> {
  if (globalForDb.switchyardDb) return globalForDb.switchyardDb;
  const opening = (async () => {
    const cfg = config();
    const handle = await openDatabase({
      driver: cfg.databaseDriver,
      url: cfg.databaseUrl,
      dataDir: path.join(cfg.dataDir, "db"),
      embeddedRole: role,
    });
    try {
      await handle.migrate();
      // Only once migrated: a tool that connects finds the schema complete and never races the server's migrations.
      await handle.share?.();
    } catch (error) {
      await handle.close().catch(() => {});
      throw error;
    }
    return handle;
  })();
  globalForDb.switchyardDb = opening;
  // A server that was unreachable at the first use is tried again at the next, not failed forever.
  opening.catch(() => {
    if (globalForDb.switchyardDb === opening) globalForDb.switchyardDb = undefined;
  });
  return opening;
}

/**
 * Test hook: makes `database()` return `handle` (or open the configured one again, with undefined)
 * without closing the one it replaces. The integration harness serves the built Next app inside the
 * test process; its bundled route handlers hold their own copy of this module and share only
 * globalThis with the test, which is why the handle lives there. Production code never calls it.
 */
export function setProcessDatabase(handle: DatabaseHandle | undefined): void {
  globalForDb.switchyardDb = handle && Promise.resolve(handle);
}

export async function db(): Promise<Database> {
  return (await database()).db;
}
