import type { Access } from "./auth";
import type { Directory, StoredKey } from "./directory";
import { invalidRequest, unknownAlias } from "./errors";
import type { ProviderTarget } from "./provider-target";

export interface UpstreamCredential {
  /** Where the provider lives: the stored key's base URL, else the provider's. */
  baseUrl: string;
  /** The header the gateway sets; undefined when the client's own key is forwarded. */
  header: { name: string; value: string } | undefined;
  /** The stored key used, for its last-use record; null for the client's own key. */
  storedKeyId: string | null;
}

/**
 * Precedence (reference §2.4): the client's own provider key, else a stored key — the gateway's
 * own before the team-wide one — with alias `cf-aig-byok-alias` or `default`. Stored keys are
 * used only for requests carrying a valid token of the team, as Cloudflare requires an
 * authenticated gateway for BYOK.
 */
export async function resolveCredential(
  target: ProviderTarget,
  access: Access,
  clientSentKey: boolean,
  alias: string | undefined,
  directory: Directory,
): Promise<UpstreamCredential> {
  if (clientSentKey) {
    if (target.baseUrl === null) throw needsBaseUrl(target, access);
    return { baseUrl: target.baseUrl, header: undefined, storedKeyId: null };
  }
  if (!access.token) throw missingKey(target, access, false);

  const keys = await directory.providerKeys(access.team.id, access.gateway.id, target.slug);
  const wanted = alias ?? "default";
  const key = pick(keys, wanted, access.gateway.id) ?? pick(keys, wanted, null);
  if (!key) {
    if (alias !== undefined) throw unknownAlias(target.slug, alias, [...new Set(keys.map((k) => k.alias))].sort());
    throw missingKey(target, access, true);
  }
  const baseUrl = key.baseUrl ?? target.baseUrl;
  if (baseUrl === null) throw needsBaseUrl(target, access);
  return { baseUrl, header: { name: target.authHeader, value: `${target.authScheme} ${key.secret()}` }, storedKeyId: key.id };
}

function pick(keys: StoredKey[], alias: string, gatewayId: string | null): StoredKey | undefined {
  return keys.find((k) => k.alias === alias && k.gatewayId === gatewayId);
}

function addKeyHint(target: ProviderTarget, access: Access): string {
  const baseUrl = target.baseUrl === null && target.baseUrlHint ? ` --base-url ${target.baseUrlHint}` : "";
  return `\`npx switchyard key add ${access.team.slug} ${target.slug}${baseUrl}\` or the dashboard`;
}

function missingKey(target: ProviderTarget, access: Access, authenticated: boolean) {
  const message = authenticated
    ? `No ${target.slug} key is stored for gateway "${access.gateway.slug}": add one with ${addKeyHint(target, access)}, ` +
      "or send your own provider key in the Authorization header"
    : `No ${target.slug} key in this request: send your provider key in the Authorization header, or store one with ` +
      `${addKeyHint(target, access)} and send a gateway token in cf-aig-authorization (stored keys need one)`;
  return invalidRequest(message, "missing_provider_key");
}

function needsBaseUrl(target: ProviderTarget, access: Access) {
  return invalidRequest(
    `${target.name} has no fixed base URL: store a ${target.slug} key with its base URL` +
      `${target.baseUrlHint ? ` (${target.baseUrlHint})` : ""} using ${addKeyHint(target, access)}, and send a gateway token`,
    "missing_base_url",
  );
}
