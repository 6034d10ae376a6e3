import { headerCredential, openAiFormatOfPath, passthroughOnly } from "../types";

/** Parallel's Task and Search APIs, and its OpenAI-compatible `chat/completions`, whose usage is read. */
export const parallel = passthroughOnly({
  slug: "parallel",
  name: "Parallel",
  baseUrl: "https://api.parallel.ai",
  formatOfPath: openAiFormatOfPath,
  applyCredential: headerCredential("x-api-key"),
  credentialHeaders: ["x-api-key"],
});
