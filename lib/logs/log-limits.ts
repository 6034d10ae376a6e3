import { sql } from "drizzle-orm";
import { rowsOf, type Database, type Transaction } from "@/db/client";
import type { NewRequestLog } from "@/db/schema";
import { deleteLogsInBatches } from "./delete-logs";

type Executor = Database | Transaction;

/**
 * A gateway's log limit (`log_management`, Cloudflare's "Automatic Log Deletion"), enforced on the
 * approximate counts of gateway_log_counts: the writer keeps STOP_INSERTING gateways' rows out once
 * their count reaches the limit, and the maintenance loop deletes DELETE_OLDEST gateways' oldest
 * rows beyond it. Counting millions of rows happens only in `recountLogs`, now and then.
 */

/**
 * Splits a batch into the events whose rows are stored and those a STOP_INSERTING gateway at its
 * limit keeps out (their requests were served: they still count in the rollups). A gateway with
 * room for part of the batch takes that many of its events, in batch order.
 */
export async function applyLogLimits<E extends { log: NewRequestLog }>(tx: Executor, events: E[]): Promise<{ stored: E[]; stopped: E[] }> {
  const gatewayIds = [...new Set(events.flatMap((event) => (event.log.gatewayId ? [event.log.gatewayId] : [])))];
  if (gatewayIds.length === 0) return { stored: events, stopped: [] };
  const rows = rowsOf<{ gateway_id: string; room: number | string }>(
    await tx.execute(sql`
      select c.gateway_id, greatest(0, g.log_management - c.logged) as room
        from gateway_log_counts c join gateways g on g.id = c.gateway_id
       where c.gateway_id in (${sql.join(gatewayIds.map((id) => sql`${id}`), sql`, `)})
         and g.log_management_strategy = 'STOP_INSERTING' and g.log_management is not null`),
  );
  if (rows.length === 0) return { stored: events, stopped: [] };
  const room = new Map(rows.map((row) => [row.gateway_id, Number(row.room)]));
  const stored: E[] = [];
  const stopped: E[] = [];
  for (const event of events) {
    const left = event.log.gatewayId ? room.get(event.log.gatewayId) : undefined;
    if (left === undefined) {
      stored.push(event);
    } else if (left > 0) {
      room.set(event.log.gatewayId!, left - 1);
      stored.push(event);
    } else {
      stopped.push(event);
    }
  }
  return { stored, stopped };
}

/**
 * Adds the rows just inserted to the counts of their gateways that have a log limit. A gateway
 * without a count yet starts from this batch; `recountLogs` finds it uncounted and counts it whole.
 * Ordered by gateway so concurrent writers lock the counts in the same order.
 */
export async function countLoggedRows(tx: Executor, logs: NewRequestLog[]): Promise<void> {
  const perGateway = new Map<string, number>();
  for (const log of logs) if (log.gatewayId) perGateway.set(log.gatewayId, (perGateway.get(log.gatewayId) ?? 0) + 1);
  if (perGateway.size === 0) return;
  const counts = [...perGateway].sort(([a], [b]) => (a < b ? -1 : 1)).map(([gateway_id, n]) => ({ gateway_id, n }));
  await tx.execute(sql`
    insert into gateway_log_counts (gateway_id, team_id, logged)
    select g.id, g.team_id, u.n
      from json_to_recordset(${JSON.stringify(counts)}::json) as u(gateway_id text, n bigint)
      join gateways g on g.id = u.gateway_id
     where g.log_management is not null
     order by g.id
    on conflict (gateway_id) do update set logged = gateway_log_counts.logged + excluded.logged`);
}

/**
 * Counts the rows of each gateway with a log limit whose count is missing, was never counted, or
 * was counted before `staleBefore` (an index-only count per gateway), and forgets the counts of
 * gateways that no longer have a limit.
 */
export async function recountLogs(db: Database, staleBefore: Date): Promise<void> {
  await db.execute(sql`
    delete from gateway_log_counts c using gateways g where g.id = c.gateway_id and g.log_management is null`);
  const stale = rowsOf<{ id: string; team_id: string }>(
    await db.execute(sql`
      select g.id, g.team_id from gateways g left join gateway_log_counts c on c.gateway_id = g.id
       where g.log_management is not null and (c.counted_at is null or c.counted_at < ${staleBefore.toISOString()}::timestamptz)
       order by g.id`),
  );
  // One gateway per statement: each count is a short read, not one long one over every gateway.
  for (const gateway of stale) {
    await db.execute(sql`
      insert into gateway_log_counts (gateway_id, team_id, logged, counted_at)
      select ${gateway.id}, ${gateway.team_id}, count(*), now()
        from request_logs where team_id = ${gateway.team_id} and gateway_id = ${gateway.id}
      on conflict (gateway_id) do update set logged = excluded.logged, counted_at = excluded.counted_at`);
  }
}

/** Deletes the oldest rows of each DELETE_OLDEST gateway beyond its limit, in batches; returns how many went. */
export async function deleteOldestBeyondLimits(db: Database, batch: number): Promise<number> {
  const over = rowsOf<{ id: string; team_id: string; excess: number | string }>(
    await db.execute(sql`
      select g.id, g.team_id, c.logged - g.log_management as excess
        from gateways g join gateway_log_counts c on c.gateway_id = g.id
       where g.log_management_strategy = 'DELETE_OLDEST' and c.logged > g.log_management
       order by g.id`),
  );
  let deleted = 0;
  for (const gateway of over) {
    deleted += await deleteLogsInBatches(db, sql`team_id = ${gateway.team_id} and gateway_id = ${gateway.id}`, {
      batch,
      most: Number(gateway.excess),
      order: "oldest",
    });
  }
  return deleted;
}
