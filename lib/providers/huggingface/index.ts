import { bearerCredential, openAiFormatOfPath, passthroughOnly } from "../types";

/** Hugging Face's OpenAI-compatible router, beside the per-model inference API. */
const ROUTER = "https://router.huggingface.co";

/**
 * `…/huggingface/{model}` reaches the model's inference API, as Cloudflare's URL scheme has it
 * (api-inference.huggingface.co/models moved to the router's hf-inference); `…/huggingface/v1/…`
 * reaches the router's OpenAI-compatible endpoints, whose usage is read.
 */
export const huggingface = passthroughOnly({
  slug: "huggingface",
  name: "Hugging Face",
  baseUrl: `${ROUTER}/hf-inference/models`,
  passthroughTarget: (path) => (path.startsWith("v1/") ? { baseUrl: ROUTER, path } : undefined),
  formatOfPath: (path) => (path.startsWith("v1/") ? openAiFormatOfPath(path) : undefined),
  applyCredential: bearerCredential,
  credentialHeaders: ["authorization"],
});
