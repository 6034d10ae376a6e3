import { anthropic } from "./anthropic";
import { awsBedrock } from "./aws-bedrock";
import { cerebras } from "./cerebras";
import { cohere } from "./cohere";
import { deepseek } from "./deepseek";
import { fireworks } from "./fireworks";
import { googleAiStudio } from "./google-ai-studio";
import { googleVertexAi } from "./google-vertex-ai";
import { grok } from "./grok";
import { groq } from "./groq";
import { mistral } from "./mistral";
import { openai } from "./openai";
import { openrouter } from "./openrouter";
import { perplexityAi } from "./perplexity-ai";
import type { ProviderSpec } from "./types";
import { workersAi } from "./workers-ai";

export type { ApplyCredential, OutgoingCall, ProviderSpec, WireFormat } from "./types";

/** The one registry: passthrough, compat, REST, pricing and the dashboard all read it. */
export const providers: ReadonlyMap<string, ProviderSpec> = new Map(
  [openai, anthropic, googleAiStudio, groq, mistral, deepseek, grok, cerebras, perplexityAi, openrouter, fireworks, workersAi, cohere, awsBedrock, googleVertexAi].map(
    (p) => [p.slug, p],
  ),
);

export const CUSTOM_PROVIDER_PREFIX = "custom-";

export function isCustomProviderSlug(slug: string): boolean {
  return slug.startsWith(CUSTOM_PROVIDER_PREFIX) && slug.length > CUSTOM_PROVIDER_PREFIX.length;
}

/** REST author names (`google`, `xai`) → the provider slug they stand for. */
const slugsByAuthor: ReadonlyMap<string, string> = new Map(
  [...providers.values()].flatMap((p) => (p.modelAuthors ?? []).map((author) => [author, p.slug] as const)),
);

/**
 * The provider slug a model name's prefix names: a slug (`google-ai-studio/gemini-2.5-flash`) or
 * an author name Cloudflare's REST docs use (`google/gemini-2.5-flash`, `xai/grok-4`). Unknown
 * prefixes come back unchanged, for the caller to look up (custom providers) or refuse.
 */
export function providerSlugOf(prefix: string): string {
  return slugsByAuthor.get(prefix) ?? prefix;
}
