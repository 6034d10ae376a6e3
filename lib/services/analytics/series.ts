import { sql } from "drizzle-orm";
import { bucketStarts, type AnalyticsRange } from "@/lib/analytics/range";
import {
  addTotals,
  bucketOf,
  cacheHitRate,
  EMPTY_TOTALS,
  inRange,
  latencyOf,
  mergeAll,
  mergeSketchesBy,
  seriesTable,
  sketchesOf,
  sums,
  type Latency,
  type UsageTotals,
} from "@/lib/analytics/rollup-query";
import type { ServiceContext } from "../context";
import { requireRole } from "../roles";

export interface AnalyticsPoint extends UsageTotals, Latency {
  at: Date;
  cacheHitRate: number | null;
}

/** What an analytics read covers: the team's usage over a range, or one gateway's with its id. */
export interface AnalyticsScope {
  ctx: ServiceContext;
  teamId: string;
  gatewayId?: string;
  range: AnalyticsRange;
}

export interface AnalyticsSeries {
  range: AnalyticsRange;
  totals: UsageTotals & Latency & { cacheHitRate: number | null };
  /** One point per bucket of the range, empty buckets included, oldest first. */
  points: AnalyticsPoint[];
}

/**
 * The team's usage over a range, bucket by bucket, from the rollups only: requests, errors by
 * class, tokens, cost, cache hit rate and latency percentiles (from the merged sketches). With a
 * gateway id, that gateway's alone.
 */
export async function getAnalyticsSeries({ ctx, teamId, gatewayId, range }: AnalyticsScope): Promise<AnalyticsSeries> {
  await requireRole(ctx, teamId, "viewer");
  const table = seriesTable(range);
  const at = bucketOf(table, range);
  const where = inRange(table, range, teamId, gatewayId);
  const [rows, sketches] = await Promise.all([
    ctx.db.select({ at, ...sums(table) }).from(table).where(where).groupBy(at),
    mergeSketchesBy(ctx.db, table, where, sql<string>`(extract(epoch from ${at}) * 1000)::bigint::text`, [at]),
  ]);
  const byBucket = new Map(rows.map((row) => [row.at.getTime(), row]));
  const points = bucketStarts(range).map((start): AnalyticsPoint => {
    const row = byBucket.get(start.getTime());
    const totals = row ? pickTotals(row) : EMPTY_TOTALS;
    return { at: start, ...totals, cacheHitRate: cacheHitRate(totals), ...latencyOf(sketchesOf(sketches, String(start.getTime()))) };
  });
  const totals = rows.map(pickTotals).reduce(addTotals, EMPTY_TOTALS);
  const merged = [...sketches.values()];
  const latency = latencyOf({ ttfbSketch: mergeAll(merged.map((row) => row.ttfbSketch)), durationSketch: mergeAll(merged.map((row) => row.durationSketch)) });
  return { range, totals: { ...totals, ...latency, cacheHitRate: cacheHitRate(totals) }, points };
}

function pickTotals(row: UsageTotals): UsageTotals {
  return addTotals(EMPTY_TOTALS, row);
}
