import { openAiFormatOfPath, passthroughOnly, schemeCredential } from "../types";

/** Baseten's Model APIs (`v1/chat/completions`) are OpenAI-compatible: their usage is read. */
export const baseten = passthroughOnly({
  slug: "baseten",
  name: "Baseten",
  baseUrl: "https://inference.baseten.co",
  formatOfPath: openAiFormatOfPath,
  applyCredential: schemeCredential("Api-Key"),
  credentialHeaders: ["authorization"],
});
