import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import type { DlpOutcome } from "@/lib/dlp/types";
import type { GuardrailOutcome } from "@/lib/guardrails/types";
import type { RouteTrace } from "@/lib/routes/types";

/**
 * Append-only; one row per request, refusals included. No foreign keys: rows are written in
 * batches after the response, and a batch must not fail because a gateway was deleted meanwhile.
 */
export const requestLogs = pgTable(
  "request_logs",
  {
    /** UUIDv7, returned to the client as `cf-aig-log-id`; unique, though the key is (id, created_at). */
    id: text("id").notNull(),
    /**
     * `cf-aig-request-id`: shared by every row of one client request (each retry, each Universal
     * step); the first attempt's row has id = request id. Null for rows from before it was recorded.
     */
    requestId: text("request_id"),
    teamId: text("team_id").notNull(),
    gatewayId: text("gateway_id"),
    tokenId: text("token_id"),
    /** The stored provider key used, if any; null when the client sent its own key. */
    providerKeyId: text("provider_key_id"),
    eventId: text("event_id").notNull(),
    /** Whose key called the provider: `team` (a stored key), `operator` (charged to credits) or `request` (the client's own); null when none did. */
    keySource: text("key_source"),
    provider: text("provider"),
    model: text("model"),
    /** The wire format the client spoke (`openai-chat`, `anthropic-messages`, …); null for rows from before it was recorded and for refusals before the surface was known. */
    ingressFormat: text("ingress_format"),
    path: text("path").notNull(),
    method: text("method").notNull(),
    statusCode: integer("status_code").notNull(),
    success: boolean("success").notNull(),
    /** Cloudflare's internal code when the gateway itself refused the request. */
    errorCode: integer("error_code"),
    errorMessage: text("error_message"),
    stream: boolean("stream").notNull().default(false),
    tokensIn: integer("tokens_in").notNull().default(0),
    tokensOut: integer("tokens_out").notNull().default(0),
    tokensCached: integer("tokens_cached").notNull().default(0),
    costMicros: bigint("cost_micros", { mode: "number" }).notNull().default(0),
    customCost: boolean("custom_cost").notNull().default(false),
    durationMs: integer("duration_ms").notNull(),
    ttfbMs: integer("ttfb_ms"),
    /** The client's request body in bytes as the gateway read it (0 without one, or refused before it was read); null for rows from before sizes were recorded. */
    requestBytes: integer("request_bytes"),
    /** The response body the client got, in bytes; null when none was sent or for rows from before sizes were recorded. */
    responseBytes: integer("response_bytes"),
    /** The Universal endpoint's step (0-based) this row's attempt belongs to; 0 for every other request. */
    step: integer("step").notNull().default(0),
    /** 1 for the first call of a step, 2… for its retries. */
    attempt: integer("attempt").notNull().default(1),
    cached: boolean("cached").notNull().default(false),
    metadata: jsonb("metadata").$type<Record<string, string | number | boolean>>(),
    userAgent: text("user_agent"),
    /** The dynamic route the request went through, its version and the path it took; null for other requests. */
    route: jsonb("route").$type<RouteTrace>(),
    /** Each guardrail evaluation of the request's prompt and response; null when no guardrail applied. */
    guardrails: jsonb("guardrails").$type<GuardrailOutcome[]>(),
    /** DLP findings and the action taken (never the matched text); null when nothing matched. */
    dlp: jsonb("dlp").$type<DlpOutcome>(),
    /** The request this call was made for: a guardrail evaluation's row names the request it judged. */
    parentRequestId: text("parent_request_id"),
    /** Cloudflare's log feedback: -1 (thumbs down), 0 (none) or 1 (thumbs up). */
    feedback: integer("feedback").notNull().default(0),
    /** Cloudflare's log score, 0–100; null until set. */
    score: integer("score"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    // On a Postgres server the table is partitioned by day of created_at (lib/logs/partitions.ts),
    // and a partitioned table's unique keys must hold its partition key.
    primaryKey({ columns: [t.id, t.createdAt] }),
    // Serves the per-gateway log list, newest first.
    index("request_logs_gateway_time_idx").on(t.teamId, t.gatewayId, t.createdAt),
    // The log detail's other attempts of the same request.
    index("request_logs_request_idx").on(t.teamId, t.requestId),
    // The team-wide log list (refusals included), its count, export and live tail, newest first.
    index("request_logs_team_time_idx").on(t.teamId, t.createdAt),
    // Failed requests only (about one row in twenty, so small and cheap to write): the count of a
    // status or error filter reads its matches here instead of the team's or gateway's every row.
    // The planner takes a partial index only when the filters imply its condition, hence both
    // arms: `status_code = 429` (or `> 499`) implies the second, the errors filter (`success = false`) the first.
    index("request_logs_failed_idx")
      .on(t.teamId, t.gatewayId, t.statusCode, t.createdAt)
      .where(sql`not ${t.success} or ${t.statusCode} >= 400`),
    // Metadata filters and the `key=value` search: jsonb containment (@>).
    index("request_logs_metadata_idx").using("gin", sql`${t.metadata} jsonb_path_ops`),
  ],
);

export type RequestLog = typeof requestLogs.$inferSelect;
export type NewRequestLog = typeof requestLogs.$inferInsert;
