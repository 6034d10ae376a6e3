import { workerData } from "node:worker_threads";
import { openDatabase } from "@/db/client";
import { serveCalls } from "@/db/worker-threads";
import type { LogWriterWorkerData } from "./server-log-writer";
import type { LogEvent } from "./types";
import { writeLogBatch } from "./writer";

/**
 * The log writer's thread on a database server: the batch's safe-text scan, JSON expansion, SQL
 * building and round trip happen here, over a small pool of its own, not on the thread serving requests.
 */
const { driver, url } = workerData as LogWriterWorkerData;
// One batch is written at a time; the second connection lets a reconnect start while the first is closing.
const opening = openDatabase({ driver, url, maxConnections: 2 });

serveCalls({
  writeLogs: async (events: LogEvent[]) => writeLogBatch((await opening).db, events),
  close: async () => (await opening).close(),
});
