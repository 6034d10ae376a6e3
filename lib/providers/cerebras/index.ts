import { openAiCompatible } from "../types";

export const cerebras = openAiCompatible({
  slug: "cerebras",
  name: "Cerebras",
  baseUrl: "https://api.cerebras.ai",
  chatCompletionsPath: "v1/chat/completions",
  embeddingsPath: "v1/embeddings",
});
