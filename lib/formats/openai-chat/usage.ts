import { isJsonObject } from "@/lib/formats/json";
import { tokenCount, type TokenUsage } from "@/lib/formats/usage";

/**
 * Token usage of a Chat Completions response, stream chunk or Embeddings response; undefined when
 * the body reports none. Never throws: bodies come from upstreams and may be anything.
 */
export function usageFromOpenAiBody(body: unknown): TokenUsage | undefined {
  if (!isJsonObject(body) || !isJsonObject(body.usage)) return undefined;
  const usage = body.usage;
  const prompt = tokenCount(usage.prompt_tokens);
  const completion = tokenCount(usage.completion_tokens);
  // Embeddings responses may carry only total_tokens, all of it input.
  const input = prompt ?? (completion === undefined ? tokenCount(usage.total_tokens) : undefined);
  if (input === undefined && completion === undefined) return undefined;
  const details = isJsonObject(usage.prompt_tokens_details) ? usage.prompt_tokens_details : undefined;
  // DeepSeek reports cache hits in its own field.
  const cached = tokenCount(details?.cached_tokens) ?? tokenCount(usage.prompt_cache_hit_tokens) ?? 0;
  return { input: input ?? 0, output: completion ?? 0, cached: Math.min(cached, input ?? 0) };
}

