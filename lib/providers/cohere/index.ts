import { COHERE_CHAT_PATH } from "@/lib/formats/cohere-chat/request";
import { COHERE_EMBED_PATH } from "@/lib/formats/cohere-chat/embeddings";
import { bearerCredential, openAiFormatOfPath, type ProviderSpec } from "../types";

/** A path's endpoint, without its query or a trailing slash. */
function endpointOf(path: string): string {
  return path.replace(/[?#].*$/s, "").replace(/\/+$/, "");
}

/**
 * Cohere: compat and REST requests are translated to its v2 Chat API, OpenAI-format embeddings to
 * its v2 embed. Passthrough reads usage from v2 chat and v2 embed (both carry Cohere's billed
 * units, usage.ts of the codec) and from its own OpenAI-compatible endpoints under
 * `compatibility/v1/`, which answer in OpenAI's shapes.
 */
export const cohere: ProviderSpec = {
  slug: "cohere",
  name: "Cohere",
  baseUrl: "https://api.cohere.com",
  format: "cohere-chat",
  chatCompletionsPath: COHERE_CHAT_PATH,
  embeddingsPath: undefined,
  formatOfPath(path) {
    const endpoint = endpointOf(path);
    // v1 embed answers carry the same `meta.billed_units` as v2's.
    if (endpoint === COHERE_CHAT_PATH || endpoint === COHERE_EMBED_PATH || endpoint === "v1/embed") return "cohere-chat";
    if (endpoint.startsWith("compatibility/v1/")) return openAiFormatOfPath(endpoint);
    return undefined;
  },
  applyCredential: bearerCredential,
  credentialHeaders: ["authorization"],
};
