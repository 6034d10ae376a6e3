import { headerCredential, passthroughOnly, type OutgoingCall } from "../types";

/**
 * The API version the gateway asks for when the client named none (Cartesia requires one): the
 * version whose conventions authenticate with `X-API-Key`, as Cloudflare's provider table has it.
 */
export const CARTESIA_VERSION = "2024-11-13";

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
