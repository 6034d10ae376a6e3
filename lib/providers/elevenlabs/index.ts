import { headerCredential, passthroughOnly } from "../types";

export const elevenlabs = passthroughOnly({
  slug: "elevenlabs",
  name: "ElevenLabs",
  baseUrl: "https://api.elevenlabs.io",
  applyCredential: headerCredential("xi-api-key"),
  credentialHeaders: ["xi-api-key"],
});
