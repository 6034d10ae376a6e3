import { boolean, integer, jsonb, pgEnum, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import type { DlpSettings } from "@/lib/dlp/types";
import type { OtelCollector } from "@/lib/gateways/settings/otel";
import type { GuardrailSettings } from "@/lib/guardrails/types";
import type { RateLimitSetting, SpendLimits } from "@/lib/limits/settings";
import { createdAt, updatedAt } from "./columns";
import { teams } from "./teams";

export const rateLimitingTechniqueEnum = pgEnum("rate_limiting_technique", ["fixed", "sliding"]);
export const logManagementStrategyEnum = pgEnum("log_management_strategy", ["STOP_INSERTING", "DELETE_OLDEST"]);
export const retryBackoffEnum = pgEnum("retry_backoff", ["constant", "linear", "exponential"]);

/** Settings mirror Cloudflare's gateway object (reference §9); defaults are Cloudflare's. */
export const gateways = pgTable(
  "gateways",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
    /** The gateway id of Cloudflare's URLs: 1–64 lowercase letters, digits and hyphens. */
    slug: text("slug").notNull(),
    isDefault: boolean("is_default").notNull().default(false),
    authentication: boolean("authentication").notNull().default(false),
    collectLogs: boolean("collect_logs").notNull().default(true),
    /** Default for `cf-aig-collect-log-payload`; Cloudflare has no gateway field for it, so it is on. */
    collectLogPayloads: boolean("collect_log_payloads").notNull().default(true),
    logManagement: integer("log_management"),
    logManagementStrategy: logManagementStrategyEnum("log_management_strategy"),
    cacheTtl: integer("cache_ttl").notNull().default(0),
    cacheInvalidateOnUpdate: boolean("cache_invalidate_on_update").notNull().default(false),
    /** `cf-aig-metadata` keys whose values join the cache key, so that users (or tenants) never share answers. Not Cloudflare's. */
    cacheKeyMetadata: jsonb("cache_key_metadata").$type<string[]>().notNull().default([]),
    rateLimitingInterval: integer("rate_limiting_interval").notNull().default(0),
    rateLimitingLimit: integer("rate_limiting_limit").notNull().default(0),
    rateLimitingTechnique: rateLimitingTechniqueEnum("rate_limiting_technique").notNull().default("fixed"),
    /** Switchyard's own rate-limit rules (per token, model, provider or metadata value; requests or tokens), besides Cloudflare's gateway-wide one above. */
    rateLimits: jsonb("rate_limits").$type<RateLimitSetting[]>().notNull().default([]),
    /** Cloudflare's `spend_limits`: null until set. */
    spendLimits: jsonb("spend_limits").$type<SpendLimits>(),
    retryMaxAttempts: integer("retry_max_attempts").notNull().default(1),
    retryDelay: integer("retry_delay").notNull().default(0),
    retryBackoff: retryBackoffEnum("retry_backoff").notNull().default("constant"),
    /** Default for `cf-aig-request-timeout`: milliseconds to the provider's first byte; null waits as long as the provider takes. Not Cloudflare's. */
    requestTimeoutMs: integer("request_timeout_ms"),
    /** Cloudflare's "Require provider credentials"; here it means: never use stored keys. */
    byokOnly: boolean("byok_only").notNull().default(false),
    /** Cloudflare's `guardrails` with the evaluator of the team's choosing (lib/guardrails); null: none. */
    guardrails: jsonb("guardrails").$type<GuardrailSettings>(),
    /** Cloudflare's `dlp`, normalized (lib/dlp); null: none. */
    dlp: jsonb("dlp").$type<DlpSettings>(),
    /** Cloudflare's `otel`: OTLP collectors that get a span per request (lib/otel); null: none. */
    otel: jsonb("otel").$type<OtelCollector[]>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("gateways_team_slug_idx").on(t.teamId, t.slug)],
);

export type Gateway = typeof gateways.$inferSelect;
