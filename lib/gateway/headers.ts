import type { IncomingHttpHeaders } from "node:http";
import { looksLikeSwitchyardToken } from "@/lib/crypto/gateway-token";
import type { RequestHeaders, ResponseHeaders } from "./contract";

/**
 * Request headers never forwarded: hop-by-hop ones, those the upstream call sets itself (host,
 * content-length), accept-encoding (usage is read from the body, so it must arrive uncompressed)
 * cookie (the dashboard's session must not reach a provider) and the forwarding headers a proxy in
 * front adds (the client's address is not the provider's business).
 */
const DROPPED_REQUEST_HEADERS = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "expect",
  "host",
  "content-length",
  "accept-encoding",
  "cookie",
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-port",
  "x-forwarded-proto",
  "x-real-ip",
]);

const DROPPED_RESPONSE_HEADERS = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** `Bearer x` → `x`; other values unchanged. */
export function bearerValue(value: string): string {
  return value.length > 7 && value.slice(0, 7).toLowerCase() === "bearer " ? value.slice(7).trim() : value.trim();
}

/**
 * Headers that carry a provider key when they do not carry a gateway token: the OpenAI family's
 * `Authorization`, Anthropic's `x-api-key`, Google's `x-goog-api-key`, Azure's and Ideogram's
 * `api-key`, ElevenLabs' `xi-api-key`. A `sy_` gateway token or `sya_` API token in any of them is
 * the gateway's, so each provider's own SDK can send the token as its API key.
 */
export const PROVIDER_KEY_HEADERS = ["authorization", "x-api-key", "x-goog-api-key", "api-key", "xi-api-key"] as const;

const KEY_HEADERS: ReadonlySet<string> = new Set(PROVIDER_KEY_HEADERS);

/**
 * The client's headers as the provider should see them: without `cf-aig-*` (Cloudflare's own,
 * the gateway token among them) and without any `sy_` or `sya_` token. The credential is put on
 * afterwards, by the provider's own function (`UpstreamCredential.apply`).
 */
export function upstreamRequestHeaders(headers: RequestHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (DROPPED_REQUEST_HEADERS.has(name) || name.startsWith("cf-aig-")) return;
    if (KEY_HEADERS.has(name) && looksLikeSwitchyardToken(bearerValue(value))) return;
    out[name] = value;
  });
  return out;
}

/** The provider's response headers for the client; content-length goes when the body is rewritten. */
export function clientResponseHeaders(upstream: IncomingHttpHeaders, bodyRewritten: boolean): ResponseHeaders {
  const out: ResponseHeaders = {};
  for (const name in upstream) {
    if (DROPPED_RESPONSE_HEADERS.has(name) || (bodyRewritten && name === "content-length")) continue;
    const value = upstream[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

export function headerText(value: string | string[] | undefined): string {
  return value === undefined ? "" : typeof value === "string" ? value : (value[0] ?? "");
}
