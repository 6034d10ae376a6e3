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
  const ids = catalogModels(provider)
    .filter((model) => !model.embedding)
    .map((model) => `${provider}/${compatModelId(provider, model.id)}`);
  return defaultFirst(provider, ids);
}

/**
 * The model the playground picks first for a provider: a fast, inexpensive chat model people know,
 * rather than whatever the provider's list happens to start with (its newest flagship, or a preview).
 */
const DEFAULT_MODELS: Readonly<Record<string, string>> = {
  openai: "gpt-4o-mini",
  anthropic: "claude-haiku-4-5",
  "google-ai-studio": "gemini-2.5-flash",
  "google-vertex-ai": "google/gemini-2.5-flash",
  "workers-ai": "@cf/meta/llama-3.1-8b-instruct",
  groq: "llama-3.1-8b-instant",
  mistral: "mistral-small",
  deepseek: "deepseek-chat",
  grok: "grok-4-1-fast-non-reasoning",
  "aws-bedrock": "anthropic.claude-haiku-4-5-20251001-v1:0",
  cohere: "command-r7b",
  "perplexity-ai": "sonar",
  openrouter: "openai/gpt-4o-mini",
  cerebras: "llama3.1-8b",
};

/** `ids` (`{provider}/{model}`) with the provider's default first when it is among them. */
export function defaultFirst(provider: string, ids: string[]): string[] {
  const preferred = DEFAULT_MODELS[provider];
  const id = preferred === undefined ? undefined : `${provider}/${preferred}`;
  if (id === undefined || !ids.includes(id)) return ids;
  return [id, ...ids.filter((other) => other !== id)];
}

interface ListedModel {
  id: string;
  owned_by: string;
  type?: string;
}

/**
 * The chat models of a `compat/models` answer, per provider, named as compat reads them and with
 * each provider's default first. A provider listed bare (a custom provider that reported nothing)
 * gets an empty list: its model id is typed.
 */
export function chatModelsByProvider(listed: ListedModel[]): Record<string, string[]> {
  const byProvider: Record<string, string[]> = {};
  for (const model of listed) {
    const provider = model.owned_by;
    byProvider[provider] ??= [];
    if (model.type === "embedding" || model.id === provider || !model.id.startsWith(`${provider}/`)) continue;
    const id = `${provider}/${compatModelId(provider, model.id.slice(provider.length + 1))}`;
    if (!byProvider[provider].includes(id)) byProvider[provider].push(id);
  }
  for (const provider of Object.keys(byProvider)) byProvider[provider] = defaultFirst(provider, byProvider[provider]!);
  return byProvider;
}
