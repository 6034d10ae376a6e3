import { headerCredential, type ProviderSpec } from "../types";

/**
 * `v1beta/models/{model}:{method}`: generateContent, streamGenerateContent and the embedding
 * methods carry `usageMetadata`. countTokens answers a free count, not usage to bill.
 */
const USAGE_METHOD =
  /^v1(?:beta|alpha)?\/(?:models|tunedModels)\/[^/:?]+:(?:generateContent|streamGenerateContent|embedContent|batchEmbedContents)(?:\?|$)/;
const MODEL_METHOD = /^v1(?:beta|alpha)?\/(?:models|tunedModels)\/([^/:?]+):([A-Za-z]+)/;

export const googleAiStudio: ProviderSpec = {
  slug: "google-ai-studio",
  name: "Google AI Studio",
  baseUrl: "https://generativelanguage.googleapis.com",
  format: "gemini",
  // The gemini encoder returns the path: the model and the streaming method are in it.
  chatCompletionsPath: undefined,
  embeddingsPath: undefined,
  formatOfPath: (path) => (USAGE_METHOD.test(path) ? "gemini" : undefined),
  pathFacts(path) {
    const match = MODEL_METHOD.exec(path);
    if (!match) return {};
    return { model: match[1], stream: match[2] === "streamGenerateContent" };
  },
  applyCredential: headerCredential("x-goog-api-key"),
  credentialHeaders: ["x-goog-api-key"],
  // A client's key there stays in the forwarded query, as the client's.
  credentialQuery: "key",
  modelAuthors: ["google"],
};
