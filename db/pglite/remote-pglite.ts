import type { Results } from "@electric-sql/pglite";
import { WorkerClient } from "@/db/worker-threads";
import type { LogEvent } from "@/lib/logs/types";
import type { Notification, PgliteWorkerData, QueryCall } from "./protocol";

/** The query options drizzle-orm/pglite passes; its parsers all leave a type's values as text. */
interface QueryOptions {
  rowMode?: "object" | "array";
  parsers?: Record<number, unknown>;
}

interface Queryable {
  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
}

interface Subscription {
  onNotify(payload: string): void;
  onLost(error: Error): void;
}

/**
 * PGlite in a worker thread (pglite.worker.ts), seen from the main thread: the part of PGlite's
 * interface that drizzle-orm/pglite and its migrator use (`query`, `transaction`), LISTEN, the log
 * writer and `close`. Rows come back by structured clone, which keeps what PGlite's parsers make
 * (strings, numbers, booleans, BigInt, Date, Uint8Array, parsed JSON), so they have today's shapes.
 */
export class RemotePglite implements Queryable {
  private readonly worker: WorkerClient;
  private readonly subscriptions = new Map<number, Subscription>();
  private nextSubscription = 1;

  constructor(dataDir: string) {
    this.worker = new WorkerClient("db/pglite/pglite.worker.ts", {
      workerData: { dataDir } satisfies PgliteWorkerData,
      onEvent: (event, data) => {
        if (event !== "notify") return;
        const { subscription, payload } = data as Notification;
        this.subscriptions.get(subscription)?.onNotify(payload);
      },
      // "PGlite is closed" is what PGlite itself says, and what isTransientDatabaseError knows.
      stoppedError: (reason) => new Error(reason ? `PGlite is closed: its worker thread stopped (${reason})` : "PGlite is closed"),
      onStopped: (error) => {
        for (const subscription of this.subscriptions.values()) subscription.onLost(error);
        this.subscriptions.clear();
      },
    });
  }

  query<T>(sql: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> {
    return this.run(sql, params, options, undefined);
  }

  /**
   * Runs `fn` in a transaction held open in the worker until `fn` settles: committed when it
   * resolves, rolled back when it throws. Other queries wait for it there, as they do in PGlite.
   */
  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const id = await this.worker.call<number>("begin");
    let result: T;
    try {
      result = await fn({ query: (sql, params = [], options) => this.run(sql, params, options, id) });
    } catch (error) {
      await this.worker.call("rollback", id).catch(() => {});
      throw error;
    }
    await this.worker.call("commit", id);
    return result;
  }

  /** LISTEN on `channel`; `onLost` hears only of the worker thread stopping, PGlite has no connection to lose. */
  async listen(channel: string, onNotify: (payload: string) => void, onLost: (error: Error) => void): Promise<() => Promise<void>> {
    const subscription = this.nextSubscription++;
    this.subscriptions.set(subscription, { onNotify, onLost });
    try {
      await this.worker.call("listen", { channel, subscription });
    } catch (error) {
      this.subscriptions.delete(subscription);
      throw error;
    }
    return async () => {
      this.subscriptions.delete(subscription);
      await this.worker.call("unlisten", subscription);
    };
  }

  /** Writes a batch of log events (writeLogBatch) in the worker: the main thread only hands it over. */
  writeLogs(events: LogEvent[]): Promise<void> {
    return this.worker.call("writeLogs", events);
  }

  async close(): Promise<void> {
    try {
      await this.worker.call("close");
    } finally {
      await this.worker.terminate();
    }
  }

  private run<T>(sql: string, params: unknown[], options: QueryOptions | undefined, transaction: number | undefined): Promise<Results<T>> {
    const call: QueryCall = {
      sql,
      params,
      rowMode: options?.rowMode ?? "object",
      rawTypes: options?.parsers ? Object.keys(options.parsers).map(Number) : [],
      transaction,
    };
    return this.worker.call("query", call);
  }
}
