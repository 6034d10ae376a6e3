import { openAiCompatible } from "../types";

export const perplexityAi = openAiCompatible({
  slug: "perplexity-ai",
  name: "Perplexity",
  baseUrl: "https://api.perplexity.ai",
});
