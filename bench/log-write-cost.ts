/**
 * What writing log batches costs the thread that serves requests, per row: writeLogBatch run on
 * that thread (as before the log writer moved off it) against handing the batch to the database's
 * worker thread (`DatabaseHandle.writeLogs`). Reads the main thread's own CPU time
 * (process.threadCpuUsage), so the worker's work is not counted.
 *
 *   npx tsx bench/log-write-cost.ts                 # PGlite
 *   DATABASE_URL=postgres://… npx tsx bench/log-write-cost.ts   # and Postgres, in that (empty) database
 */
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { migrationsFolder, openDatabase, type Database } from "@/db/client";
import * as schema from "@/db/schema";
import { testLogEvent } from "@/lib/logs/test-events";
import type { LogEvent } from "@/lib/logs/types";
import { writeLogBatch } from "@/lib/logs/writer";

const BATCHES = 20;
const BATCH_SIZE = 500;
/** About what a short chat request and answer hold. */
const REQUEST_BODY = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x".repeat(800) }] });
const RESPONSE_BODY = JSON.stringify({ choices: [{ message: { role: "assistant", content: "y".repeat(800) } }], usage: { total_tokens: 120 } });

let nextIndex = 0;
function batch(): LogEvent[] {
  return Array.from({ length: BATCH_SIZE }, () => {
    const event = testLogEvent(nextIndex++, {}, true);
    event.payload = { ...event.payload!, requestBody: REQUEST_BODY, responseBody: RESPONSE_BODY };
    return event;
  });
}

/** Main-thread CPU µs per row and wall ms per batch of writing BATCHES batches through `write`. */
async function measure(label: string, write: (events: LogEvent[]) => Promise<void>): Promise<void> {
  await write(batch()); // warm-up: the first batch loads the writer's modules
  const batches = Array.from({ length: BATCHES }, batch);
  const cpu = process.threadCpuUsage();
  const start = performance.now();
  for (const events of batches) await write(events);
  const wall = performance.now() - start;
  const used = process.threadCpuUsage(cpu);
  const rows = BATCHES * BATCH_SIZE;
  console.log(
    `${label.padEnd(48)} main-thread CPU ${((used.user + used.system) / rows).toFixed(1).padStart(6)} µs/row, ` +
      `wall ${(wall / BATCHES).toFixed(0).padStart(5)} ms/batch of ${BATCH_SIZE}`,
  );
}

const local = new PGlite();
const localDb = drizzle({ client: local, schema });
await migrate(localDb, { migrationsFolder });
await measure("PGlite, writeLogBatch on the main thread", (events) => writeLogBatch(localDb as unknown as Database, events));
await local.close();

const embedded = await openDatabase({ driver: "pglite" });
await embedded.migrate();
await measure("PGlite, writeLogs to its worker", (events) => embedded.writeLogs(events));
await embedded.close();

const url = process.env.DATABASE_URL;
if (url) {
  const server = await openDatabase({ driver: "postgres", url });
  await server.migrate();
  await server.db.execute(sql`truncate request_logs, request_log_payloads, usage_rollups, usage_rollups_minute, usage_rollups_day, gateway_usage_rollups, gateway_usage_rollups_day`);
  await measure("Postgres, writeLogBatch on the main thread", (events) => writeLogBatch(server.db, events));
  await measure("Postgres, writeLogs to the log writer's worker", (events) => server.writeLogs(events));
  await server.close();
}
