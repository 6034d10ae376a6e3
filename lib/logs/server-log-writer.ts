import type { Config } from "@/lib/config";
import { WorkerClient } from "@/db/worker-threads";
import type { LogEvent } from "./types";

export interface LogWriterWorkerData {
  driver: Exclude<Config["databaseDriver"], "pglite">;
  url: string;
}

export interface LogWriter {
  write(events: LogEvent[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Writes log batches to a database server from a worker thread (log-writer.worker.ts) with its own
 * small pool, so the request thread only hands each batch over. The thread starts with the first
 * batch (the CLI and most tests never write one), and again after it stopped: a failed write is
 * transient for the log queue, which tries it again.
 */
export function serverLogWriter(data: LogWriterWorkerData): LogWriter {
  let worker: WorkerClient | undefined;
  return {
    write(events) {
      worker ??= new WorkerClient("lib/logs/log-writer.worker.ts", {
        workerData: data,
        stoppedError: (reason) => new Error(`the log writer's worker thread stopped (${reason ?? "closed"})`),
        onStopped: () => {
          worker = undefined;
        },
      });
      return worker.call("writeLogs", events);
    },
    async close() {
      const closing = worker;
      worker = undefined;
      if (!closing) return;
      try {
        await closing.call("close");
      } finally {
        await closing.terminate();
      }
    },
  };
}
