import type { CanonicalUsage } from "@/lib/formats/canonical";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";
import { tokenCount } from "@/lib/formats/usage";

/**
 * Cohere reports two counts: `billed_units` (what Cohere charges for) and `tokens` (everything the
 * model read and wrote, its own prompt template and the system preamble it adds included). The log
 * bills `billed_units`, since that is what the customer's Cohere invoice says; `tokens` stands in,
 * field by field, only when billed units are absent. `cached_tokens` has no price of its own in
 * Cohere's list and is not split out. Cohere does not count reasoning tokens apart from the output.
 * Chat answers carry it as `usage`, `message-end` events as `delta.usage`, embed answers as `meta`.
 * Never throws: provider bodies may be anything.
 */
export function usageFromCohere(value: unknown): CanonicalUsage | undefined {
  if (!isJsonObject(value)) return undefined;
  const billed = isJsonObject(value.billed_units) ? value.billed_units : {};
  const tokens = isJsonObject(value.tokens) ? value.tokens : {};
  const input = tokenCount(billed.input_tokens) ?? tokenCount(tokens.input_tokens);
  const output = tokenCount(billed.output_tokens) ?? tokenCount(tokens.output_tokens);
  if (input === undefined && output === undefined) return undefined;
  return { input: input ?? 0, output: output ?? 0, cache_read: 0, cache_write: 0, reasoning: 0 };
}

/** Usage of a v2 chat answer (`usage`) or a v2 embed answer (`meta`). */
export function usageFromCohereBody(body: JsonObject): CanonicalUsage | undefined {
  return usageFromCohere(body.usage) ?? usageFromCohere(body.meta);
}

/** Canonical usage → Cohere's `usage`: the same counts as billed units and as tokens. */
export function cohereUsageOf(usage: Partial<CanonicalUsage>): JsonObject {
  const counts = { input_tokens: usage.input ?? 0, output_tokens: usage.output ?? 0 };
  return { billed_units: counts, tokens: { ...counts } };
}
