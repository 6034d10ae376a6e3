import { sql } from "drizzle-orm";
import { rowsOf, type DatabaseHandle } from "@/db/client";
import { errorLine } from "@/lib/error-line";
import { deleteOldestBeyondLimits, recountLogs } from "./log-limits";
import { ensureDayPartitions, logsArePartitioned } from "./partitions";
import { applyRetention, type RetentionOutcome } from "./retention";
import { MINUTE_ROLLUP_RETENTION_MS, pruneMinuteRollups } from "./rollups";

/** How often the server runs the log maintenance. */
const MAINTENANCE_INTERVAL_MS = 10 * 60_000;
/** The first run waits a little: starting up has enough to do. */
const FIRST_RUN_DELAY_MS = 30_000;
/** Rows per DELETE: small enough that each statement is a short transaction at 10M rows. */
export const DELETE_BATCH = 5_000;
/** A gateway's log count is counted again from its rows this often; writes and deletions keep it close between. */
const RECOUNT_EVERY_MS = 60 * 60_000;

export interface MaintenanceOutcome {
  /** Day partitions created ahead (Postgres servers). */
  partitionsCreated: string[];
  retention: RetentionOutcome;
  /** Rows deleted from DELETE_OLDEST gateways beyond their log limit. */
  deletedBeyondLimits: number;
}

/** The advisory lock's name (hashed to its key) that one instance at a time holds while it maintains. */
export const MAINTENANCE_LOCK = "switchyard:log-maintenance";

type MaintenanceHandle = Pick<DatabaseHandle, "db" | "driver">;

/** The runs in progress in this process, by database: a second one asked for meanwhile is skipped. */
const running = new WeakSet<object>();

/**
 * One round of the log tables' upkeep: day partitions created ahead, retention applied, gateways'
 * log counts refreshed, DELETE_OLDEST limits enforced, minute rollups past their 48 hours pruned.
 * One instance at a time: on a server database a transaction-level advisory lock, held by an
 * otherwise idle transaction while the work runs in short statements on other connections (and
 * released if this process dies); PGlite is one process's alone. Returns undefined when another
 * run holds the lock.
 */
export async function runLogMaintenance(handle: MaintenanceHandle, { now = new Date(), batch = DELETE_BATCH }: { now?: Date; batch?: number } = {}): Promise<MaintenanceOutcome | undefined> {
  if (running.has(handle.db)) return undefined;
  running.add(handle.db);
  try {
    if (handle.driver === "pglite") return await maintain(handle, now, batch);
    return await handle.db.transaction(async (tx) => {
      const [lock] = rowsOf<{ locked: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(hashtext(${MAINTENANCE_LOCK})) as locked`));
      return lock?.locked ? maintain(handle, now, batch) : undefined;
    });
  } finally {
    running.delete(handle.db);
  }
}

async function maintain({ db }: MaintenanceHandle, now: Date, batch: number): Promise<MaintenanceOutcome> {
  const partitioned = await logsArePartitioned(db);
  const partitionsCreated = partitioned ? await ensureDayPartitions(db, now, now) : [];
  const retention = await applyRetention(db, { partitioned, now, batch });
  await recountLogs(db, new Date(now.getTime() - RECOUNT_EVERY_MS));
  const deletedBeyondLimits = await deleteOldestBeyondLimits(db, batch);
  await pruneMinuteRollups(db, new Date(now.getTime() - MINUTE_ROLLUP_RETENTION_MS));
  return { partitionsCreated, retention, deletedBeyondLimits };
}

/**
 * Runs the log maintenance in the background every `intervalMs` (one round at a time; an instance
 * that finds another holding the lock skips its turn). The timer never keeps the process alive; a
 * failed round is logged once per run of failures and tried again next time. `stop` waits for a
 * round in progress.
 */
export function startLogMaintenance(handle: MaintenanceHandle, { intervalMs = MAINTENANCE_INTERVAL_MS, firstRunDelayMs = FIRST_RUN_DELAY_MS } = {}): { stop(): Promise<void> } {
  let current: Promise<void> | undefined;
  let failing = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const round = () => {
    current = runLogMaintenance(handle)
      .then(() => {
        failing = false;
      })
      .catch((error: unknown) => {
        if (!failing) console.error(`switchyard log maintenance failed, trying again in ${Math.round(intervalMs / 1000)} s: ${errorLine(error)}`);
        failing = true;
      })
      .finally(() => {
        current = undefined;
        schedule(intervalMs);
      });
  };
  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(round, delay);
    timer.unref();
  };
  schedule(firstRunDelayMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
