import { createHash, type Hash } from "node:crypto";
import type { Gateway } from "@/db/schema";
import type { RequestHeaders } from "@/lib/gateway/contract";
import { PROVIDER_KEY_HEADERS } from "@/lib/gateway/headers";
import type { EffectiveOptions } from "@/lib/gateway/plan";

/** What identifies one answer: who asks, of which provider, where, with which key and body. */
export interface CacheKeyInput {
  teamId: string;
  gateway: Gateway;
  options: Pick<EffectiveOptions, "cacheKey" | "cacheKeyMetadata" | "metadata">;
  method: string;
  provider: string;
  /** The path after the gateway (the surface, or the provider's own path) and its query. */
  endpoint: string;
  model: string | null;
  /** A stored key's pool (`UpstreamCredential.cacheIdentity`); null when the client sent its own key. */
  credentialIdentity: string | null;
  /** Read for the client's own key: the headers keys travel in, the provider's own among them. */
  requestHeaders: RequestHeaders;
  keyHeaders: readonly string[];
  body: Uint8Array | undefined;
}

/**
 * The entry's name: the team and gateway (and, with `cache_invalidate_on_update`, the gateway's
 * last change, so that entries from before a change are never reached again and age out), then a
 * SHA-256 over the rest, or over `cf-aig-cache-key` when the client named the entry. A client's own
 * provider key goes into the hash, never into the name or the store.
 */
export function cacheKeyOf(input: CacheKeyInput): string {
  const { gateway, options } = input;
  const generation = gateway.cacheInvalidateOnUpdate ? gateway.updatedAt.getTime() : 0;
  const namespace = `${input.teamId}:${gateway.id}:${generation}:`;
  const hash = createHash("sha256");
  if (options.cacheKey !== undefined) {
    field(hash, "custom");
    field(hash, options.cacheKey);
    return namespace + hash.digest("base64url");
  }
  field(hash, input.method);
  field(hash, input.provider);
  field(hash, input.endpoint);
  field(hash, input.model ?? "");
  if (input.credentialIdentity !== null) {
    field(hash, input.credentialIdentity);
  } else {
    field(hash, "client");
    for (const name of PROVIDER_KEY_HEADERS) field(hash, input.requestHeaders.get(name) ?? "");
    for (const name of input.keyHeaders) field(hash, input.requestHeaders.get(name) ?? "");
  }
  for (const name of options.cacheKeyMetadata) field(hash, JSON.stringify(options.metadata?.[name] ?? null));
  field(hash, input.body ?? new Uint8Array());
  return namespace + hash.digest("base64url");
}

/** Each field with its length first, so that no two different inputs hash the same bytes. */
function field(hash: Hash, value: string | Uint8Array): void {
  const bytes = typeof value === "string" ? Buffer.from(value) : value;
  hash.update(`${bytes.byteLength}:`);
  hash.update(bytes);
}
