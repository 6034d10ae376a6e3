import { sql } from "drizzle-orm";
import { rowsOf, type Database } from "@/db/client";
import { deleteLogsInBatches } from "./delete-logs";
import { dayStart, dropDayPartitionsBefore } from "./partitions";

const DAY_MS = 86_400_000;

export interface RetentionOutcome {
  /** Day partitions dropped (Postgres servers). */
  dropped: string[];
  /** Rows deleted in batches. */
  deleted: number;
}

/**
 * Removes the logs older than their team's retention (teams.log_retention_days; null keeps them).
 *
 * Partitioned (a Postgres server), the day partitions older than the LONGEST retention are dropped
 * whole, which is what keeps this cheap at millions of rows: the teams with that retention lose
 * their logs a day at a time, once the whole day is past it (so up to a day late). Teams with a
 * shorter retention have theirs deleted in batches. While any team keeps its logs (null), no
 * partition can go and every team with a retention is deleted in batches, as on PGlite.
 */
export async function applyRetention(db: Database, { partitioned, now = new Date(), batch }: { partitioned: boolean; now?: Date; batch: number }): Promise<RetentionOutcome> {
  const teams = rowsOf<{ id: string; days: number | null }>(await db.execute(sql`select id, log_retention_days as days from teams order by id`));
  const outcome: RetentionOutcome = { dropped: [], deleted: 0 };
  const limited = teams.filter((team): team is { id: string; days: number } => team.days !== null);
  const longest = partitioned && teams.length > 0 && limited.length === teams.length ? Math.max(...limited.map((team) => team.days)) : undefined;
  if (longest !== undefined) {
    const cutoff = new Date(dayStart(now.getTime() - longest * DAY_MS));
    outcome.dropped = await dropDayPartitionsBefore(db, cutoff);
    // What the day partitions did not hold (the default partition's rows) goes row by row; the
    // bound is a partition edge, so only partitions already gone and the default one are read.
    outcome.deleted += await deleteLogsInBatches(db, sql`created_at < ${cutoff.toISOString()}::timestamptz`, { batch });
    // The dropped rows are no longer in the gateways' counts: count them again.
    if (outcome.dropped.length > 0) await db.execute(sql`update gateway_log_counts set counted_at = null`);
  }
  for (const team of limited) {
    if (team.days === longest) continue;
    const cutoff = new Date(now.getTime() - team.days * DAY_MS);
    outcome.deleted += await deleteLogsInBatches(db, sql`team_id = ${team.id} and created_at < ${cutoff.toISOString()}::timestamptz`, { batch });
  }
  return outcome;
}
