import { passthroughOnly, schemeCredential } from "../types";

export const fal = passthroughOnly({
  slug: "fal",
  name: "fal",
  baseUrl: "https://fal.run",
  applyCredential: schemeCredential("Key"),
  credentialHeaders: ["authorization"],
});
