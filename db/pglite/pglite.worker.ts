import { PGlite, type Transaction } from "@electric-sql/pglite";
import { workerData } from "node:worker_threads";
import { serveCalls } from "@/db/worker-threads";
import type { LogEvent } from "@/lib/logs/types";
import type { PgliteWorkerData, QueryCall } from "./protocol";

/**
 * The embedded database's thread: PGlite runs here so its SQL, and the log writer's work, never
 * hold up the requests the main thread serves. The main thread's drizzle reaches it through
 * RemotePglite (./remote-pglite.ts).
 */
const { dataDir } = workerData as PgliteWorkerData;
// Postgres's default 128 MB of shared buffers are resident once touched; 32 MB cut the process by
// about 100 MB after opening and under a stream of log writes, which were no slower (20,000 rows
// with 8 kB payloads), and hold the hot pages of an embedded deployment's tables.
const pglite = new PGlite(dataDir, { startParams: [...PGlite.defaultStartParams, "-c", "shared_buffers=32MB"] });
// A database that cannot open fails each call with the reason; unheard, the rejection would end the thread.
pglite.waitReady.catch(() => {});

/** Open transactions by id: each holds PGlite's transaction lock until the main thread commits or rolls back. */
const transactions = new Map<number, { tx: Transaction; finish(commit: boolean): void; done: Promise<unknown> }>();
let nextTransaction = 1;
/** Rejects a held transaction's callback, so PGlite rolls it back; not an error to report. */
const ROLLBACK = Symbol("rollback");

const subscriptions = new Map<number, () => Promise<void>>();

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

const { emit } = serveCalls({
  query: ({ sql, params, rowMode, rawTypes, transaction }: QueryCall) => {
    const client = transaction === undefined ? pglite : openTransaction(transaction);
    return client.query(sql, params, { rowMode, parsers: rawParsers(rawTypes) });
  },
  begin: () =>
    new Promise<number>((began, failed) => {
      const id = nextTransaction++;
      const done = pglite.transaction(
        (tx) =>
          new Promise((commit, abort) => {
            transactions.set(id, { tx, finish: (ok) => (ok ? commit(undefined) : abort(ROLLBACK)), done });
            began(id);
          }),
      );
      done.catch(failed).finally(() => transactions.delete(id));
    }),
  commit: async (id: number) => {
    const transaction = transactions.get(id);
    if (!transaction) throw new Error("Transaction is closed");
    transaction.finish(true);
    await transaction.done;
  },
  rollback: async (id: number) => {
    const transaction = transactions.get(id);
    if (!transaction) return;
    transaction.finish(false);
    await transaction.done.catch((error: unknown) => {
      if (error !== ROLLBACK) throw error;
    });
  },
  listen: async ({ channel, subscription }: { channel: string; subscription: number }) => {
    subscriptions.set(subscription, await pglite.listen(channel, (payload) => emit("notify", { subscription, payload })));
  },
  unlisten: async (subscription: number) => {
    const stop = subscriptions.get(subscription);
    subscriptions.delete(subscription);
    await stop?.();
  },
  writeLogs: async (events: LogEvent[]) => (await logWriter())(events),
  close: () => pglite.close(),
});

function openTransaction(id: number): Transaction {
  const transaction = transactions.get(id);
  if (!transaction) throw new Error("Transaction is closed");
  return transaction.tx;
}

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
