import { createHash, randomBytes } from "node:crypto";

/** Every gateway token starts with this, so `Authorization` can tell it from a provider key. */
export const GATEWAY_TOKEN_PREFIX = "sy_";

/** Every team API token starts with this, so it is never taken for a gateway token (nor for a provider key). */
export const API_TOKEN_PREFIX = "sya_";

const TOKEN_PATTERN = /^sy_[A-Za-z0-9_-]{43}$/;

export interface IssuedToken {
  /** Shown once, never stored. */
  token: string;
  hash: string;
  start: string;
  last4: string;
}

/** A bearer secret: `prefix` and 32 random bytes, with what is stored of it (its hash, first and last characters). */
export function issueToken(prefix: string): IssuedToken {
  const token = prefix + randomBytes(32).toString("base64url");
  return { token, hash: hashToken(token), start: token.slice(0, prefix.length + 4), last4: token.slice(-4) };
}

export function issueGatewayToken(): IssuedToken {
  return issueToken(GATEWAY_TOKEN_PREFIX);
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export const hashGatewayToken = hashToken;

export function isGatewayTokenShaped(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

/**
 * A Switchyard credential for the gateway, never a provider key: a gateway token, or a team API
 * token (which calls the team's gateways when it has the run scope).
 */
export function looksLikeSwitchyardToken(value: string): boolean {
  return value.startsWith(GATEWAY_TOKEN_PREFIX) || value.startsWith(API_TOKEN_PREFIX);
}
