import { cerebras } from "./cerebras";
import { deepseek } from "./deepseek";
import { fireworks } from "./fireworks";
import { grok } from "./grok";
import { groq } from "./groq";
import { mistral } from "./mistral";
import { openai } from "./openai";
import { openrouter } from "./openrouter";
import { perplexityAi } from "./perplexity-ai";
import type { ProviderSpec } from "./types";
import { workersAi } from "./workers-ai";

export type { ProviderSpec } from "./types";

export const providers: ReadonlyMap<string, ProviderSpec> = new Map(
  [openai, groq, mistral, deepseek, grok, cerebras, perplexityAi, openrouter, fireworks, workersAi].map((p) => [p.slug, p]),
);

export const CUSTOM_PROVIDER_PREFIX = "custom-";

export function isCustomProviderSlug(slug: string): boolean {
  return slug.startsWith(CUSTOM_PROVIDER_PREFIX) && slug.length > CUSTOM_PROVIDER_PREFIX.length;
}
