import { getTableName, lt, sql, type SQL } from "drizzle-orm";
import type { Database } from "@/db/client";
import { getTableConfig } from "drizzle-orm/pg-core";
import {
  gatewayUsageRollups,
  gatewayUsageRollupsDay,
  METADATA_VALUE_MAX_LENGTH,
  metadataUsageRollups,
  metadataUsageRollupsDay,
  metadataUsageRollupsMinute,
  usageRollups,
  usageRollupsDay,
  usageRollupsMinute,
  type MetadataUsageRollup,
  type NewRequestLog,
  type UsageRollup,
} from "@/db/schema";
import { addToSketch, packSketch, type Sketch } from "@/lib/analytics/sketch";

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** How long minute rollups are kept: the analytics read them for ranges up to 6 hours. */
export const MINUTE_ROLLUP_RETENTION_MS = 48 * HOUR_MS;

export type RollupTable = typeof usageRollups | typeof usageRollupsMinute | typeof usageRollupsDay | typeof gatewayUsageRollups | typeof gatewayUsageRollupsDay;
export type MetadataRollupTable = typeof metadataUsageRollupsMinute | typeof metadataUsageRollups | typeof metadataUsageRollupsDay;

export interface RollupLevel {
  table: RollupTable;
  bucketMs: number;
  /** Keyed by gateway alone: provider, model, token and format roll up under "". */
  gatewayOnly?: true;
}

/**
 * The rollups the writer keeps. Minute ranges are short enough to read the full rollups for their
 * series, so gateway-only rollups start at the hour.
 */
export const ROLLUP_LEVELS: RollupLevel[] = [
  { table: usageRollupsMinute, bucketMs: MINUTE_MS },
  { table: usageRollups, bucketMs: HOUR_MS },
  { table: usageRollupsDay, bucketMs: DAY_MS },
  { table: gatewayUsageRollups, bucketMs: HOUR_MS, gatewayOnly: true },
  { table: gatewayUsageRollupsDay, bucketMs: DAY_MS, gatewayOnly: true },
];

/** A level's rows for a batch of logs; the bench's generator seeds its rollups with it too. */
export function levelRollupRows(level: RollupLevel, logs: NewRequestLog[]): UsageRollup[] {
  return rollupRows(
    logs.map((log) => ({
      log,
      key: level.gatewayOnly
        ? { provider: "", model: "", tokenId: "", ingressFormat: "" }
        : { provider: log.provider ?? "", model: log.model ?? "", tokenId: log.tokenId ?? "", ingressFormat: log.ingressFormat ?? "" },
    })),
    level.bucketMs,
  );
}

/** The metadata rollups the writer keeps, one per range level (lib/analytics/range.ts). */
export const METADATA_ROLLUP_LEVELS: { table: MetadataRollupTable; bucketMs: number }[] = [
  { table: metadataUsageRollupsMinute, bucketMs: MINUTE_MS },
  { table: metadataUsageRollups, bucketMs: HOUR_MS },
  { table: metadataUsageRollupsDay, bucketMs: DAY_MS },
];

/**
 * A metadata level's rows for a batch of logs: a log counts once under each of its team's chosen
 * keys (`keysByTeam`) it carries, under the value as text, cut to METADATA_VALUE_MAX_LENGTH.
 * Logs without one of the keys count nowhere here (a breakdown's "no value" row is the rest).
 */
export function metadataRollupRows(bucketMs: number, logs: NewRequestLog[], keysByTeam: Map<string, string[]>): MetadataUsageRollup[] {
  return rollupRows(
    logs.flatMap((log) => {
      const metadata = log.metadata;
      if (!metadata) return [];
      return (keysByTeam.get(log.teamId) ?? []).flatMap((metadataKey) => {
        const value = metadata[metadataKey];
        if (value === undefined || value === null) return [];
        return [{ log, key: { metadataKey, metadataValue: metadataValueOf(value) } }];
      });
    }),
    bucketMs,
  );
}

/** A metadata value as the rollups key it: its text, cut to METADATA_VALUE_MAX_LENGTH characters (not mid-surrogate). */
function metadataValueOf(value: string | number | boolean): string {
  return Array.from(String(value)).slice(0, METADATA_VALUE_MAX_LENGTH).join("");
}

/** Which error class a failed request counts in (each failure in exactly one). */
function errorClass(log: NewRequestLog): "rateLimited" | "refusals" | "clientErrors" | "serverErrors" {
  if (log.statusCode === 429) return "rateLimited";
  if (log.errorCode != null) return "refusals";
  if (log.statusCode >= 400 && log.statusCode < 500) return "clientErrors";
  return "serverErrors";
}

type Measures = Omit<UsageRollup, "teamId" | "bucket" | "gatewayId" | "provider" | "model" | "tokenId" | "ingressFormat">;

/**
 * Sums log rows per rollup key (team, bucket, gateway and the level's own key columns, `key`, in
 * the order of its table's primary key; a missing gateway rolls up under ""), in one order for every
 * writer so concurrent upserts of the same rows cannot deadlock.
 */
function rollupRows<K extends Record<string, string>>(entries: { log: NewRequestLog; key: K }[], bucketMs: number): ({ teamId: string; bucket: Date; gatewayId: string } & K & Measures)[] {
  type Row = { teamId: string; bucket: Date; gatewayId: string } & K & Measures;
  const byKey = new Map<string, { rollup: Row; ttfb: Sketch; duration: Sketch }>();
  for (const { log, key: own } of entries) {
    const bucket = new Date(Math.floor(log.createdAt.getTime() / bucketMs) * bucketMs);
    const gatewayId = log.gatewayId ?? "";
    const key = [log.teamId, bucket.getTime(), gatewayId, ...Object.values(own)].join("\u0000");
    let entry = byKey.get(key);
    if (!entry) {
      const rollup = {
        teamId: log.teamId,
        bucket,
        gatewayId,
        ...own,
        requests: 0,
        errors: 0,
        rateLimited: 0,
        refusals: 0,
        clientErrors: 0,
        serverErrors: 0,
        cachedRequests: 0,
        tokensIn: 0,
        tokensOut: 0,
        tokensCached: 0,
        costMicros: 0,
        durationMsTotal: 0,
        ttfbSketch: [],
        durationSketch: [],
      } as Row;
      entry = { rollup, ttfb: [], duration: [] };
      byKey.set(key, entry);
    }
    const { rollup } = entry;
    rollup.requests += 1;
    if (!log.success) {
      rollup.errors += 1;
      rollup[errorClass(log)] += 1;
    }
    if (log.cached) rollup.cachedRequests += 1;
    rollup.tokensIn += log.tokensIn ?? 0;
    rollup.tokensOut += log.tokensOut ?? 0;
    rollup.tokensCached += log.tokensCached ?? 0;
    rollup.costMicros += log.costMicros ?? 0;
    rollup.durationMsTotal += log.durationMs;
    addToSketch(entry.duration, log.durationMs);
    if (log.ttfbMs != null) addToSketch(entry.ttfb, log.ttfbMs);
  }
  return [...byKey.keys()].sort().map((key) => {
    const { rollup, ttfb, duration } = byKey.get(key)!;
    return { ...rollup, ttfbSketch: packSketch(ttfb), durationSketch: packSketch(duration) };
  });
}

const SUMMED = ["requests", "errors", "rate_limited", "refusals", "client_errors", "server_errors", "cached_requests", "tokens_in", "tokens_out", "tokens_cached", "cost_micros", "duration_ms_total"];
const SKETCHES = ["ttfb_sketch", "duration_sketch"];

/**
 * The upsert of one level's rows (`rows` is the level's rows as a select, the writer's JSON
 * expansion): counts add up, sketches merge.
 */
export function upsertRollups(table: RollupTable | MetadataRollupTable, rows: SQL): SQL {
  const name = sql.identifier(getTableName(table));
  const assignments = [
    ...SUMMED.map((column) => sql`${sql.identifier(column)} = ${name}.${sql.identifier(column)} + excluded.${sql.identifier(column)}`),
    ...SKETCHES.map((column) => sql`${sql.identifier(column)} = sketch_add(${name}.${sql.identifier(column)}, excluded.${sql.identifier(column)})`),
  ];
  const keys = getTableConfig(table).primaryKeys[0]!.columns.map((column) => sql.identifier(column.name));
  return sql`insert into ${table} ${rows} on conflict (${sql.join(keys, sql`, `)}) do update set ${sql.join(assignments, sql`, `)}`;
}

/** Deletes minute rollups (metadata ones too) of buckets before `before`; whoever runs retention calls it (hourly rollups stay). */
export async function pruneMinuteRollups(db: Database, before: Date): Promise<void> {
  await db.delete(usageRollupsMinute).where(lt(usageRollupsMinute.bucket, before));
  await db.delete(metadataUsageRollupsMinute).where(lt(metadataUsageRollupsMinute.bucket, before));
}
