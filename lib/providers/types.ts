export type WireFormat = "openai-chat";

/** One provider of the catalog: how to reach it and how to authenticate to it. */
export interface ProviderSpec {
  /** The path segment of Cloudflare's URLs (`/v1/{team}/{gateway}/{slug}/…`) and compat prefix. */
  slug: string;
  name: string;
  /**
   * Where passthrough paths are appended. Null when it depends on the customer's account
   * (Workers AI): a stored key must then carry a base URL.
   */
  baseUrl: string | null;
  format: WireFormat;
  /** Header that carries the provider key, and the scheme prefixed to it. */
  authHeader: "authorization";
  authScheme: "Bearer";
  /** Relative to baseUrl; what `/compat/chat/completions` and `/ai/v1/chat/completions` call. */
  chatCompletionsPath: string;
  embeddingsPath: string;
  /** Hint in errors when the base URL is missing (Workers AI). */
  baseUrlHint?: string;
}

/** OpenAI-compatible providers share everything but their name and URLs. */
export function openAiCompatible(
  spec: Pick<ProviderSpec, "slug" | "name" | "baseUrl"> & Partial<ProviderSpec>,
): ProviderSpec {
  return {
    format: "openai-chat",
    authHeader: "authorization",
    authScheme: "Bearer",
    chatCompletionsPath: "chat/completions",
    embeddingsPath: "embeddings",
    ...spec,
  };
}
