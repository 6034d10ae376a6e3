import type { Gateway } from "@/db/schema";
import { API_TOKEN_PREFIX, hashGatewayToken, looksLikeSwitchyardToken } from "@/lib/crypto/gateway-token";
import { mayRun } from "@/lib/services/api-tokens/acting-role";
import type { GatewayDirectory, TeamRecord, TokenRecord } from "@/lib/state/directory";
import { gatewayNotFound, unauthorized } from "./errors";
import type { RequestHeaders } from "./contract";
import type { Exchange } from "./exchange";
import { bearerValue, PROVIDER_KEY_HEADERS } from "./headers";
import type { ParsedOptions } from "./options";
import type { GatewayScope } from "./paths";

export interface PresentedCredentials {
  /** A gateway token or team API token: `cf-aig-authorization`, or a `sy_`- or `sya_`-prefixed `Authorization` / `x-api-key` / `x-goog-api-key`. */
  token: string | undefined;
  /** A key header carries a provider key, which is forwarded as sent (or moved to the provider's header on translated calls). */
  providerKey: boolean;
}

export function presentedCredentials(headers: RequestHeaders): PresentedCredentials {
  const gatewayAuthorization = headers.get("cf-aig-authorization");
  let token = gatewayAuthorization === null ? undefined : bearerValue(gatewayAuthorization);
  let providerKey = false;
  for (const name of PROVIDER_KEY_HEADERS) {
    const value = headers.get(name);
    if (value === null) continue;
    const bare = bearerValue(value);
    if (looksLikeSwitchyardToken(bare)) token ??= bare;
    else providerKey = true;
  }
  return { token, providerKey };
}

/** Who may do what on which gateway, once the request passed authentication. */
export interface Access {
  team: TeamRecord;
  gateway: Gateway;
  /** The request's valid token; stored keys are used only when there is one. */
  token: TokenRecord | undefined;
}

/** Tokens seen recently, by their hash: a client sends the same token with every request. */
const tokenHashes = new Map<string, string>();
const TOKEN_HASHES_MAX = 10_000;

function tokenHash(token: string): string {
  let hash = tokenHashes.get(token);
  if (hash === undefined) {
    hash = hashGatewayToken(token);
    // Bounded: clients sending ever new tokens only ever cost the hashing they cost before.
    if (tokenHashes.size >= TOKEN_HASHES_MAX) tokenHashes.clear();
    tokenHashes.set(token, hash);
  }
  return hash;
}

/**
 * The token's record if it may call gateways now: a gateway token, or a team API token with the run
 * scope whose role (the lower of its own and its creator's current role) allows it. Anything else,
 * revoked and expired tokens included, is undefined: refused as a bad token.
 */
async function verifyToken(directory: GatewayDirectory, token: string): Promise<TokenRecord | undefined> {
  const record = token.startsWith(API_TOKEN_PREFIX) ? await runnableApiToken(directory, token) : await directory.token(tokenHash(token));
  if (!record || (record.expiresAt !== null && record.expiresAt.getTime() <= Date.now())) return undefined;
  return record;
}

async function runnableApiToken(directory: GatewayDirectory, token: string): Promise<TokenRecord | undefined> {
  const record = await directory.apiToken(tokenHash(token));
  return record && mayRun(record.role) ? record : undefined;
}

function mayUse(token: TokenRecord, gateway: Gateway): boolean {
  return token.teamId === gateway.teamId && (token.gatewayIds === null || token.gatewayIds.includes(gateway.id));
}

/**
 * Finds the team and gateway and checks the token against them, filling in the exchange as it
 * learns (so a refusal is logged under the team it concerns). A token that is present but invalid,
 * or not valid for this gateway, is refused even where authentication is off.
 */
export async function authorize(
  scope: GatewayScope,
  token: string | undefined,
  parsed: ParsedOptions,
  directory: GatewayDirectory,
  exchange: Exchange,
): Promise<Access> {
  return scope.by === "path"
    ? authorizeByPath(scope.teamSlug, scope.gatewaySlug, token, directory, exchange)
    : authorizeByToken(scope.teamSlug, token, parsed, directory, exchange);
}

async function authorizeByPath(
  teamSlug: string,
  gatewaySlug: string,
  token: string | undefined,
  directory: GatewayDirectory,
  exchange: Exchange,
): Promise<Access> {
  const team = await directory.team(teamSlug);
  if (!team) throw gatewayNotFound();
  exchange.teamId = team.id;
  const record = token === undefined ? undefined : await verifyToken(directory, token);
  if (token !== undefined && record?.teamId !== team.id) throw unauthorized("invalid");
  exchange.tokenId = record?.id ?? null;

  let gateway = await directory.gateway(team.id, gatewaySlug);
  if (!gateway) {
    if (gatewaySlug !== "default") throw gatewayNotFound();
    // Cloudflare creates `default` on the first authenticated request; a token limited to other gateways does not count.
    if (!record || record.gatewayIds !== null) throw unauthorized(record ? "invalid" : "missing");
    gateway = await directory.defaultGateway(team.id);
  }
  exchange.gateway = gateway;
  if (record && !mayUse(record, gateway)) throw unauthorized("invalid");
  if (!record && gateway.authentication) throw unauthorized("missing");
  return { team, gateway, token: record };
}

/** REST surface: the token is required and names the team; `cf-aig-gateway-id` (else `default`) the gateway. */
async function authorizeByToken(
  pathTeamSlug: string | undefined,
  token: string | undefined,
  parsed: ParsedOptions,
  directory: GatewayDirectory,
  exchange: Exchange,
): Promise<Access> {
  if (token === undefined) throw unauthorized("missing");
  const record = await verifyToken(directory, token);
  if (!record) throw unauthorized("invalid");
  exchange.teamId = record.teamId;
  exchange.tokenId = record.id;
  // Another team's account path gets the same answer as a bad token, revealing nothing about that team.
  if (pathTeamSlug !== undefined && pathTeamSlug !== record.teamSlug) throw unauthorized("invalid");
  if (!parsed.ok) throw parsed.error;

  const team = { id: record.teamId, slug: record.teamSlug };
  const gatewaySlug = parsed.options.gatewayId ?? "default";
  let gateway = await directory.gateway(team.id, gatewaySlug);
  if (!gateway) {
    if (gatewaySlug !== "default") throw gatewayNotFound();
    if (record.gatewayIds !== null) throw unauthorized("invalid");
    gateway = await directory.defaultGateway(team.id);
  }
  exchange.gateway = gateway;
  if (!mayUse(record, gateway)) throw unauthorized("invalid");
  return { team, gateway, token: record };
}
