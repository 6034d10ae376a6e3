import { and, eq, inArray, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { apiTokens, gateways, gatewayTokens, type metadataUsageRollups, type usageRollups } from "@/db/schema";
import { bucketStarts, type AnalyticsRange } from "@/lib/analytics/range";
import { mergeSketches, subtractSketch, type Sketch } from "@/lib/analytics/sketch";
import {
  addTotals,
  bucketOf,
  cacheHitRate,
  EMPTY_TOTALS,
  inRange,
  mergeSketchesBy,
  METADATA_ROLLUPS,
  percentiles,
  rangeParts,
  rollupTable,
  SERIES_ROLLUPS,
  sketchesOf,
  subtractTotals,
  sums,
  USAGE_ROLLUPS,
  type Percentiles,
  type RollupTables,
  type UsageTotals,
} from "@/lib/analytics/rollup-query";
import type { ServiceContext } from "../context";
import { requireRole } from "../roles";
import type { AnalyticsScope } from "./series";

export const BREAKDOWN_DIMENSIONS = ["gateway", "provider", "model", "token", "ingressFormat"] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];
/** A breakdown by the values of one of the team's chosen metadata keys (teams.analytics_metadata_keys). */
export type MetadataDimension = `metadata.${string}`;
export type BreakdownBy = BreakdownDimension | MetadataDimension;

const METADATA_PREFIX = "metadata.";

export function metadataDimension(key: string): MetadataDimension {
  return `${METADATA_PREFIX}${key}`;
}

/** The metadata key a dimension breaks down by; null for the other dimensions. */
export function metadataKeyOf(by: BreakdownBy): string | null {
  return by.startsWith(METADATA_PREFIX) ? by.slice(METADATA_PREFIX.length) : null;
}

/** The most rows a breakdown lists, busiest first. */
const BREAKDOWN_LIMIT = 50;

export interface BreakdownRow extends UsageTotals {
  /** The rollup key's value(s) joined with "/"; "" for rows without one (e.g. refused before a gateway was known). */
  key: string;
  /** What the dashboard shows: a gateway's slug, a token's name, provider/model. */
  label: string;
  /** A gateway's slug for a link to it; null otherwise and for a gateway deleted since. */
  gatewaySlug: string | null;
  cacheHitRate: number | null;
  /** Total latency; a breakdown merges no time-to-first-byte sketches (the table does not show them). */
  duration: Percentiles;
  /** Requests per bucket of the range, for the row's sparkline. */
  spark: number[];
}

export interface AnalyticsBreakdown {
  by: BreakdownBy;
  rows: BreakdownRow[];
}

const NONE_LABEL: Record<BreakdownDimension, string> = {
  gateway: "no gateway",
  provider: "no provider",
  model: "no model",
  token: "no token",
  ingressFormat: "no format",
};

/** What a breakdown groups: the rollup family it reads, the key columns of a row, and which of the family's rows count. */
interface BreakdownSource {
  tables: RollupTables;
  columns(table: typeof usageRollups): PgColumn[];
  /** A row's key; by default the columns' values joined with "/". */
  key?(table: typeof usageRollups): SQL<string>;
  where?(table: typeof usageRollups): SQL;
}

function sourceOf(by: BreakdownBy): BreakdownSource {
  const metadataKey = metadataKeyOf(by);
  if (metadataKey !== null) {
    const metadata = (table: typeof usageRollups) => table as unknown as typeof metadataUsageRollups;
    return { tables: METADATA_ROLLUPS, columns: (table) => [metadata(table).metadataValue], where: (table) => eq(metadata(table).metadataKey, metadataKey) };
  }
  const columns = (table: typeof usageRollups): PgColumn[] => {
    switch (by as BreakdownDimension) {
      case "gateway":
        return [table.gatewayId];
      case "provider":
        return [table.provider];
      case "model":
        return [table.provider, table.model];
      case "token":
        return [table.tokenId];
      case "ingressFormat":
        return [table.ingressFormat];
    }
  };
  return { tables: USAGE_ROLLUPS, columns };
}

/** All of the scope's requests as one group (keyed ""; grouped by the team, which the scope fixes), from `tables`. */
function wholeOf(tables: RollupTables, where?: BreakdownSource["where"]): BreakdownSource {
  return { tables, columns: (table) => [table.teamId], key: () => sql<string>`''`, where };
}

type Merged = Map<string, { totals: UsageTotals; durationSketch: Sketch }>;

/**
 * The team's (or one gateway's) usage over a range per gateway, provider, model, token, ingress
 * format or value of a chosen metadata key, from the rollups only: totals, latency percentiles and
 * a requests sparkline per row, the BREAKDOWN_LIMIT busiest rows. Gateways show by slug and tokens
 * by name; requests refused before a gateway (or token) was known are their own row, and so are
 * requests without the metadata key (all requests less those with a value: the per-gateway rollups
 * less the metadata ones).
 */
export async function getAnalyticsBreakdown({ ctx, teamId, gatewayId, range, by }: AnalyticsScope & { by: BreakdownBy }): Promise<AnalyticsBreakdown> {
  await requireRole(ctx, teamId, "viewer");
  const scope = { ctx, teamId, gatewayId, range };
  const source = sourceOf(by);
  const metadataKey = metadataKeyOf(by);
  const [merged, all] = await Promise.all([mergedBy(scope, source), metadataKey === null ? null : mergedBy(scope, wholeOf(SERIES_ROLLUPS))]);
  if (all) {
    // Requests without the key: each request with it counts under exactly one of its values.
    const keyed = [...merged.values()].reduce((sum, row) => ({ totals: addTotals(sum.totals, row.totals), durationSketch: mergeSketches(sum.durationSketch, row.durationSketch) }), {
      totals: EMPTY_TOTALS,
      durationSketch: [] as Sketch,
    });
    const whole = all.get("");
    if (whole && whole.totals.requests > keyed.totals.requests) {
      merged.set("", { totals: subtractTotals(whole.totals, keyed.totals), durationSketch: subtractSketch(whole.durationSketch, keyed.durationSketch) });
    }
  }
  const busiest = [...merged.entries()]
    .sort(([keyA, a], [keyB, b]) => b.totals.requests - a.totals.requests || (keyA < keyB ? -1 : keyA > keyB ? 1 : 0))
    .slice(0, BREAKDOWN_LIMIT);
  if (busiest.length === 0) return { by, rows: [] };

  const keys = busiest.map(([rowKey]) => rowKey);
  const valued = keys.filter((k) => k !== "");
  const noValue = metadataKey !== null && keys.includes("");
  const [sparks, names, allSpark, keyedSpark] = await Promise.all([
    sparksBy(scope, source, metadataKey === null ? keys : valued),
    metadataKey === null ? namesOf(ctx, teamId, by as BreakdownDimension, keys) : new Map<string, string>(),
    noValue ? sparksBy(scope, wholeOf(SERIES_ROLLUPS)) : null,
    noValue ? sparksBy(scope, wholeOf(METADATA_ROLLUPS, source.where)) : null,
  ]);
  if (allSpark && keyedSpark) {
    const keyed = keyedSpark.get("");
    sparks.set("", (allSpark.get("") ?? bucketStarts(range).map(() => 0)).map((requests, i) => requests - (keyed?.[i] ?? 0)));
  }

  return {
    by,
    rows: busiest.map(([rowKey, { totals, durationSketch }]) => {
      const name = names.get(rowKey);
      return {
        key: rowKey,
        label: rowKey === "" ? (metadataKey === null ? NONE_LABEL[by as BreakdownDimension] : "no value") : (name ?? rowKey),
        gatewaySlug: by === "gateway" ? (name ?? null) : null,
        ...totals,
        cacheHitRate: cacheHitRate(totals),
        duration: percentiles(durationSketch),
        spark: sparks.get(rowKey) ?? bucketStarts(range).map(() => 0),
      };
    }),
  };
}

interface Scope {
  ctx: ServiceContext;
  teamId: string;
  gatewayId?: string;
  range: AnalyticsRange;
}

/** Totals and the total latency sketch per group of `source` over the range (whole days from daily rollups). */
async function mergedBy({ ctx, teamId, gatewayId, range }: Scope, source: BreakdownSource): Promise<Merged> {
  const merged: Merged = new Map();
  await Promise.all(
    rangeParts(range, source.tables).map(async (part) => {
      const columns = source.columns(part.table);
      const key = source.key?.(part.table) ?? keyOf(columns);
      const where = and(inRange(part.table, part, teamId, gatewayId), source.where?.(part.table))!;
      const [rows, sketches] = await Promise.all([
        ctx.db.select({ key, ...sums(part.table) }).from(part.table).where(where).groupBy(...columns),
        mergeSketchesBy(ctx.db, part.table, where, key, columns, ["duration"]),
      ]);
      for (const row of rows) {
        const before = merged.get(row.key) ?? { totals: EMPTY_TOTALS, durationSketch: [] };
        merged.set(row.key, { totals: addTotals(before.totals, row), durationSketch: mergeSketches(before.durationSketch, sketchesOf(sketches, row.key).durationSketch) });
      }
    }),
  );
  return merged;
}

/** Requests per bucket of the range per group of `source` (of `keys` only, when given); sparklines go bucket by bucket, so they read the range's own level. */
async function sparksBy({ ctx, teamId, gatewayId, range }: Scope, source: BreakdownSource, keys?: string[]): Promise<Map<string, number[]>> {
  const table = rollupTable(range, source.tables);
  const columns = source.columns(table);
  const key = source.key?.(table) ?? keyOf(columns);
  const at = bucketOf(table, range);
  const starts = bucketStarts(range).map((start) => start.getTime());
  const sparks = new Map<string, number[]>();
  if (keys?.length === 0) return sparks;
  const rows = await ctx.db
    .select({ key, at, requests: sums(table).requests })
    .from(table)
    .where(and(inRange(table, range, teamId, gatewayId), source.where?.(table), keys === undefined ? undefined : inArray(key, keys)))
    .groupBy(...columns, at);
  const index = new Map(starts.map((start, i) => [start, i]));
  for (const row of rows) {
    const spark = sparks.get(row.key) ?? starts.map(() => 0);
    spark[index.get(row.at.getTime())!] = row.requests;
    sparks.set(row.key, spark);
  }
  return sparks;
}

/** A row's key: its columns' values joined with "/", or "" when every one is (a refusal before the provider, gateway or token was known). */
function keyOf(columns: SQLWrapper[]): SQL<string> {
  const parts = sql.join(columns, sql`, `);
  return sql<string>`case when concat(${parts}) = '' then '' else concat_ws('/', ${parts}) end`;
}

/** Gateway slugs and token names (gateway tokens' and run-scoped API tokens') by id; a deleted one is missing (its id shows). */
async function namesOf(ctx: ServiceContext, teamId: string, by: BreakdownDimension, ids: string[]): Promise<Map<string, string>> {
  if (by === "gateway") {
    const found = await ctx.db.select({ id: gateways.id, name: gateways.slug }).from(gateways).where(and(eq(gateways.teamId, teamId), inArray(gateways.id, ids)));
    return new Map(found.map((row) => [row.id, row.name]));
  }
  if (by === "token") {
    const found = await ctx.db
      .select({ id: gatewayTokens.id, name: gatewayTokens.name })
      .from(gatewayTokens)
      .where(and(eq(gatewayTokens.teamId, teamId), inArray(gatewayTokens.id, ids)))
      .unionAll(ctx.db.select({ id: apiTokens.id, name: apiTokens.name }).from(apiTokens).where(and(eq(apiTokens.teamId, teamId), inArray(apiTokens.id, ids))));
    return new Map(found.map((row) => [row.id, row.name]));
  }
  return new Map();
}
