import type { CanonicalUsage } from "@/lib/formats/canonical";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";

/**
 * Gemini's `usageMetadata` → canonical usage. `promptTokenCount` already includes the cached
 * tokens (`cachedContentTokenCount`) and server-side tool results are prompt too; the output is
 * the candidates plus the thoughts (`thoughtsTokenCount`), which Gemini counts apart. Gemini has
 * no cache writes: explicit caches are created by their own call, implicit ones cost nothing extra.
 * Undefined when the body carries no usage. Never throws: provider bodies may be anything.
 */
export function usageFromMetadata(metadata: unknown): CanonicalUsage | undefined {
  if (!isJsonObject(metadata)) return undefined;
  const prompt = count(metadata.promptTokenCount);
  const toolUse = count(metadata.toolUsePromptTokenCount);
  const candidates = count(metadata.candidatesTokenCount);
  const thoughts = count(metadata.thoughtsTokenCount);
  const input = prompt + toolUse;
  return {
    input,
    output: candidates + thoughts,
    cache_read: Math.min(count(metadata.cachedContentTokenCount), input),
    cache_write: 0,
    reasoning: thoughts,
  };
}

/** Usage of a generateContent answer (or one stream chunk: Gemini's chunks carry running totals). */
export function usageFromGeminiBody(body: JsonObject): CanonicalUsage | undefined {
  return usageFromMetadata(body.usageMetadata);
}

/** Canonical usage → `usageMetadata`, the fields Gemini leaves out when zero left out too. */
export function usageMetadataOf(usage: Partial<CanonicalUsage>): JsonObject {
  const input = usage.input ?? 0;
  const output = usage.output ?? 0;
  const reasoning = Math.min(usage.reasoning ?? 0, output);
  const metadata: JsonObject = { promptTokenCount: input, candidatesTokenCount: output - reasoning, totalTokenCount: input + output };
  if (usage.cache_read) metadata.cachedContentTokenCount = usage.cache_read;
  if (reasoning) metadata.thoughtsTokenCount = reasoning;
  return metadata;
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.trunc(value) : 0;
}
