import type { CanonicalUsage } from "@/lib/formats/canonical";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";
import { tokenCount } from "@/lib/formats/usage";

/**
 * The Responses API's usage: `input_tokens` (cached ones included, in
 * `input_tokens_details.cached_tokens`, and those written to the cache in `cache_write_tokens`)
 * and `output_tokens` (reasoning included, in `output_tokens_details.reasoning_tokens`). Chat
 * Completions names the same counts `prompt_tokens` and `completion_tokens`.
 */

/** Usage of a Response, or of a lifecycle event that carries one (`response.completed`); never throws. */
export function usageFromResponsesBody(body: JsonObject): CanonicalUsage | undefined {
  const response = isJsonObject(body.response) ? body.response : body;
  return isJsonObject(response.usage) ? decodeUsage(response.usage) : undefined;
}

export function decodeUsage(usage: JsonObject): CanonicalUsage | undefined {
  const input = tokenCount(usage.input_tokens);
  const output = tokenCount(usage.output_tokens);
  if (input === undefined && output === undefined) return undefined;
  const inputDetails = isJsonObject(usage.input_tokens_details) ? usage.input_tokens_details : {};
  const outputDetails = isJsonObject(usage.output_tokens_details) ? usage.output_tokens_details : {};
  return {
    input: input ?? 0,
    output: output ?? 0,
    cache_read: Math.min(tokenCount(inputDetails.cached_tokens) ?? 0, input ?? 0),
    cache_write: Math.min(tokenCount(inputDetails.cache_write_tokens) ?? 0, input ?? 0),
    reasoning: Math.min(tokenCount(outputDetails.reasoning_tokens) ?? 0, output ?? 0),
  };
}

export function encodeUsage(usage: CanonicalUsage): JsonObject {
  return {
    input_tokens: usage.input,
    input_tokens_details: { cached_tokens: usage.cache_read, cache_write_tokens: usage.cache_write },
    output_tokens: usage.output,
    output_tokens_details: { reasoning_tokens: usage.reasoning },
    total_tokens: usage.input + usage.output,
  };
}
