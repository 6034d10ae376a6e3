import { createHash, randomBytes } from "node:crypto";

/** Every gateway token starts with this, so `Authorization` can tell it from a provider key. */
export const GATEWAY_TOKEN_PREFIX = "sy_";

const TOKEN_PATTERN = /^sy_[A-Za-z0-9_-]{43}$/;

export interface IssuedGatewayToken {
  /** Shown once, never stored. */
  token: string;
  hash: string;
  start: string;
  last4: string;
}

export function issueGatewayToken(): IssuedGatewayToken {
  const token = GATEWAY_TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { token, hash: hashGatewayToken(token), start: token.slice(0, 7), last4: token.slice(-4) };
}

export function hashGatewayToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function isGatewayTokenShaped(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

export function looksLikeGatewayToken(value: string): boolean {
  return value.startsWith(GATEWAY_TOKEN_PREFIX);
}
