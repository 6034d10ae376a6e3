import type { CanonicalUsage } from "@/lib/formats/canonical";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";
import { tokenCount } from "@/lib/formats/usage";

/**
 * Anthropic's token counts as its wire carries them. Its `input_tokens` leaves out the tokens read
 * from and written to the prompt cache, so the canonical input is the sum of all three.
 */
interface AnthropicCounts {
  input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  output_tokens: number;
  thinking_tokens: number;
}

/** Usage of a non-streamed Messages answer; undefined when the body reports none. Never throws. */
export function usageFromBody(body: JsonObject): CanonicalUsage | undefined {
  if (!isJsonObject(body.usage)) return undefined;
  const totals = new AnthropicUsageTotals();
  return totals.apply(body.usage) ? totals.canonical() : undefined;
}

/**
 * The usage of one streamed answer, as it arrives in pieces: `message_start` carries the input and
 * cache counts, each `message_delta` the cumulative output (and, from newer API versions, the input
 * and cache counts again). Every field is a running total, so a later value replaces an earlier one
 * and a field left out or null keeps what came before; nothing is ever added twice.
 */
export class AnthropicUsageTotals {
  private readonly counts: AnthropicCounts = {
    input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation_input_tokens: 0,
    output_tokens: 0,
    thinking_tokens: 0,
  };

  /** Takes the counts `usage` carries; false when it carries none. */
  apply(usage: JsonObject): boolean {
    let seen = false;
    const take = (field: keyof AnthropicCounts, value: unknown) => {
      const count = tokenCount(value);
      if (count === undefined) return;
      this.counts[field] = count;
      seen = true;
    };
    take("input_tokens", usage.input_tokens);
    take("cache_read_input_tokens", usage.cache_read_input_tokens);
    take("cache_creation_input_tokens", usage.cache_creation_input_tokens);
    take("output_tokens", usage.output_tokens);
    if (isJsonObject(usage.output_tokens_details)) take("thinking_tokens", usage.output_tokens_details.thinking_tokens);
    return seen;
  }

  canonical(): CanonicalUsage {
    const c = this.counts;
    return {
      input: c.input_tokens + c.cache_read_input_tokens + c.cache_creation_input_tokens,
      output: c.output_tokens,
      cache_read: c.cache_read_input_tokens,
      cache_write: c.cache_creation_input_tokens,
      reasoning: Math.min(c.thinking_tokens, c.output_tokens),
    };
  }
}

/** Canonical usage in Anthropic's shape: the cached parts come out of `input_tokens` again. */
export function anthropicUsage(usage: Partial<CanonicalUsage> | undefined): JsonObject {
  const cacheRead = usage?.cache_read ?? 0;
  const cacheWrite = usage?.cache_write ?? 0;
  const wire: JsonObject = {
    input_tokens: Math.max(0, (usage?.input ?? 0) - cacheRead - cacheWrite),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    output_tokens: usage?.output ?? 0,
  };
  if (usage?.reasoning) wire.output_tokens_details = { thinking_tokens: usage.reasoning };
  return wire;
}

