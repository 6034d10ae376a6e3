import type { LimitRule } from "./rules";
import type { CounterState } from "./store";

/**
 * What a limit's answer tells the client: `X-RateLimit-*`, `Retry-After`, `cf-aig-budget-remaining`,
 * and the partition a refusal names. Shared by admission's rules and a dynamic route's `rate` elements.
 */

/** ` for metadata.user_id=alice`: the partition's bucket, from the counter's key (rules.ts `counterKey`). */
export function partitionOf(counter: string): string {
  const parts = counter.split("|").slice(1).map(decodeURIComponent);
  return parts.length === 0 ? "" : ` for ${parts.join(", ")}`;
}

/** Rate limits in requests or tokens; a cost in USD, as `cf-aig-budget-remaining` and Cloudflare's limits give it. */
export function quantity(rule: LimitRule, value: number): string {
  return rule.measure === "cost" ? String(value / 1e6) : String(value);
}

function secondsUntil(epochMs: number, now: number): string {
  return String(Math.max(0, Math.ceil((epochMs - now) / 1000)));
}

function rateHeaders(rule: LimitRule, state: CounterState, now: number): Record<string, string> {
  const headers: Record<string, string> = {
    "x-ratelimit-limit": quantity(rule, state.limit),
    "x-ratelimit-remaining": quantity(rule, state.remaining),
  };
  if (Number.isFinite(state.resetAt)) headers["x-ratelimit-reset"] = secondsUntil(state.resetAt, now);
  return headers;
}

/**
 * A refusal's: `Retry-After` when time alone frees room, and the refused limit's `X-RateLimit-*`
 * on a 429 (a budget's in USD, with its `cf-aig-budget-remaining`). Credits wait for a top-up.
 */
export function refusalHeaders(rule: LimitRule, state: CounterState, now: number): Record<string, string> {
  if (rule.kind === "credits") return {};
  const headers = rateHeaders(rule, state, now);
  if (state.retryAfterMs !== undefined) headers["retry-after"] = String(Math.ceil(state.retryAfterMs / 1000));
  if (rule.kind === "budget") headers["cf-aig-budget-remaining"] = quantity(rule, state.remaining);
  return headers;
}

/**
 * An admitted request's: `X-RateLimit-*` of the rate rule closest to refusing (the least share of
 * its limit left), and `cf-aig-budget-remaining` of the budget with the least left, this
 * request's worst case reserved.
 */
export function admittedHeaders(applied: readonly { rule: LimitRule }[], states: readonly CounterState[], now: number): Record<string, string> {
  let rate: number | undefined;
  let budget: number | undefined;
  applied.forEach(({ rule }, i) => {
    const state = states[i]!;
    if (rule.kind === "rate" && (rate === undefined || share(state) < share(states[rate]!))) rate = i;
    if (rule.kind === "budget" && (budget === undefined || state.remaining < states[budget]!.remaining)) budget = i;
  });
  const headers: Record<string, string> = rate === undefined ? {} : rateHeaders(applied[rate]!.rule, states[rate]!, now);
  if (budget !== undefined) headers["cf-aig-budget-remaining"] = quantity(applied[budget]!.rule, states[budget]!.remaining);
  return headers;
}

function share(state: CounterState): number {
  return state.limit > 0 ? state.remaining / state.limit : 0;
}
