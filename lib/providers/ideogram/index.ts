import { headerCredential, passthroughOnly } from "../types";

export const ideogram = passthroughOnly({
  slug: "ideogram",
  name: "Ideogram",
  baseUrl: "https://api.ideogram.ai",
  applyCredential: headerCredential("api-key"),
  credentialHeaders: ["api-key"],
});
