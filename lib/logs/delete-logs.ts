import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Database } from "@/db/client";

/**
 * Deletes at most `limit` log rows matching `where` (oldest or newest first when `order` says), with their
 * payloads, and takes them off their gateways' log counts; one statement, so one short
 * transaction: deleting millions of rows goes in batches that neither hold locks for long nor
 * build one huge transaction. Returns how many rows went.
 */
export type DeleteOrder = "oldest" | "newest" | "any";

async function deleteLogBatch(db: Database, where: SQL, limit: number, { order = "any" }: { order?: DeleteOrder } = {}): Promise<number> {
  const [row] = rowsOf<{ deleted: number | string }>(
    await db.execute(sql`
      with doomed as (
        select id, created_at from request_logs where ${where}
        ${order === "oldest" ? sql`order by created_at, id` : order === "newest" ? sql`order by created_at desc, id desc` : sql``}
        limit ${limit}),
      gone as (
        delete from request_logs l using doomed
         where l.id = doomed.id and l.created_at = doomed.created_at
        returning l.id, l.created_at, l.gateway_id),
      bodies as (
        delete from request_log_payloads p using gone
         where p.log_id = gone.id and p.created_at = gone.created_at),
      per_gateway as (
        select gateway_id, count(*) as n from gone where gateway_id is not null group by gateway_id),
      counted as (
        update gateway_log_counts c set logged = greatest(0, c.logged - per_gateway.n)
          from per_gateway where c.gateway_id = per_gateway.gateway_id)
      select count(*) as deleted from gone`),
  );
  return Number(row?.deleted ?? 0);
}

/** Runs `deleteLogBatch` until fewer than a batch's rows match, or `most` rows went; returns how many did. */
export async function deleteLogsInBatches(db: Database, where: SQL, { batch, most = Infinity, order = "any" }: { batch: number; most?: number; order?: DeleteOrder }): Promise<number> {
  let total = 0;
  while (total < most) {
    const size = Math.min(batch, most - total);
    const deleted = await deleteLogBatch(db, where, size, { order });
    total += deleted;
    if (deleted < size) break;
  }
  return total;
}
