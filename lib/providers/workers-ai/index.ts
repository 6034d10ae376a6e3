import { openAiCompatible } from "../types";

/** Workers AI lives under the customer's Cloudflare account, so its base URL comes with the stored key. */
export const workersAi = openAiCompatible({
  slug: "workers-ai",
  name: "Cloudflare Workers AI",
  baseUrl: null,
  chatCompletionsPath: "v1/chat/completions",
  embeddingsPath: "v1/embeddings",
  baseUrlHint: "https://api.cloudflare.com/client/v4/accounts/{account_id}/ai",
});
