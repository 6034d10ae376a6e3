import type { Results } from "@electric-sql/pglite";
import { WorkerClient } from "@/db/worker-threads";
import type { LogEvent } from "@/lib/logs/types";
import { LocalSocketClient } from "./local-socket";
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

/** What carries the calls: the worker thread's port, or a local socket to the process that shares the database. */
interface Channel {
  call<T>(op: string, args?: unknown): Promise<T>;
  close(): Promise<void>;
}

/**
 * PGlite in a worker thread (pglite.worker.ts), seen from the main thread, or from another local
 * process through the socket of the server that holds it (local-socket.ts): the part of PGlite's
 * interface that drizzle-orm/pglite and its migrator use (`query`, `transaction`), LISTEN, the log
 * writer and `close`. Rows come back by structured clone, which keeps what PGlite's parsers make
 * (strings, numbers, booleans, BigInt, Date, Uint8Array, parsed JSON), so they have today's shapes.
 */
export class RemotePglite implements Queryable {
  private readonly subscriptions = new Map<number, Subscription>();
  private nextSubscription = 1;
  private channel!: Channel;

  private constructor() {}

  /** PGlite on `dataDir` in a worker thread of this process. */
  static inWorkerThread(dataDir: string): RemotePglite {
    const remote = new RemotePglite();
    const worker = new WorkerClient("db/pglite/pglite.worker.ts", {
      workerData: { dataDir } satisfies PgliteWorkerData,
      onEvent: (event, data) => remote.onEvent(event, data),
      // "PGlite is closed" is what PGlite itself says, and what isTransientDatabaseError knows.
      stoppedError: (reason) => new Error(reason ? `PGlite is closed: its worker thread stopped (${reason})` : "PGlite is closed"),
      onStopped: (error) => remote.onStopped(error),
    });
    remote.channel = {
      call: (op, args) => worker.call(op, args),
      close: async () => {
        try {
          await worker.call("close");
        } finally {
          await worker.terminate();
        }
      },
    };
    return remote;
  }

  /** The PGlite another local process shares at `socketPath`; rejects with the system's error when nothing listens there. */
  static async overSocket(socketPath: string): Promise<RemotePglite> {
    const remote = new RemotePglite();
    remote.channel = await LocalSocketClient.connect(socketPath, {
      onEvent: (event, data) => remote.onEvent(event, data),
      stoppedError: (reason) =>
        new Error(reason ? `PGlite is closed: the connection to the server that shares it ended (${reason})` : "PGlite is closed"),
      onStopped: (error) => remote.onStopped(error),
    });
    return remote;
  }

  query<T>(sql: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> {
    return this.run(sql, params, options, undefined);
  }

  /**
   * Runs `fn` in a transaction held open in the worker until `fn` settles: committed when it
   * resolves, rolled back when it throws. Other queries wait for it there, as they do in PGlite.
   */
  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const id = await this.channel.call<number>("begin");
    let result: T;
    try {
      result = await fn({ query: (sql, params = [], options) => this.run(sql, params, options, id) });
    } catch (error) {
      await this.channel.call("rollback", id).catch(() => {});
      throw error;
    }
    await this.channel.call("commit", id);
    return result;
  }

  /** LISTEN on `channel`; `onLost` hears of the worker thread stopping, or of the connection to the sharing server ending. */
  async listen(channel: string, onNotify: (payload: string) => void, onLost: (error: Error) => void): Promise<() => Promise<void>> {
    const subscription = this.nextSubscription++;
    this.subscriptions.set(subscription, { onNotify, onLost });
    try {
      await this.channel.call("listen", { channel, subscription });
    } catch (error) {
      this.subscriptions.delete(subscription);
      throw error;
    }
    return async () => {
      this.subscriptions.delete(subscription);
      await this.channel.call("unlisten", subscription);
    };
  }

  /** Writes a batch of log events (writeLogBatch) in the worker: this thread only hands it over. */
  writeLogs(events: LogEvent[]): Promise<void> {
    return this.channel.call("writeLogs", events);
  }

  /** Serves this database to other local processes at `socketPath` until `close`: for the worker thread's process. */
  share(socketPath: string): Promise<void> {
    return this.channel.call("share", socketPath);
  }

  close(): Promise<void> {
    return this.channel.close();
  }

  private onEvent(event: string, data: unknown): void {
    if (event !== "notify") return;
    const { subscription, payload } = data as Notification;
    this.subscriptions.get(subscription)?.onNotify(payload);
  }

  private onStopped(error: Error): void {
    for (const subscription of this.subscriptions.values()) subscription.onLost(error);
    this.subscriptions.clear();
  }

  private run<T>(sql: string, params: unknown[], options: QueryOptions | undefined, transaction: number | undefined): Promise<Results<T>> {
    const call: QueryCall = {
      sql,
      params,
      rowMode: options?.rowMode ?? "object",
      rawTypes: options?.parsers ? Object.keys(options.parsers).map(Number) : [],
      transaction,
    };
    return this.channel.call("query", call);
  }
}
