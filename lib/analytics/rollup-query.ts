import { and, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { usageRollups, usageRollupsMinute } from "@/db/schema";
import { mergeSketches, sketchQuantile, type Sketch } from "./sketch";
import type { AnalyticsRange } from "./range";

/** The rollup level a range reads; both levels have the same columns. */
export function rollupTable(range: AnalyticsRange): typeof usageRollups {
  return (range.level === "minute" ? usageRollupsMinute : usageRollups) as unknown as typeof usageRollups;
}

/** The team's (or one gateway's) rollups in the range. */
export function inRange(table: typeof usageRollups, range: AnalyticsRange, teamId: string, gatewayId?: string): SQL {
  return and(
    eq(table.teamId, teamId),
    gte(table.bucket, range.from),
    lt(table.bucket, range.to),
    gatewayId === undefined ? undefined : eq(table.gatewayId, gatewayId),
  )!;
}

/** The start of the range's bucket a rollup row falls in (hours summed into days, minutes into 5 minutes). */
export function bucketOf(table: typeof usageRollups, range: AnalyticsRange) {
  // A literal, not a parameter: the select's and the group by's expressions must be the same text.
  const width = sql.raw(`interval '${Math.trunc(range.bucketMs / 1000)} seconds'`);
  return sql<Date>`date_bin(${width}, ${table.bucket}, timestamptz '1970-01-01T00:00:00Z')`.mapWith(table.bucket);
}

export interface UsageTotals {
  requests: number;
  errors: number;
  rateLimited: number;
  refusals: number;
  clientErrors: number;
  serverErrors: number;
  cachedRequests: number;
  tokensIn: number;
  tokensOut: number;
  tokensCached: number;
  costMicros: number;
}

const TOTAL_FIELDS = ["requests", "errors", "rateLimited", "refusals", "clientErrors", "serverErrors", "cachedRequests", "tokensIn", "tokensOut", "tokensCached", "costMicros"] as const satisfies (keyof UsageTotals)[];

export const EMPTY_TOTALS: UsageTotals = Object.fromEntries(TOTAL_FIELDS.map((field) => [field, 0])) as unknown as UsageTotals;

/** The select fields summing each total. */
export function sums(table: typeof usageRollups) {
  return Object.fromEntries(TOTAL_FIELDS.map((field) => [field, sql<number>`coalesce(sum(${table[field]}), 0)`.mapWith(Number)])) as {
    [K in keyof UsageTotals]: SQL.Aliased<number> | SQL<number>;
  };
}

/** The select fields merging the latency sketches. */
export function mergedSketches(table: typeof usageRollups) {
  return {
    ttfbSketch: sql<Sketch>`sketch_sum(${table.ttfbSketch})`.mapWith(table.ttfbSketch),
    durationSketch: sql<Sketch>`sketch_sum(${table.durationSketch})`.mapWith(table.durationSketch),
  };
}

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface Latency {
  ttfb: Percentiles;
  duration: Percentiles;
}

export function percentiles(sketch: Sketch): Percentiles {
  return { p50: sketchQuantile(sketch, 0.5), p95: sketchQuantile(sketch, 0.95), p99: sketchQuantile(sketch, 0.99) };
}

export function latencyOf(sketches: { ttfbSketch: Sketch; durationSketch: Sketch }): Latency {
  return { ttfb: percentiles(sketches.ttfbSketch), duration: percentiles(sketches.durationSketch) };
}

export function addTotals(a: UsageTotals, b: UsageTotals): UsageTotals {
  return Object.fromEntries(TOTAL_FIELDS.map((field) => [field, a[field] + b[field]])) as unknown as UsageTotals;
}

export function mergeAll(sketches: Sketch[]): Sketch {
  return sketches.reduce(mergeSketches, []);
}

/** Cached requests among all; null without requests. */
export function cacheHitRate(totals: UsageTotals): number | null {
  return totals.requests === 0 ? null : totals.cachedRequests / totals.requests;
}
