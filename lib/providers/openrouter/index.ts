import { openAiCompatible } from "../types";

export const openrouter = openAiCompatible({
  slug: "openrouter",
  name: "OpenRouter",
  baseUrl: "https://openrouter.ai/api",
  chatCompletionsPath: "v1/chat/completions",
  embeddingsPath: "v1/embeddings",
});
