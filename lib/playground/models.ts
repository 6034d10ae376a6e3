import { isCustomProviderSlug, providers } from "@/lib/providers";
import { catalogModels } from "@/lib/pricing/cost";

/**
 * Vertex names a model by its publisher too (`google-vertex-ai/google/gemini-2.5-flash`,
 * `…/anthropic/claude-sonnet-4-5`); a catalog id without one gets the publisher its family has.
 * Other providers' ids are compat's as they are: `@cf/meta/…`, `anthropic.claude-…-v1:0`.
 */
export function compatModelId(provider: string, id: string): string {
  if (provider !== "google-vertex-ai" || id.includes("/")) return id;
  return `${id.startsWith("claude") ? "anthropic" : "google"}/${id}`;
}

/**
 * Whether the playground, which speaks OpenAI's Chat format through compat, can chat with a
 * provider: a custom provider, or one of the catalog that is not passthrough-only (ElevenLabs,
 * Deepgram, …: compat refuses those).
 */
export function chatsThroughCompat(provider: string): boolean {
  if (isCustomProviderSlug(provider)) return true;
  const spec = providers.get(provider);
  return spec !== undefined && !spec.passthroughOnly;
}

/**
 * The `{provider}/{model}` ids the playground offers for a provider: its catalog's chat models
 * (embedding models cannot answer a chat), named as compat reads them: `workers-ai/@cf/meta/…`,
 * `aws-bedrock/anthropic.claude-…-v1:0`, `google-vertex-ai/google/gemini-…`. None for a
 * provider the catalog does not list (custom providers, Azure deployments): the model id is typed.
 */
export function playgroundModels(provider: string): string[] {
  return catalogModels(provider)
    .filter((model) => !model.embedding)
    .map((model) => `${provider}/${compatModelId(provider, model.id)}`);
}
