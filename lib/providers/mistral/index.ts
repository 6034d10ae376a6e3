import { openAiCompatible } from "../types";

export const mistral = openAiCompatible({
  slug: "mistral",
  name: "Mistral",
  baseUrl: "https://api.mistral.ai",
  chatCompletionsPath: "v1/chat/completions",
  embeddingsPath: "v1/embeddings",
});
