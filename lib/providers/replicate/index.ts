import { bearerCredential, passthroughOnly } from "../types";

export const replicate = passthroughOnly({
  slug: "replicate",
  name: "Replicate",
  baseUrl: "https://api.replicate.com",
  applyCredential: bearerCredential,
  credentialHeaders: ["authorization"],
});
