import type { Budget, Gateway } from "@/db/schema";
import type { TokenRecord } from "@/lib/state/directory";
import type { RateLimitKey, RateLimitSetting, SpendLimitDimension, SpendLimitRule } from "./settings";
import { budgetWindow, describeWindow, windowOf, type WindowSpec } from "./window";

export type Measure = "requests" | "tokens" | "cost";

/** A rate limit is refused with 2003, a budget or spend limit with 2045, credits run out with 2021. */
export type LimitKind = "rate" | "budget" | "credits";

/** What a rule partitions by: one counter per distinct value. */
export type Dimension = "token" | "model" | "provider" | `metadata.${string}`;

/** One limit, whatever stored it, in the form admission counts against. */
export interface LimitRule {
  /** Identity of its counters on every instance (`gw:{id}:rl:{rule}`, `budget:{id}`…). */
  id: string;
  kind: LimitKind;
  /** How refusals and the dashboard name it: `rule 'per-user'`, `budget 'daily'`. */
  label: string;
  measure: Measure;
  /** Requests, tokens, or micro-dollars per window. */
  limit: number;
  window: WindowSpec;
  partition: readonly Dimension[];
  /** Only requests matching every listed dimension count. */
  filter?: { models?: readonly string[]; providers?: readonly string[]; metadata?: Readonly<Record<string, readonly string[]>> };
  /** Percent of the limit at which an alert is recorded once per window. */
  alertPercent?: number;
}

/** What a rule is matched and partitioned against: the request as admission knows it. */
export interface LimitSubject {
  tokenId: string | null;
  provider: string;
  /** As the request named it, without the provider (`gpt-4o-mini`); null when it named none. */
  model: string | null;
  metadata: Readonly<Record<string, string | number | boolean>> | undefined;
}

/** Cloudflare's gateway-wide limit (`rate_limiting_*`), when on. */
export function gatewayRateRule(gateway: Gateway): LimitRule | undefined {
  if (gateway.rateLimitingLimit <= 0 || gateway.rateLimitingInterval <= 0) return undefined;
  return {
    id: `gw:${gateway.id}:rate`,
    kind: "rate",
    label: "the gateway's rate limit",
    measure: "requests",
    limit: gateway.rateLimitingLimit,
    window: windowOf(gateway.rateLimitingTechnique, gateway.rateLimitingInterval),
    partition: [],
  };
}

function rateLimitRule(owner: string, setting: RateLimitSetting, label: string): LimitRule {
  return {
    id: `${owner}:rl:${setting.id}`,
    kind: "rate",
    label,
    measure: setting.counts,
    limit: setting.limit,
    window: windowOf(setting.technique, setting.window),
    partition: setting.key === undefined ? [] : [setting.key satisfies RateLimitKey],
  };
}

export function gatewayRateLimitRules(gateway: Gateway): LimitRule[] {
  return gateway.rateLimits.map((s) => rateLimitRule(`gw:${gateway.id}`, s, `rate limit '${s.id}'`));
}

/** A token's own limits count that token alone, whatever partition they add. */
export function tokenRateLimitRules(token: Pick<TokenRecord, "id" | "rateLimits">): LimitRule[] {
  return token.rateLimits.map((s) => rateLimitRule(`tok:${token.id}`, s, `the token's rate limit '${s.id}'`));
}

function dimensionPartition(name: Dimension, dimension: SpendLimitDimension | undefined): Dimension[] {
  return dimension?.mode === "partition" ? [name] : [];
}

function dimensionFilter(dimension: SpendLimitDimension | undefined): readonly string[] | undefined {
  return dimension?.mode === "filter" ? dimension.values : undefined;
}

/** Cloudflare's `spend_limits`: its enabled rules, when the setting is. */
export function spendLimitRules(gateway: Gateway): LimitRule[] {
  const spendLimits = gateway.spendLimits;
  if (!spendLimits?.enabled) return [];
  return spendLimits.rules.filter((r) => r.enabled).map((rule) => spendLimitRule(gateway.id, rule));
}

function spendLimitRule(gatewayId: string, rule: SpendLimitRule): LimitRule {
  const metadata = Object.entries(rule.metadata ?? {});
  const metadataFilter = Object.fromEntries(metadata.flatMap(([key, d]) => (d.mode === "filter" ? [[key, d.values]] : [])));
  return {
    id: `gw:${gatewayId}:spend:${rule.id}`,
    kind: "budget",
    label: `rule '${rule.id}'`,
    measure: "cost",
    limit: Math.round(rule.limit * 1e6),
    window: windowOf(rule.technique, rule.window),
    partition: [
      ...metadata.flatMap(([key, d]) => dimensionPartition(`metadata.${key}`, d)),
      ...dimensionPartition("model", rule.model),
      ...dimensionPartition("provider", rule.provider),
    ],
    filter: {
      models: dimensionFilter(rule.model),
      providers: dimensionFilter(rule.provider),
      metadata: Object.keys(metadataFilter).length > 0 ? metadataFilter : undefined,
    },
  };
}

/** A team's, gateway's or token's budget. */
export function budgetRule(budget: Pick<Budget, "id" | "name" | "limitMicros" | "period" | "windowSeconds" | "alertPercent">): LimitRule {
  return {
    id: `budget:${budget.id}`,
    kind: "budget",
    label: `budget '${budget.name}'`,
    measure: "cost",
    limit: budget.limitMicros,
    window: budgetWindow(budget.period, budget.windowSeconds),
    partition: [],
    alertPercent: budget.alertPercent ?? undefined,
  };
}

/** The team's credits for operator keys: everything granted, never reset. */
export function creditsRule(teamId: string, grantedMicros: number): LimitRule {
  return { id: `credits:${teamId}`, kind: "credits", label: "the team's credits", measure: "cost", limit: grantedMicros, window: { kind: "lifetime" }, partition: [] };
}

function dimensionValue(dimension: Dimension, subject: LimitSubject): string | undefined {
  if (dimension === "token") return subject.tokenId ?? undefined;
  if (dimension === "provider") return subject.provider;
  if (dimension === "model") return subject.model === null ? undefined : `${subject.provider}/${subject.model}`;
  const value = subject.metadata?.[dimension.slice("metadata.".length)];
  return value === undefined ? undefined : String(value);
}

/**
 * The counter of `rule` this request counts against, or undefined when the rule does not apply:
 * a filter it does not match, or a partition it has no value for (a per-user rule and a request
 * without `user_id`), as Cloudflare's spend limits skip such requests.
 */
export function counterKey(rule: LimitRule, subject: LimitSubject): string | undefined {
  const { filter } = rule;
  if (filter?.providers && !filter.providers.includes(subject.provider)) return undefined;
  if (filter?.models) {
    const named = subject.model === null ? undefined : `${subject.provider}/${subject.model}`;
    if (named === undefined || !(filter.models.includes(named) || filter.models.includes(subject.model!))) return undefined;
  }
  for (const [key, values] of Object.entries(filter?.metadata ?? {})) {
    const value = subject.metadata?.[key];
    if (value === undefined || !values.includes(String(value))) return undefined;
  }
  const parts: string[] = [rule.id];
  for (const dimension of rule.partition) {
    const value = dimensionValue(dimension, subject);
    if (value === undefined) return undefined;
    parts.push(`${dimension}=${encodeURIComponent(value)}`);
  }
  return parts.join("|");
}

/** `rule 'per-user' (cost limit 0.002 per 3600s, fixed)`: Cloudflare's wording, for 2045's message. */
export function describeRule(rule: LimitRule): string {
  const limit = rule.measure === "cost" ? `cost limit ${rule.limit / 1e6}` : `${rule.measure} limit ${rule.limit}`;
  return `${rule.label} (${limit} ${describeWindow(rule.window)})`;
}
