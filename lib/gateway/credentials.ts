import type { OutgoingCall } from "@/lib/providers";
import { StoredKeyError, type ChatCall } from "@/lib/providers/types";
import type { JsonObject } from "@/lib/formats/json";
import type { Access } from "./auth";
import type { GatewayDirectory, StoredKey } from "@/lib/state/directory";
import { invalidRequest, storedKeyFailed, storedKeyRejected, unknownAlias, type GatewayError, type KeyOwner } from "./errors";
import type { Exchange, KeySource } from "./exchange";
import { bearerValue, PROVIDER_KEY_HEADERS } from "./headers";
import { keyPools } from "./key-pool";
import type { GatewayOptions } from "./options";
import type { ProviderTarget } from "./provider-target";
import { retryAfterMs } from "./retry";

export interface UpstreamCredential {
  /** Where the provider lives: the stored key's base URL, else the provider's. */
  baseUrl: string;
  /**
   * Puts the key on the outgoing call, whose headers are the client's as `upstreamRequestHeaders`
   * leaves them: the stored key in the provider's way, or the client's own key (see `ClientKeyUse`),
   * plus what the provider requires of every call (Anthropic's `anthropic-version`). The call's
   * body is final: a signing provider hashes it.
   */
  apply(call: OutgoingCall): Promise<OutgoingCall>;
  /** The chat call's final path and body, for providers whose endpoint depends on the model and the key (`ProviderSpec.shapeChatCall`). */
  shapeChat(call: ChatCall): { path: string | undefined; body: JsonObject };
  /** The stored key used (a team's or the operator's, as `keySource` says), for its last-use record; null for the client's own key. */
  storedKeyId: string | null;
  /** Whose key it is: `cf-aig-key-source` and the log's key_source; an operator key's use is charged to the team's credits. */
  keySource: KeySource;
  /**
   * Who the answer was asked for, as the cache key needs it (never a secret): the stored key's
   * pool; null for the client's own key, which the cache hashes from the request.
   */
  cacheIdentity: string | null;
  /**
   * What the provider's answer says of the stored key, noted in its pool: `rejected` (out of the
   * pool, with the refusal to answer instead of the provider's), `cooling` (a 429: out until its
   * cool-down ends), or undefined. Always undefined for a client's own key, whose rejection is the
   * client's to read.
   */
  assess(status: number, headers: Record<string, string | string[] | undefined>): KeyVerdict | undefined;
  /** The credential for a retry: the pool's next pick (this one again for a client's key). */
  next(): UpstreamCredential;
  /** What is left of the cool-down the provider asked for with this key (its `Retry-After`); undefined when none. */
  coolingMs(): number | undefined;
  /** Another key of the pool usable right now (neither rejected nor cooling), to move on to at once; undefined when there is none. */
  another(): UpstreamCredential | undefined;
}

/**
 * `rejected`: out of its pool (401, or 403); `refusal` is what to answer instead of the provider
 * when no other key can be tried, undefined to pass the provider's answer on. `cooling`: a 429.
 */
export type KeyVerdict = { kind: "rejected"; refusal: GatewayError | undefined } | { kind: "cooling" };

type AnswerHeaders = Record<string, string | string[] | undefined>;

/**
 * What a client's own provider key is for. `as-sent` (passthrough): the client speaks the
 * provider's own API, so its key stays where it put it. `provider-header` (compat, REST): the
 * client speaks another format, so a key in another header (the OpenAI SDK's `Authorization`) is
 * moved to the one the provider reads.
 */
export type ClientKeyUse = "as-sent" | "provider-header";

/**
 * Precedence (reference §2.4): the client's own provider key; else a stored key of the team — the
 * gateway's own before the team-wide one; else the operator's key, unless the gateway is
 * `byok_only` or the request says `cf-aig-no-wholesale: true` (which can only tighten the
 * gateway's setting). Each with alias `cf-aig-byok-alias` or `default`. Stored and operator keys
 * are used only for requests carrying a valid token of the team, as Cloudflare requires an
 * authenticated gateway for BYOK.
 * The base URL: a stored key's own, else the one a passthrough path implies (`pathBaseUrl`), else
 * the one the stored secret implies, else the provider's.
 */
export async function resolveCredential(
  target: ProviderTarget,
  access: Access,
  clientSentKey: boolean,
  options: Pick<GatewayOptions, "byokAlias" | "noWholesale"> | undefined,
  directory: GatewayDirectory,
  clientKeyUse: ClientKeyUse = "provider-header",
  pathBaseUrl?: string,
): Promise<UpstreamCredential> {
  if (clientSentKey) {
    const baseUrl = pathBaseUrl ?? target.baseUrl;
    if (baseUrl === null) throw needsBaseUrl(target, access);
    const credential: UpstreamCredential = {
      baseUrl,
      apply: clientKeyApplier(target, clientKeyUse),
      shapeChat: (call) => target.shapeChatCall?.(call, undefined) ?? call,
      storedKeyId: null,
      keySource: "request",
      cacheIdentity: null,
      assess: () => undefined,
      next: () => credential,
      coolingMs: () => undefined,
      another: () => undefined,
    };
    return credential;
  }
  if (!access.token) throw missingKey(target, access, false);

  const keys = await directory.providerKeys(access.team.id, access.gateway.id, target.slug);
  const wanted = options?.byokAlias ?? "default";
  const own = keyPools.pool(keys, wanted, access.gateway.id);
  const pool = own.length > 0 ? own : keyPools.pool(keys, wanted, null);
  if (pool.length > 0) return storedCredential(target, access, "team", pool, keyPools.pick(pool)!, pathBaseUrl);

  const operatorKeys = await directory.operatorKeys(target.slug);
  const operatorPool = keyPools.pool(operatorKeys, wanted, null);
  const refusedBy = access.gateway.byokOnly ? "gateway" : options?.noWholesale ? "request" : undefined;
  if (operatorPool.length > 0 && refusedBy === undefined) {
    return storedCredential(target, access, "operator", operatorPool, keyPools.pick(operatorPool)!, pathBaseUrl);
  }
  if (operatorPool.length > 0) throw wholesaleRefused(target, access, refusedBy!);
  if (options?.byokAlias !== undefined) {
    const aliases = [...keys, ...(refusedBy === undefined ? operatorKeys : [])].map((k) => k.alias);
    throw unknownAlias(target.slug, options.byokAlias, [...new Set(aliases)].sort());
  }
  throw missingKey(target, access, true);
}

/** The exchange's row names the key an attempt calls with, and whose it is. */
export function noteCredential(exchange: Exchange, credential: UpstreamCredential): void {
  exchange.providerKeyId = credential.storedKeyId;
  exchange.keySource = credential.keySource;
}

function storedCredential(
  target: ProviderTarget,
  access: Access,
  owner: KeyOwner,
  pool: readonly StoredKey[],
  key: StoredKey,
  pathBaseUrl: string | undefined,
): UpstreamCredential {
  const baseUrl = key.baseUrl ?? pathBaseUrl ?? target.baseUrlOfKey?.(key.secret()) ?? target.baseUrl;
  if (baseUrl === null) throw needsBaseUrl(target, access);
  return new StoredKeyCredential(target, access, owner, pool, key, pathBaseUrl, baseUrl);
}

/**
 * One stored key of `pool` as the credential of an attempt; `next` and `another` move on to the
 * pool's others. A class, so that a request's credential costs one object.
 */
class StoredKeyCredential implements UpstreamCredential {
  readonly storedKeyId: string;
  // The pool's, not the key's: any of its keys gets the same answer.
  readonly cacheIdentity: string;

  constructor(
    private readonly target: ProviderTarget,
    private readonly access: Access,
    readonly keySource: KeyOwner,
    private readonly pool: readonly StoredKey[],
    private readonly key: StoredKey,
    private readonly pathBaseUrl: string | undefined,
    readonly baseUrl: string,
  ) {
    this.storedKeyId = key.id;
    this.cacheIdentity = keySource === "operator" ? `operator:${target.slug}:${key.alias}` : `stored:${key.gatewayId ?? "team"}:${target.slug}:${key.alias}`;
  }

  async apply(call: OutgoingCall): Promise<OutgoingCall> {
    try {
      return completed(this.target, await this.target.applyCredential(call, this.key.secret()));
    } catch (error) {
      // Refused by the provider's own credential step (Vertex AI's token exchange): out of its pool, as a 401 would take it.
      if (error instanceof StoredKeyError && error.kind === "rejected") keyPools.reject(this.key);
      throw this.named(error);
    }
  }

  shapeChat(call: ChatCall): { path: string | undefined; body: JsonObject } {
    try {
      return this.target.shapeChatCall?.(call, this.key.secret()) ?? call;
    } catch (error) {
      throw this.named(error);
    }
  }

  assess(status: number, headers: AnswerHeaders): KeyVerdict | undefined {
    const { target, key } = this;
    if ((target.rejectsCredential ?? defaultRejects)(status, headers)) {
      keyPools.reject(key);
      return { kind: "rejected", refusal: storedKeyRejected(target.slug, target.name, key.alias, status, this.keySource) };
    }
    if (status === 403) {
      // Also a model or project the key may not use: the pool moves on, but a lone key's 403 is the provider's to explain.
      keyPools.reject(key);
      return { kind: "rejected", refusal: undefined };
    }
    if (status === 429) {
      keyPools.coolDown(key, retryAfterMs(headers["retry-after"]));
      return { kind: "cooling" };
    }
    keyPools.accepted(key);
    return undefined;
  }

  next(): UpstreamCredential {
    // A pool of keys is never empty, and a pick leaves a key out only when `usableOnly`.
    return this.other(keyPools.pick(this.pool)!);
  }

  coolingMs(): number | undefined {
    return keyPools.askedCoolDownMs(this.key);
  }

  another(): UpstreamCredential | undefined {
    const picked = this.pool.length === 1 ? undefined : keyPools.pick(this.pool, true);
    return picked && this.other(picked);
  }

  private other(picked: StoredKey): UpstreamCredential {
    return picked === this.key ? this : storedCredential(this.target, this.access, this.keySource, this.pool, picked, this.pathBaseUrl);
  }

  /** A provider that mints or fetches something with the key says why that failed; the client learns which key it was. */
  private named(error: unknown): unknown {
    const { target, key } = this;
    return error instanceof StoredKeyError ? storedKeyFailed(target.slug, target.name, key.alias, error, this.keySource) : error;
  }
}

/** The key itself refused: the gateway answers 2009 naming it, instead of the provider. */
const defaultRejects = (status: number) => status === 401;

/** What the provider requires of every call, added last (`ProviderSpec.completeCall`). */
function completed(target: ProviderTarget, call: OutgoingCall): OutgoingCall {
  return target.completeCall?.(call) ?? call;
}

/** How a call carrying the client's own key is made ready for the provider. */
export function clientKeyApplier(target: ProviderTarget, use: ClientKeyUse): (call: OutgoingCall) => Promise<OutgoingCall> {
  return use === "as-sent" ? async (call) => completed(target, call) : async (call) => completed(target, await moveClientKey(target, call));
}

/** The client's key, from whichever key header holds it, in the header the provider reads. */
async function moveClientKey(target: ProviderTarget, call: OutgoingCall): Promise<OutgoingCall> {
  if (target.credentialHeaders.some((name) => call.headers[name] !== undefined)) return call;
  const from = PROVIDER_KEY_HEADERS.find((name) => call.headers[name] !== undefined);
  if (from === undefined) return call;
  const { [from]: value, ...headers } = call.headers;
  return target.applyCredential({ ...call, headers }, bearerValue(value ?? ""));
}

function addKeyHint(target: ProviderTarget, access: Access): string {
  if (target.secretHint) return `\`echo '${target.secretHint}' | npx switchyard key add ${access.team.slug} ${target.slug}\` or the dashboard`;
  const baseUrl = target.baseUrl === null && target.baseUrlHint ? ` --base-url ${target.baseUrlHint}` : "";
  return `\`npx switchyard key add ${access.team.slug} ${target.slug}${baseUrl}\` or the dashboard`;
}

/** The header a client puts its own key in, as the provider's docs name it. */
function keyHeaderName(target: ProviderTarget): string {
  const name = target.credentialHeaders[0] ?? "authorization";
  return name === "authorization" ? "Authorization" : name;
}

function missingKey(target: ProviderTarget, access: Access, authenticated: boolean) {
  const header = keyHeaderName(target);
  const message = authenticated
    ? `No ${target.slug} key is stored for gateway "${access.gateway.slug}": add one with ${addKeyHint(target, access)}, ` +
      `or send your own provider key in the ${header} header`
    : `No ${target.slug} key in this request: send your provider key in the ${header} header, or store one with ` +
      `${addKeyHint(target, access)} and send a gateway token in cf-aig-authorization (stored keys need one)`;
  return invalidRequest(message, "missing_provider_key");
}

/**
 * Only the operator's key could answer, and the gateway's `byok_only` or the request's
 * `cf-aig-no-wholesale` rules it out: a 400, as Cloudflare answers, that says which.
 */
function wholesaleRefused(target: ProviderTarget, access: Access, by: "gateway" | "request") {
  const why =
    by === "gateway"
      ? `gateway "${access.gateway.slug}" requires provider credentials (byok_only), so the operator's ${target.slug} key is not used`
      : `the request sent cf-aig-no-wholesale: true, so the operator's ${target.slug} key is not used`;
  return invalidRequest(
    `No ${target.slug} key of the team is stored for gateway "${access.gateway.slug}", and ${why}: add one with ${addKeyHint(target, access)}, ` +
      `or send your own provider key in the ${keyHeaderName(target)} header`,
    "provider_credentials_required",
  );
}

function needsBaseUrl(target: ProviderTarget, access: Access) {
  const what = target.secretHint ? `whose secret names its account (${target.secretHint})` : `with its base URL${target.baseUrlHint ? ` (${target.baseUrlHint})` : ""}`;
  return invalidRequest(
    `${target.name} has no fixed base URL: store a ${target.slug} key ${what} using ${addKeyHint(target, access)}, and send a gateway token`,
    "missing_base_url",
  );
}
