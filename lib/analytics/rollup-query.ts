import { and, eq, gte, lt, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { rowsOf, type Database } from "@/db/client";
import {
  gatewayUsageRollups,
  gatewayUsageRollupsDay,
  metadataUsageRollups,
  metadataUsageRollupsDay,
  metadataUsageRollupsMinute,
  usageRollups,
  usageRollupsDay,
  usageRollupsMinute,
} from "@/db/schema";
import { DAY_MS } from "@/lib/logs/rollups";
import { addPackedSketch, mergeSketches, sketchQuantile, type Sketch } from "./sketch";
import type { AnalyticsRange } from "./range";

/**
 * A family of rollups, one table per range level. Read as `typeof usageRollups`: every family has
 * its team, bucket, gateway and measure columns; a reader of a family's own key columns knows it.
 */
export type RollupTables = Record<AnalyticsRange["level"], typeof usageRollups>;

/** The rollups keyed by gateway, provider, model, token and ingress format. */
export const USAGE_ROLLUPS = { minute: usageRollupsMinute, hour: usageRollups, day: usageRollupsDay } as unknown as RollupTables;

/**
 * What a series reads: per gateway only, where that level has one (minute ranges are short enough
 * to read the full rollups). A series sums everything in a bucket, so it needs no more.
 */
export const SERIES_ROLLUPS = { minute: usageRollupsMinute, hour: gatewayUsageRollups, day: gatewayUsageRollupsDay } as unknown as RollupTables;

/** The rollups per value of a team's chosen metadata keys. */
export const METADATA_ROLLUPS = { minute: metadataUsageRollupsMinute, hour: metadataUsageRollups, day: metadataUsageRollupsDay } as unknown as RollupTables;

/** The rollup level a range reads, of a family (USAGE_ROLLUPS unless told). */
export function rollupTable(range: AnalyticsRange, tables: RollupTables = USAGE_ROLLUPS): typeof usageRollups {
  return tables[range.level];
}

/** The rollup level a series reads. */
export function seriesTable(range: AnalyticsRange): typeof usageRollups {
  return rollupTable(range, SERIES_ROLLUPS);
}

/** A span of time read from one rollup level. */
export interface RangePart {
  table: typeof usageRollups;
  from: Date;
  to: Date;
}

/**
 * The rollup reads that tile a range, for what is summed over the whole range (not bucket by
 * bucket): an hour-level range's whole days come from the family's daily rollups and only its
 * ragged ends from the hourly ones, so a week reads about a third of the rows.
 */
export function rangeParts(range: AnalyticsRange, tables: RollupTables = USAGE_ROLLUPS): RangePart[] {
  const table = rollupTable(range, tables);
  if (range.level !== "hour") return [{ table, from: range.from, to: range.to }];
  const firstDay = Math.ceil(range.from.getTime() / DAY_MS) * DAY_MS;
  const lastDay = Math.floor(range.to.getTime() / DAY_MS) * DAY_MS;
  if (firstDay >= lastDay) return [{ table, from: range.from, to: range.to }];
  const parts: RangePart[] = [{ table: tables.day, from: new Date(firstDay), to: new Date(lastDay) }];
  if (range.from.getTime() < firstDay) parts.push({ table, from: range.from, to: new Date(firstDay) });
  if (lastDay < range.to.getTime()) parts.push({ table, from: new Date(lastDay), to: range.to });
  return parts;
}

/** The team's (or one gateway's) rollups in the span. */
export function inRange(table: typeof usageRollups, span: { from: Date; to: Date }, teamId: string, gatewayId?: string): SQL {
  return and(
    eq(table.teamId, teamId),
    gte(table.bucket, span.from),
    lt(table.bucket, span.to),
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

export interface MergedSketches {
  ttfbSketch: Sketch;
  durationSketch: Sketch;
}

const NO_SKETCHES: MergedSketches = { ttfbSketch: [], durationSketch: [] };

export type SketchKind = "ttfb" | "duration";

/**
 * The latency sketches (of `kinds`) of the rollup rows `where` selects, merged per group: `groupBy`
 * are the group's columns (or expressions) and `key` a string naming it. Merged set-wise: every
 * row's packed cells are unnested and summed per group and bucket in one pass, several times faster
 * over thousands of rows than an aggregate merging arrays row by row (bench/RESULTS.md).
 */
export async function mergeSketchesBy(
  db: Database,
  table: typeof usageRollups,
  where: SQL,
  key: SQL<string>,
  groupBy: SQLWrapper[],
  kinds: SketchKind[] = ["ttfb", "duration"],
): Promise<Map<string, MergedSketches>> {
  const column = { ttfb: table.ttfbSketch, duration: table.durationSketch };
  const cells = sql.join(
    kinds.map((kind) => sql`select ${kind} as kind, packed from unnest(${column[kind]}) as packed`),
    sql` union all `,
  );
  const rows = rowsOf<{ key: string; kind: SketchKind; cells: (number | string)[] }>(
    await db.execute(sql`
      select key, kind, array_agg((bucket << 32) | count) as cells from (
        select ${key} as key, cell.kind, cell.packed >> 32 as bucket, sum(cell.packed & 4294967295)::bigint as count
        from ${table} cross join lateral (${cells}) as cell
        where ${where}
        group by ${sql.join(groupBy, sql`, `)}, cell.kind, cell.packed >> 32
      ) as cells
      group by key, kind`),
  );
  const merged = new Map<string, MergedSketches>();
  for (const row of rows) {
    const sketches = merged.get(row.key) ?? { ttfbSketch: [], durationSketch: [] };
    // node-postgres answers int8 as strings; PGlite as numbers.
    addPackedSketch(row.kind === "ttfb" ? sketches.ttfbSketch : sketches.durationSketch, row.cells.map(Number));
    merged.set(row.key, sketches);
  }
  return merged;
}

/** A group's merged sketches, empty where it had none. */
export function sketchesOf(merged: Map<string, MergedSketches>, key: string): MergedSketches {
  return merged.get(key) ?? NO_SKETCHES;
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

export function latencyOf(sketches: MergedSketches): Latency {
  return { ttfb: percentiles(sketches.ttfbSketch), duration: percentiles(sketches.durationSketch) };
}

export function addTotals(a: UsageTotals, b: UsageTotals): UsageTotals {
  return Object.fromEntries(TOTAL_FIELDS.map((field) => [field, a[field] + b[field]])) as unknown as UsageTotals;
}

/** `a` less `b`: the requests of a whole that are not in a part of it. */
export function subtractTotals(a: UsageTotals, b: UsageTotals): UsageTotals {
  return Object.fromEntries(TOTAL_FIELDS.map((field) => [field, a[field] - b[field]])) as unknown as UsageTotals;
}

export function mergeAll(sketches: Sketch[]): Sketch {
  return sketches.reduce(mergeSketches, []);
}

/** Cached requests among all; null without requests. */
export function cacheHitRate(totals: UsageTotals): number | null {
  return totals.requests === 0 ? null : totals.cachedRequests / totals.requests;
}
