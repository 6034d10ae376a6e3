import { createHash, createPrivateKey } from "node:crypto";
import { SignJWT } from "jose";
import { request } from "undici";
import { ALLOW_PRIVATE_UPSTREAMS_HINT } from "@/lib/gateway/private-address";
import { StoredKeyError } from "../types";
import { GOOGLE_TOKEN_URI, type ServiceAccount } from "./service-account";

/** What Vertex AI's endpoints need (Google's docs for service accounts calling AI Platform). */
const SCOPE = "https://www.googleapis.com/auth/cloud-platform";
const ASSERTION_LIFETIME_S = 3600;
/** A token is replaced this long before it expires (google-auth-library's own margin), or at half its life if that is shorter. */
const REFRESH_MARGIN_MS = 5 * 60_000;
const TOKEN_REQUEST_TIMEOUT_MS = 10_000;
/** Token answers are a few hundred bytes; anything much larger is not one. */
const TOKEN_RESPONSE_MAX_BYTES = 64 * 1024;
const CACHE_MAX = 1000;

interface CachedToken {
  token: string;
  /** When to mint the next one (ms since the epoch). */
  refreshAt: number;
}

/** Tokens by service account and key; a mint in flight is shared by every request that needs it. */
const tokens = new Map<string, CachedToken>();
const minting = new Map<string, Promise<CachedToken>>();

/**
 * An OAuth access token for the service account: the cached one while it has time left, else one
 * minted by the JWT-bearer grant (RFC 7523), as Google's client libraries do for service accounts.
 * `allowPrivateUpstreams` is the deployment's setting: without it, only Google's token endpoint.
 */
export async function accessToken(account: ServiceAccount, allowPrivateUpstreams: boolean): Promise<string> {
  const id = cacheKey(account);
  const cached = tokens.get(id);
  if (cached && Date.now() < cached.refreshAt) return cached.token;
  let pending = minting.get(id);
  if (!pending) {
    pending = mint(account, allowPrivateUpstreams).finally(() => minting.delete(id));
    minting.set(id, pending);
  }
  const fresh = await pending;
  if (tokens.size >= CACHE_MAX) evictStale();
  tokens.set(id, fresh);
  return fresh.token;
}

/** The whole key goes in, so a rotated key never gets the token of the one it replaced. */
function cacheKey(account: ServiceAccount): string {
  return createHash("sha256").update(`${account.tokenUri}\n${account.clientEmail}\n${account.privateKey}`).digest("base64url");
}

function evictStale(): void {
  const now = Date.now();
  for (const [id, token] of tokens) if (token.refreshAt <= now) tokens.delete(id);
  if (tokens.size >= CACHE_MAX) tokens.clear();
}

/**
 * `token_uri` comes from the team's JSON: a deployment that keeps upstreams public sends
 * assertions to Google's token endpoint only, so the gateway cannot be pointed at a private host.
 */
function assertAllowedTokenUri(tokenUri: string, allowPrivateUpstreams: boolean): void {
  if (tokenUri === GOOGLE_TOKEN_URI || allowPrivateUpstreams) return;
  throw new StoredKeyError(
    `its "token_uri" is not Google's (${GOOGLE_TOKEN_URI}), and this gateway sends service-account assertions nowhere else; ` +
      `use Google's, or ${ALLOW_PRIVATE_UPSTREAMS_HINT}`,
    "unusable",
  );
}

async function mint(account: ServiceAccount, allowPrivateUpstreams: boolean): Promise<CachedToken> {
  assertAllowedTokenUri(account.tokenUri, allowPrivateUpstreams);
  const now = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({ scope: SCOPE })
    .setProtectedHeader({ alg: "RS256", typ: "JWT", ...(account.privateKeyId ? { kid: account.privateKeyId } : {}) })
    .setIssuer(account.clientEmail)
    .setAudience(account.tokenUri)
    .setIssuedAt(now)
    .setExpirationTime(now + ASSERTION_LIFETIME_S)
    .sign(createPrivateKey(account.privateKey));

  let status: number;
  let text: string;
  try {
    const response = await request(account.tokenUri, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }).toString(),
      headersTimeout: TOKEN_REQUEST_TIMEOUT_MS,
      bodyTimeout: TOKEN_REQUEST_TIMEOUT_MS,
    });
    status = response.statusCode;
    text = await boundedText(response.body);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StoredKeyError(`its token endpoint ${hostOf(account.tokenUri)} could not be reached${code ? ` (${code})` : ""}`, "unreachable");
  }
  const answer = parseObject(text);
  if (status !== 200) {
    // OAuth's error fields say why (`invalid_grant: Invalid JWT Signature.`) and hold nothing secret.
    const why = [answer?.error, answer?.error_description].filter((v) => typeof v === "string").join(": ").slice(0, 300);
    const rejected = status === 400 || status === 401 || status === 403;
    throw new StoredKeyError(`its token endpoint refused the service account's assertion (${status}${why ? `, ${why}` : ""})`, rejected ? "rejected" : "unreachable");
  }
  const token = answer?.access_token;
  const expiresIn = answer?.expires_in;
  if (typeof token !== "string" || token === "" || typeof expiresIn !== "number" || !(expiresIn > 0)) {
    throw new StoredKeyError("its token endpoint answered without an access_token and expires_in", "unreachable");
  }
  const lifetimeMs = expiresIn * 1000;
  return { token, refreshAt: Date.now() + lifetimeMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 2) };
}

async function boundedText(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > TOKEN_RESPONSE_MAX_BYTES) {
      body.destroy();
      break;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function hostOf(url: string): string {
  return new URL(url).host;
}
