import type { CanonicalUsage } from "@/lib/formats/canonical";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";
import { tokenCount } from "@/lib/formats/usage";

/**
 * Converse's camelCase `usage` (TokenUsage) → canonical. Like Anthropic's, Bedrock's `inputTokens`
 * leaves out the tokens read from and written to the prompt cache (`totalTokens` is all four
 * summed), so the canonical input is the three added up. Bedrock does not report reasoning tokens
 * apart: they are in `outputTokens`. Undefined when there is no usage object; never throws.
 */
export function usageFromConverse(usage: unknown): CanonicalUsage | undefined {
  if (!isJsonObject(usage)) return undefined;
  const cacheRead = tokenCount(usage.cacheReadInputTokens) ?? 0;
  const cacheWrite = tokenCount(usage.cacheWriteInputTokens) ?? 0;
  return {
    input: (tokenCount(usage.inputTokens) ?? 0) + cacheRead + cacheWrite,
    output: tokenCount(usage.outputTokens) ?? 0,
    cache_read: cacheRead,
    cache_write: cacheWrite,
    reasoning: 0,
  };
}

/** Usage of a Converse answer (`usage` at the top level, as in a stream's `metadata` event). */
export function usageFromConverseBody(body: JsonObject): CanonicalUsage | undefined {
  return usageFromConverse(body.usage);
}

/** Canonical usage → Converse's TokenUsage, cache counts only when there are some. */
export function converseUsageOf(usage: Partial<CanonicalUsage>): JsonObject {
  const cacheRead = usage.cache_read ?? 0;
  const cacheWrite = usage.cache_write ?? 0;
  const input = Math.max(0, (usage.input ?? 0) - cacheRead - cacheWrite);
  const output = usage.output ?? 0;
  const out: JsonObject = { inputTokens: input, outputTokens: output, totalTokens: input + output + cacheRead + cacheWrite };
  if (cacheRead) out.cacheReadInputTokens = cacheRead;
  if (cacheWrite) out.cacheWriteInputTokens = cacheWrite;
  return out;
}
