import { headerCredential, passthroughOnly, type OutgoingCall } from "../types";

/** The API version the gateway asks for when the client named none: Cartesia refuses calls without one. */
export const CARTESIA_VERSION = "2025-04-16";

function withVersion(call: OutgoingCall): OutgoingCall {
  if (call.headers["cartesia-version"] !== undefined) return call;
  return { ...call, headers: { ...call.headers, "cartesia-version": CARTESIA_VERSION } };
}

export const cartesia = passthroughOnly({
  slug: "cartesia",
  name: "Cartesia",
  baseUrl: "https://api.cartesia.ai",
  applyCredential: headerCredential("x-api-key"),
  credentialHeaders: ["x-api-key"],
  completeCall: withVersion,
});
