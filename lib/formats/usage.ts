import type { CanonicalUsage } from "./canonical";

/**
 * Token counts of one response, whatever its wire format. `input` counts every prompt token:
 * `cached` (read from the provider's cache) and `cacheWrite` (written to it, Anthropic) are parts
 * of it, each priced at its own rate. `reasoning` is part of `output`.
 */
export interface TokenUsage {
  input: number;
  output: number;
  cached: number;
  /** Absent when the format reports none (all but Anthropic's). */
  cacheWrite?: number;
  reasoning?: number;
}

/** A codec's usage as the log and the cost see it. */
export function tokenUsageOf(usage: CanonicalUsage): TokenUsage {
  return {
    input: usage.input,
    output: usage.output,
    cached: usage.cache_read,
    cacheWrite: usage.cache_write,
    reasoning: usage.reasoning,
  };
}

/** A non-negative whole token count, or undefined: usage comes from upstreams and may be anything. */
export function tokenCount(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.trunc(value) : undefined;
}
