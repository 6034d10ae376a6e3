import { getTableName, lt, sql, type SQL } from "drizzle-orm";
import type { Database } from "@/db/client";
import { usageRollups, usageRollupsMinute, type NewRequestLog, type UsageRollup } from "@/db/schema";
import { addToSketch } from "@/lib/analytics/sketch";

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
/** How long minute rollups are kept: the analytics read them for ranges up to 6 hours. */
export const MINUTE_ROLLUP_RETENTION_MS = 48 * HOUR_MS;

export type RollupTable = typeof usageRollups | typeof usageRollupsMinute;

/** The rollup levels the writer keeps, each with its bucket size. */
export const ROLLUP_LEVELS: { table: RollupTable; bucketMs: number }[] = [
  { table: usageRollupsMinute, bucketMs: MINUTE_MS },
  { table: usageRollups, bucketMs: HOUR_MS },
];

/** Which error class a failed request counts in (each failure in exactly one). */
function errorClass(log: NewRequestLog): "rateLimited" | "refusals" | "clientErrors" | "serverErrors" {
  if (log.statusCode === 429) return "rateLimited";
  if (log.errorCode != null) return "refusals";
  if (log.statusCode >= 400 && log.statusCode < 500) return "clientErrors";
  return "serverErrors";
}

/**
 * Sums log rows per rollup key (team, bucket, gateway, provider, model, token, ingress format; a
 * missing one rolls up under ""), in one order for every writer so concurrent upserts of the same
 * rows cannot deadlock. Exported for the bench's generator, which seeds rollups of the rows it writes.
 */
export function rollupRows(logs: NewRequestLog[], bucketMs: number): UsageRollup[] {
  const byKey = new Map<string, UsageRollup>();
  for (const log of logs) {
    const bucket = new Date(Math.floor(log.createdAt.getTime() / bucketMs) * bucketMs);
    const fields = {
      teamId: log.teamId,
      gatewayId: log.gatewayId ?? "",
      provider: log.provider ?? "",
      model: log.model ?? "",
      tokenId: log.tokenId ?? "",
      ingressFormat: log.ingressFormat ?? "",
    };
    const key = [fields.teamId, bucket.getTime(), fields.gatewayId, fields.provider, fields.model, fields.tokenId, fields.ingressFormat].join("\u0000");
    let rollup = byKey.get(key);
    if (!rollup) {
      rollup = {
        ...fields,
        bucket,
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
      };
      byKey.set(key, rollup);
    }
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
    addToSketch(rollup.durationSketch, log.durationMs);
    if (log.ttfbMs != null) addToSketch(rollup.ttfbSketch, log.ttfbMs);
  }
  return [...byKey.keys()].sort().map((key) => byKey.get(key)!);
}

const SUMMED = ["requests", "errors", "rate_limited", "refusals", "client_errors", "server_errors", "cached_requests", "tokens_in", "tokens_out", "tokens_cached", "cost_micros", "duration_ms_total"];
const SKETCHES = ["ttfb_sketch", "duration_sketch"];

/**
 * The upsert of one level's rows (`rows` is the level's rows as a select, the writer's JSON
 * expansion): counts add up, sketches merge.
 */
export function upsertRollups(table: RollupTable, rows: SQL): SQL {
  const name = sql.identifier(getTableName(table));
  const assignments = [
    ...SUMMED.map((column) => sql`${sql.identifier(column)} = ${name}.${sql.identifier(column)} + excluded.${sql.identifier(column)}`),
    ...SKETCHES.map((column) => sql`${sql.identifier(column)} = sketch_add(${name}.${sql.identifier(column)}, excluded.${sql.identifier(column)})`),
  ];
  const keys = [table.teamId, table.bucket, table.gatewayId, table.provider, table.model, table.tokenId, table.ingressFormat].map((column) => sql.identifier(column.name));
  return sql`insert into ${table} ${rows} on conflict (${sql.join(keys, sql`, `)}) do update set ${sql.join(assignments, sql`, `)}`;
}

/** Deletes minute rollups of buckets before `before`; whoever runs retention calls it (hourly rollups stay). */
export async function pruneMinuteRollups(db: Database, before: Date): Promise<void> {
  await db.delete(usageRollupsMinute).where(lt(usageRollupsMinute.bucket, before));
}
