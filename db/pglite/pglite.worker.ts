import { PGlite, type Transaction } from "@electric-sql/pglite";
import { workerData } from "node:worker_threads";
import { serveCalls } from "@/db/worker-threads";
import type { LogEvent } from "@/lib/logs/types";
import { serveLocalSocket, type LocalSocketServer } from "./local-socket";
import type { PgliteWorkerData, QueryCall } from "./protocol";

/**
 * The embedded database's thread: PGlite runs here so its SQL, and the log writer's work, never
 * hold up the requests the main thread serves. The main thread's drizzle reaches it through
 * RemotePglite (./remote-pglite.ts), and so do other local processes once the server shares it
 * (local-socket.ts).
 */
const { dataDir } = workerData as PgliteWorkerData;
// Postgres's default 128 MB of shared buffers are resident once touched; 32 MB cut the process by
// about 100 MB after opening and under a stream of log writes, which were no slower (20,000 rows
// with 8 kB payloads), and hold the hot pages of an embedded deployment's tables.
const pglite = new PGlite(dataDir, { startParams: [...PGlite.defaultStartParams, "-c", "shared_buffers=32MB"] });
// A database that cannot open fails each call with the reason; unheard, the rejection would end the thread.
pglite.waitReady.catch(() => {});

/** Open transactions by id: each holds PGlite's transaction lock until its session commits or rolls it back. */
const transactions = new Map<number, { tx: Transaction; finish(commit: boolean): void; done: Promise<unknown> }>();
let nextTransaction = 1;
/** Rejects a held transaction's callback, so PGlite rolls it back; not an error to report. */
const ROLLBACK = Symbol("rollback");

/** Parsers that leave values as the database's text, by type oid; functions cannot cross threads, so the caller names the types. */
const rawParserSets = new Map<string, Record<number, (value: string) => string>>();
function rawParsers(oids: number[]): Record<number, (value: string) => string> {
  const key = oids.join(",");
  let parsers = rawParserSets.get(key);
  if (!parsers) {
    parsers = Object.fromEntries(oids.map((oid) => [oid, (value: string) => value]));
    rawParserSets.set(key, parsers);
  }
  return parsers;
}

/**
 * The calls of one client: the main thread, or a process connected to the shared socket
 * (local-socket.ts). A session reaches only its own transactions and subscriptions, and when it ends
 * (a CLI that exits or is killed mid-transaction) they end with it, so the database is not left held.
 */
function session(emit: (event: string, data: unknown) => void) {
  const own = new Set<number>();
  const subscriptions = new Map<number, () => Promise<void>>();
  let ended = false;

  function openTransaction(id: number): Transaction {
    const transaction = own.has(id) ? transactions.get(id) : undefined;
    if (!transaction) throw new Error("Transaction is closed");
    return transaction.tx;
  }

  async function rollback(id: number): Promise<void> {
    const transaction = own.has(id) ? transactions.get(id) : undefined;
    if (!transaction) return;
    transaction.finish(false);
    await transaction.done.catch((error: unknown) => {
      if (error !== ROLLBACK) throw error;
    });
  }

  const handlers = {
    query: ({ sql, params, rowMode, rawTypes, transaction }: QueryCall) => {
      const client = transaction === undefined ? pglite : openTransaction(transaction);
      return client.query(sql, params, { rowMode, parsers: rawParsers(rawTypes) });
    },
    // Waits for PGlite's transaction lock: a transaction holds the whole database until it ends, whichever client opened it.
    begin: () =>
      new Promise<number>((began, failed) => {
        const id = nextTransaction++;
        const done = pglite.transaction(
          (tx) =>
            new Promise((commit, abort) => {
              transactions.set(id, { tx, finish: (ok) => (ok ? commit(undefined) : abort(ROLLBACK)), done });
              own.add(id);
              // The client went away while it waited for the lock.
              if (ended) void rollback(id);
              began(id);
            }),
        );
        done.catch(failed).finally(() => {
          transactions.delete(id);
          own.delete(id);
        });
      }),
    commit: async (id: number) => {
      const transaction = own.has(id) ? transactions.get(id) : undefined;
      if (!transaction) throw new Error("Transaction is closed");
      transaction.finish(true);
      await transaction.done;
    },
    rollback,
    listen: async ({ channel, subscription }: { channel: string; subscription: number }) => {
      subscriptions.set(subscription, await pglite.listen(channel, (payload) => emit("notify", { subscription, payload })));
    },
    unlisten: async (subscription: number) => {
      const stop = subscriptions.get(subscription);
      subscriptions.delete(subscription);
      await stop?.();
    },
    writeLogs: async (events: LogEvent[]) => (await logWriter())(events),
  };

  async function end(): Promise<void> {
    ended = true;
    await Promise.allSettled([...own].map(rollback));
    await Promise.allSettled([...subscriptions.keys()].map(handlers.unlisten));
  }

  return { handlers, end };
}

let shared: Promise<LocalSocketServer> | undefined;

const { emit } = serveCalls({
  ...session((event, data) => emit(event, data)).handlers,
  /** Serves this database to other local processes at `socketPath` (the server does, once migrated). */
  share: async (socketPath: string) => {
    shared ??= serveLocalSocket(socketPath, session);
    await shared;
  },
  close: async () => {
    await (await shared)?.close();
    await pglite.close();
  },
});

let loadingWriter: Promise<(events: LogEvent[]) => Promise<void>> | undefined;

/** The log writer over this thread's PGlite, loaded with the first batch: opening the database does not wait for drizzle and the schema. */
function logWriter(): Promise<(events: LogEvent[]) => Promise<void>> {
  loadingWriter ??= (async () => {
    const [{ drizzle }, schema, { writeLogBatch }] = await Promise.all([
      import("drizzle-orm/pglite"),
      import("@/db/schema"),
      import("@/lib/logs/writer"),
    ]);
    const db = drizzle({ client: pglite, schema });
    return (events) => writeLogBatch(db, events);
  })();
  return loadingWriter;
}
