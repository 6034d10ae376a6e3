/**
 * The limits and budgets as they are stored (gateway and token columns, the budgets table) and as
 * the dashboard, the CLI and the management API read and write them.
 */

export type WindowTechnique = "fixed" | "sliding";

/** What a rate-limit rule partitions its count by: one counter per value (absent: one for the whole gateway or token). */
export type RateLimitKey = "token" | "model" | "provider" | `metadata.${string}`;

/** One of a gateway's or a token's own rate-limit rules (Switchyard's; Cloudflare has only the gateway-wide limit). */
export interface RateLimitSetting {
  /** 1–64 lowercase letters, digits, `-` and `_`; names the rule in errors and counters. */
  id: string;
  /** Requests, or tokens (input + output), per window. */
  limit: number;
  /** Seconds. */
  window: number;
  technique: WindowTechnique;
  counts: "requests" | "tokens";
  key?: RateLimitKey;
}

/** A dimension of a Cloudflare spend-limit rule: one bucket per value, or only these values count. */
export type SpendLimitDimension = { mode: "partition" } | { mode: "filter"; values: string[] };

/** Cloudflare's `spend_limits` rule (reference §8.3), as its API spells it. */
export interface SpendLimitRule {
  id: string;
  enabled: boolean;
  limitType: "cost";
  /** USD. */
  limit: number;
  /** Seconds. */
  window: number;
  technique: WindowTechnique;
  metadata?: Record<string, SpendLimitDimension>;
  /** Model ids as requests name them (`openai/gpt-4o-mini`). */
  model?: SpendLimitDimension;
  provider?: SpendLimitDimension;
}

/** Cloudflare's gateway field `spend_limits`; at most `MAX_SPEND_LIMIT_RULES` rules. */
export interface SpendLimits {
  enabled: boolean;
  rules: SpendLimitRule[];
}

export const MAX_SPEND_LIMIT_RULES = 20;

/** A budget's period: a UTC calendar day, week (from Monday) or month, or a rolling window of `windowSeconds`. */
export type BudgetPeriod = "daily" | "weekly" | "monthly" | "rolling";
