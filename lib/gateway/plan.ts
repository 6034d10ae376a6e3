import type { Gateway } from "@/db/schema";
import type { WireFormat } from "@/lib/formats/codec";
import type { CustomCost } from "@/lib/pricing/cost";
import type { Access } from "./auth";
import type { UpstreamCredential } from "./credentials";
import type { Backoff, GatewayOptions, MetadataValue } from "./options";
import type { ProviderTarget } from "./provider-target";

/**
 * What a request runs with, every setting resolved: the gateway's, overridden by the request's
 * `cf-aig-*` headers, overridden by a step's own (the Universal endpoint's steps, later).
 */
export interface EffectiveOptions {
  collectLog: boolean;
  collectLogPayload: boolean;
  byokAlias: string | undefined;
  eventId: string | undefined;
  metadata: Record<string, MetadataValue> | undefined;
  customCost: CustomCost | undefined;
  /** Milliseconds to the upstream's first byte. */
  requestTimeoutMs: number | undefined;
  skipCache: boolean;
  /** Seconds; 0 is no caching (but see `cacheKey`). */
  cacheTtl: number;
  /** `cf-aig-cache-key`: replaces the computed key, and caches for 5 minutes even when no TTL applies. */
  cacheKey: string | undefined;
  /** The gateway's metadata keys whose values join the computed cache key. */
  cacheKeyMetadata: readonly string[];
  maxAttempts: number;
  retryDelayMs: number;
  backoff: Backoff;
}

/** The one merge: gateway setting < request header < per-step header. `gateway` is undefined before it is known. */
export function effectiveOptions(gateway: Gateway | undefined, request: GatewayOptions | undefined, step?: GatewayOptions): EffectiveOptions {
  const header = { ...request, ...definedOnly(step) };
  return {
    collectLog: header.collectLog ?? gateway?.collectLogs ?? true,
    collectLogPayload: header.collectLogPayload ?? gateway?.collectLogPayloads ?? true,
    byokAlias: header.byokAlias,
    eventId: header.eventId,
    metadata: header.metadata,
    customCost: header.customCost,
    requestTimeoutMs: header.requestTimeoutMs ?? gateway?.requestTimeoutMs ?? undefined,
    skipCache: header.skipCache ?? false,
    cacheTtl: header.cacheTtl ?? gateway?.cacheTtl ?? 0,
    cacheKey: header.cacheKey,
    cacheKeyMetadata: gateway?.cacheKeyMetadata ?? [],
    maxAttempts: header.maxAttempts ?? gateway?.retryMaxAttempts ?? 1,
    retryDelayMs: header.retryDelayMs ?? gateway?.retryDelay ?? 0,
    backoff: header.backoff ?? gateway?.retryBackoff ?? "constant",
  };
}

function definedOnly(options: GatewayOptions | undefined): GatewayOptions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options ?? {})) if (value !== undefined) out[key] = value;
  return out as GatewayOptions;
}

/** One way to answer the request: a provider, its model, the key to call it with, the format it speaks. */
export interface Attempt {
  readonly provider: ProviderTarget;
  /** The provider's model name, without the `{provider}/` prefix. */
  readonly model: string;
  /** Its name in the egress format's body or path, where that differs (`ProviderSpec.chatModel`: Vertex's without the publisher). */
  readonly wireModel: string;
  readonly credential: UpstreamCredential;
  /** The wire format the provider is called in; the same as the ingress format means no translation. */
  readonly egress: WireFormat;
}

/**
 * A request resolved: who asks, on which gateway, in which format, with which settings, and the
 * attempts that may answer it, in order. One attempt today; fallbacks and dynamic routes add more
 * without touching the surfaces.
 */
export interface RequestPlan {
  readonly access: Access;
  readonly ingress: WireFormat;
  readonly options: EffectiveOptions;
  readonly attempts: readonly Attempt[];
}
