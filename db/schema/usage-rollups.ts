import { bigint, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The columns both rollup levels share: one row per team, bucket, gateway, provider, model, token
 * and ingress format ("" where a log row has none), summing the bucket's log rows. Dashboards read
 * these, never request_logs. The sketches are lib/analytics/sketch.ts's latency histograms, stored
 * packed (PackedSketch: non-empty buckets only); the log writer's upsert merges them with
 * `sketch_add` (migration 0020's SQL), and readers merge them set-wise (lib/analytics/rollup-query.ts).
 */
function rollupColumns(bucketColumn: "minute" | "hour" | "day") {
  return {
    ...rollupKeyStart(bucketColumn),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    tokenId: text("token_id").notNull().default(""),
    ingressFormat: text("ingress_format").notNull().default(""),
    ...rollupMeasures(),
  };
}

/** The key columns every rollup starts with. */
function rollupKeyStart(bucketColumn: "minute" | "hour" | "day") {
  return {
    teamId: text("team_id").notNull(),
    /** The bucket's start, in UTC. */
    bucket: timestamp(bucketColumn, { withTimezone: true, mode: "date" }).notNull(),
    gatewayId: text("gateway_id").notNull(),
  };
}

/** What every rollup sums for its key (lib/logs/rollups.ts's writer and lib/analytics/rollup-query.ts's readers). */
function rollupMeasures() {
  return {
    requests: integer("requests").notNull().default(0),
    /** Every failed request; the four classes below add up to it. */
    errors: integer("errors").notNull().default(0),
    /** 429s: the gateway's own rate limits and budgets, or the provider's. */
    rateLimited: integer("rate_limited").notNull().default(0),
    /** Other refusals by the gateway itself (a Cloudflare error code is set): bad token, unknown gateway, DLP, … */
    refusals: integer("refusals").notNull().default(0),
    /** Other 4xx answers, passed on from the provider. */
    clientErrors: integer("client_errors").notNull().default(0),
    /** 5xx and every other failure: the provider's or the network's. */
    serverErrors: integer("server_errors").notNull().default(0),
    cachedRequests: integer("cached_requests").notNull().default(0),
    tokensIn: bigint("tokens_in", { mode: "number" }).notNull().default(0),
    tokensOut: bigint("tokens_out", { mode: "number" }).notNull().default(0),
    tokensCached: bigint("tokens_cached", { mode: "number" }).notNull().default(0),
    costMicros: bigint("cost_micros", { mode: "number" }).notNull().default(0),
    durationMsTotal: bigint("duration_ms_total", { mode: "number" }).notNull().default(0),
    /** Time to first byte of the rows that have one. */
    ttfbSketch: bigint("ttfb_sketch", { mode: "number" }).array().notNull().default([]),
    durationSketch: bigint("duration_sketch", { mode: "number" }).array().notNull().default([]),
  };
}

/** Hourly rollups, kept as long as the team's analytics reach back. */
export const usageRollups = pgTable("usage_rollups", rollupColumns("hour"), (t) => [
  primaryKey({ columns: [t.teamId, t.bucket, t.gatewayId, t.provider, t.model, t.tokenId, t.ingressFormat] }),
]);

/** Per-minute rollups for short ranges, pruned after a while (pruneMinuteRollups). */
export const usageRollupsMinute = pgTable("usage_rollups_minute", rollupColumns("minute"), (t) => [
  primaryKey({ columns: [t.teamId, t.bucket, t.gatewayId, t.provider, t.model, t.tokenId, t.ingressFormat] }),
]);

/**
 * Daily rollups: a month's range reads 30 rows per key instead of 720, which keeps day-bucketed
 * ranges fast at millions of requests (bench/RESULTS.md, "Dashboard server time").
 */
export const usageRollupsDay = pgTable("usage_rollups_day", rollupColumns("day"), (t) => [
  primaryKey({ columns: [t.teamId, t.bucket, t.gatewayId, t.provider, t.model, t.tokenId, t.ingressFormat] }),
]);

/**
 * Each gateway's usage alone, hourly and daily: the rollup columns with provider, model, token and
 * format left "". What an analytics series reads: one row a gateway and bucket instead of one per
 * model, token and format (a hundred times fewer at tens of each).
 */
export const gatewayUsageRollups = pgTable("gateway_usage_rollups", rollupColumns("hour"), (t) => [
  primaryKey({ columns: [t.teamId, t.bucket, t.gatewayId, t.provider, t.model, t.tokenId, t.ingressFormat] }),
]);

export const gatewayUsageRollupsDay = pgTable("gateway_usage_rollups_day", rollupColumns("day"), (t) => [
  primaryKey({ columns: [t.teamId, t.bucket, t.gatewayId, t.provider, t.model, t.tokenId, t.ingressFormat] }),
]);

/**
 * Usage per value of the request metadata keys a team chose to break down by
 * (teams.analytics_metadata_keys): one row per team, bucket, gateway, key and value (values cut to
 * METADATA_VALUE_MAX_LENGTH), with the other rollups' measures. Only requests that carry the key
 * count; a breakdown's "no value" row is the gateway rollups minus these. Per minute (pruned with the
 * minute rollups), hour and day, so every range level reads its own.
 */
function metadataRollupColumns(bucketColumn: "minute" | "hour" | "day") {
  return {
    ...rollupKeyStart(bucketColumn),
    metadataKey: text("metadata_key").notNull(),
    metadataValue: text("metadata_value").notNull(),
    ...rollupMeasures(),
  };
}

export const metadataUsageRollupsMinute = pgTable("metadata_usage_rollups_minute", metadataRollupColumns("minute"), (t) => [
  primaryKey({ columns: [t.teamId, t.bucket, t.gatewayId, t.metadataKey, t.metadataValue] }),
]);

export const metadataUsageRollups = pgTable("metadata_usage_rollups", metadataRollupColumns("hour"), (t) => [
  primaryKey({ columns: [t.teamId, t.bucket, t.gatewayId, t.metadataKey, t.metadataValue] }),
]);

export const metadataUsageRollupsDay = pgTable("metadata_usage_rollups_day", metadataRollupColumns("day"), (t) => [
  primaryKey({ columns: [t.teamId, t.bucket, t.gatewayId, t.metadataKey, t.metadataValue] }),
]);

/** How much of a metadata value the rollups keep: enough to tell plans, tenants or features apart. */
export const METADATA_VALUE_MAX_LENGTH = 64;

export type UsageRollup = typeof usageRollups.$inferSelect;
export type MetadataUsageRollup = typeof metadataUsageRollups.$inferSelect;
