import { openAiCompatible } from "../types";

export const grok = openAiCompatible({
  slug: "grok",
  name: "xAI Grok",
  baseUrl: "https://api.x.ai",
  chatCompletionsPath: "v1/chat/completions",
  embeddingsPath: "v1/embeddings",
  // Cloudflare's REST API names xAI's models `xai/…`; its compat endpoint says `grok/…`.
  modelAuthors: ["xai"],
});
