import { passthroughOnly, schemeCredential } from "../types";

export const deepgram = passthroughOnly({
  slug: "deepgram",
  name: "Deepgram",
  baseUrl: "https://api.deepgram.com",
  applyCredential: schemeCredential("Token"),
  credentialHeaders: ["authorization"],
});
