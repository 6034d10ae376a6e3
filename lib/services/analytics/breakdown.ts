import { and, eq, inArray, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { apiTokens, gateways, gatewayTokens, type usageRollups } from "@/db/schema";
import { bucketStarts } from "@/lib/analytics/range";
import { mergeSketches, type Sketch } from "@/lib/analytics/sketch";
import {
  addTotals,
  bucketOf,
  cacheHitRate,
  EMPTY_TOTALS,
  inRange,
  mergeSketchesBy,
  percentiles,
  rangeParts,
  rollupTable,
  sketchesOf,
  sums,
  type Percentiles,
  type UsageTotals,
} from "@/lib/analytics/rollup-query";
import type { ServiceContext } from "../context";
import { requireRole } from "../roles";
import type { AnalyticsScope } from "./series";

export const BREAKDOWN_DIMENSIONS = ["gateway", "provider", "model", "token", "ingressFormat"] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

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
  by: BreakdownDimension;
  rows: BreakdownRow[];
}

const NONE_LABEL: Record<BreakdownDimension, string> = {
  gateway: "no gateway",
  provider: "no provider",
  model: "no model",
  token: "no token",
  ingressFormat: "no format",
};

function keyColumns(table: typeof usageRollups, by: BreakdownDimension) {
  switch (by) {
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
}

/**
 * The team's (or one gateway's) usage over a range per gateway, provider, model, token or ingress
 * format, from the rollups only: totals, latency percentiles and a requests sparkline per row,
 * the BREAKDOWN_LIMIT busiest rows. Gateways show by slug and tokens by name; requests refused
 * before a gateway (or token) was known are their own row.
 */
export async function getAnalyticsBreakdown({ ctx, teamId, gatewayId, range, by }: AnalyticsScope & { by: BreakdownDimension }): Promise<AnalyticsBreakdown> {
  await requireRole(ctx, teamId, "viewer");
  const merged = new Map<string, { totals: UsageTotals; durationSketch: Sketch }>();
  await Promise.all(
    rangeParts(range).map(async (part) => {
      const columns = keyColumns(part.table, by);
      const key = keyOf(columns);
      const where = inRange(part.table, part, teamId, gatewayId);
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
  const busiest = [...merged.entries()]
    .sort(([keyA, a], [keyB, b]) => b.totals.requests - a.totals.requests || (keyA < keyB ? -1 : keyA > keyB ? 1 : 0))
    .slice(0, BREAKDOWN_LIMIT);
  if (busiest.length === 0) return { by, rows: [] };

  // Sparklines go bucket by bucket, so they read the range's own level.
  const table = rollupTable(range);
  const columns = keyColumns(table, by);
  const key = keyOf(columns);
  const at = bucketOf(table, range);
  const keys = busiest.map(([rowKey]) => rowKey);
  const [sparkRows, names] = await Promise.all([
    ctx.db
      .select({ key, at, requests: sums(table).requests })
      .from(table)
      .where(and(inRange(table, range, teamId, gatewayId), inArray(key, keys)))
      .groupBy(...columns, at),
    namesOf(ctx, teamId, by, keys),
  ]);
  const starts = bucketStarts(range).map((start) => start.getTime());
  const index = new Map(starts.map((start, i) => [start, i]));
  const sparks = new Map(keys.map((k) => [k, starts.map(() => 0)]));
  for (const row of sparkRows) sparks.get(row.key)![index.get(row.at.getTime())!] = row.requests;

  return {
    by,
    rows: busiest.map(([rowKey, { totals, durationSketch }]) => {
      const name = names.get(rowKey);
      return {
        key: rowKey,
        label: rowKey === "" ? NONE_LABEL[by] : (name ?? rowKey),
        gatewaySlug: by === "gateway" ? (name ?? null) : null,
        ...totals,
        cacheHitRate: cacheHitRate(totals),
        duration: percentiles(durationSketch),
        spark: sparks.get(rowKey)!,
      };
    }),
  };
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
