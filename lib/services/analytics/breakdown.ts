import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { apiTokens, gateways, gatewayTokens, type usageRollups } from "@/db/schema";
import { bucketStarts } from "@/lib/analytics/range";
import {
  addTotals,
  bucketOf,
  cacheHitRate,
  EMPTY_TOTALS,
  inRange,
  latencyOf,
  mergedSketches,
  rollupTable,
  sums,
  type Latency,
  type UsageTotals,
} from "@/lib/analytics/rollup-query";
import type { ServiceContext } from "../context";
import { requireRole } from "../roles";
import type { AnalyticsScope } from "./series";

export const BREAKDOWN_DIMENSIONS = ["gateway", "provider", "model", "token", "ingressFormat"] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

/** The most rows a breakdown lists, busiest first. */
const BREAKDOWN_LIMIT = 50;

export interface BreakdownRow extends UsageTotals, Latency {
  /** The rollup key's value(s) joined with "/"; "" for rows without one (e.g. refused before a gateway was known). */
  key: string;
  /** What the dashboard shows: a gateway's slug, a token's name, provider/model. */
  label: string;
  /** A gateway's slug for a link to it; null otherwise and for a gateway deleted since. */
  gatewaySlug: string | null;
  cacheHitRate: number | null;
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
  const table = rollupTable(range);
  const columns = keyColumns(table, by);
  const parts = sql.join(columns, sql`, `);
  // "" when every part is: a refusal before the provider (or gateway, token) was known.
  const key = sql<string>`case when concat(${parts}) = '' then '' else concat_ws('/', ${parts}) end`;
  const where = inRange(table, range, teamId, gatewayId);
  const totals = sums(table);
  const rows = await ctx.db
    .select({ key, ...totals, ...mergedSketches(table) })
    .from(table)
    .where(where)
    .groupBy(...columns)
    .orderBy(desc(totals.requests), key)
    .limit(BREAKDOWN_LIMIT);
  if (rows.length === 0) return { by, rows: [] };

  const at = bucketOf(table, range);
  const keys = rows.map((row) => row.key);
  const [sparkRows, names] = await Promise.all([
    ctx.db
      .select({ key, at, requests: totals.requests })
      .from(table)
      .where(and(where, inArray(key, keys)))
      .groupBy(...columns, at),
    namesOf(ctx, teamId, by, keys),
  ]);
  const starts = bucketStarts(range).map((start) => start.getTime());
  const index = new Map(starts.map((start, i) => [start, i]));
  const sparks = new Map(keys.map((k) => [k, starts.map(() => 0)]));
  for (const row of sparkRows) sparks.get(row.key)![index.get(row.at.getTime())!] = row.requests;

  return {
    by,
    rows: rows.map((row) => {
      const rowTotals = addTotals(EMPTY_TOTALS, row);
      const name = names.get(row.key);
      return {
        key: row.key,
        label: row.key === "" ? NONE_LABEL[by] : (name ?? row.key),
        gatewaySlug: by === "gateway" ? (name ?? null) : null,
        ...rowTotals,
        cacheHitRate: cacheHitRate(rowTotals),
        ...latencyOf(row),
        spark: sparks.get(row.key)!,
      };
    }),
  };
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
