import { and, desc, gt } from "drizzle-orm";
import { setTimeout as sleep } from "node:timers/promises";
import { requestLogs } from "@/db/schema";
import { logsMatching, selectLogRows, type LogListRow, type LogSelection } from "./list";

/**
 * Rows written since `since` for the live tail, oldest first, at most `limit`. Rows are written
 * after their response, with the time the request arrived, so a poll looks back `lookbackMs`
 * and the caller skips the ids it has sent.
 */
export async function recentRequestLogs({
  ctx,
  teamId,
  gatewaySlug,
  query,
  since,
  limit = 100,
}: LogSelection & { since: Date; limit?: number }): Promise<LogListRow[]> {
  const rows: LogListRow[] = await selectLogRows(ctx, teamId)
    .where(and(...(await logsMatching({ ctx, teamId, gatewaySlug, query })), gt(requestLogs.createdAt, since)))
    .orderBy(desc(requestLogs.createdAt), desc(requestLogs.id))
    .limit(limit);
  return rows.reverse();
}


/** How far back each poll looks: a row appears once its response has ended and its batch is written. */
const LOOKBACK_MS = 60_000;
const POLL_MS = 1_000;
/** A tail ends after this long; the page offers to resume it. */
const TAIL_MAX_MS = 10 * 60_000;

/**
 * The live tail: polls for new matching rows every second and yields each batch of rows not yet
 * sent, oldest first, until `signal` aborts (the page closed) or TAIL_MAX_MS passes. Remembers
 * only the ids inside the lookback window, so memory stays bounded however long it runs.
 */
export async function* tailRequestLogs({
  ctx,
  teamId,
  gatewaySlug,
  query,
  signal,
  startedAt = new Date(),
}: LogSelection & { signal: AbortSignal; startedAt?: Date }): AsyncGenerator<LogListRow[]> {
  const sent = new Map<string, number>();
  const end = Date.now() + TAIL_MAX_MS;
  while (!signal.aborted && Date.now() < end) {
    const since = new Date(Math.max(startedAt.getTime(), Date.now() - LOOKBACK_MS));
    const rows = (await recentRequestLogs({ ctx, teamId, gatewaySlug, query, since })).filter((row) => !sent.has(row.id));
    for (const row of rows) sent.set(row.id, row.createdAt.getTime());
    for (const [id, at] of sent) if (at < since.getTime()) sent.delete(id);
    if (rows.length > 0) yield rows;
    await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
  }
}
