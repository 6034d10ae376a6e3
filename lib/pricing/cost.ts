import type { TokenUsage } from "@/lib/formats/usage";
import catalog from "./catalog.json" with { type: "json" };

/** One model's catalog entry: list prices in USD per 1M tokens, which is also micro-dollars per token. */
export interface ModelPrice {
  input: number;
  output: number;
  /** Price of prompt tokens served from the provider's cache; absent means they cost `input`. */
  cachedInput?: number;
  /** Price of prompt tokens written to the provider's cache (Anthropic's 5-minute writes); absent means `input`. */
  cacheWrite?: number;
  /** The most tokens one answer may have, where the provider documents it (Anthropic requires a `max_tokens`). */
  maxOutput?: number;
  /** An embedding model: listed, but not offered where a chat model is wanted. */
  embedding?: boolean;
}

/** Cloudflare's `cf-aig-custom-cost` header, in USD per token. */
export interface CustomCost {
  perTokenIn: number;
  perTokenOut: number;
  perCacheReadToken?: number;
  /** Prices the cache-write tokens a usage report carries (Anthropic's); others report none. */
  perCacheWriteToken?: number;
}

export interface Cost {
  /** Integer micro-dollars, rounded to nearest. */
  micros: number;
  /** The request's custom cost priced it. */
  custom: boolean;
  /** A price was found (catalog or custom); false means `micros` is 0 because the model is unknown. */
  known: boolean;
}

/**
 * Snapshot and alias suffixes that do not change the price: `-2024-07-18`, `-20250514`, `-0905`,
 * `-2512`, `-latest`.
 */
const VERSION_SUFFIX = /-(?:\d{4}-\d{2}-\d{2}|\d{8}|\d{4}|latest)$/;

/** Bedrock's cross-region inference profiles (`us.anthropic.…`, `global.…`) bill as their model. */
const INFERENCE_PROFILE = /^(?:us|eu|apac|jp|au|ca|us-gov|global)\./;

/** Provider slug → lower-cased model id → price, built once so a lookup is a couple of Map reads. */
const pricesByProvider: ReadonlyMap<string, ReadonlyMap<string, ModelPrice>> = new Map(
  Object.entries(catalog.providers as Record<string, Record<string, ModelPrice>>).map(([provider, models]) => [
    provider,
    new Map(Object.entries(models).map(([model, price]) => [model.toLowerCase(), price])),
  ]),
);

/**
 * Providers that serve other makers' models as `{publisher}/{model}` at the makers' own list prices
 * (Vertex AI's `google/gemini-2.5-flash`): publisher → the provider whose catalog prices them.
 */
const publishersByProvider: ReadonlyMap<string, Readonly<Record<string, string>>> = new Map(
  Object.entries(catalog.publishers as Record<string, Record<string, string>>),
);

/**
 * The catalog price of a model: exact id, then case-insensitive, then without a version suffix;
 * a publisher's model at a provider that resells it, at the publisher's provider's price.
 */
export function findPrice(provider: string, model: string): ModelPrice | undefined {
  const publishers = publishersByProvider.get(provider);
  if (publishers) {
    const slash = model.indexOf("/");
    const priced = publishers[model.slice(0, slash)];
    return slash > 0 && priced !== undefined ? findPrice(priced, model.slice(slash + 1)) : undefined;
  }
  const models = pricesByProvider.get(provider);
  if (!models) return undefined;
  const exact = models.get(model);
  if (exact) return exact;
  const lower = model.toLowerCase();
  return models.get(lower) ?? models.get(lower.replace(VERSION_SUFFIX, "")) ?? models.get(lower.replace(INFERENCE_PROFILE, ""));
}

/**
 * Cost of one response. Cache reads and writes are parts of `usage.input`, so each cached token
 * is priced once, at its own rate. A custom cost overrides the catalog, whether or not the model
 * is in it.
 */
export function costMicros(provider: string, model: string, usage: TokenUsage, custom?: CustomCost): Cost {
  if (custom) {
    const micros = tokenCost(usage, {
      input: custom.perTokenIn * 1e6,
      output: custom.perTokenOut * 1e6,
      cachedInput: custom.perCacheReadToken === undefined ? undefined : custom.perCacheReadToken * 1e6,
      cacheWrite: custom.perCacheWriteToken === undefined ? undefined : custom.perCacheWriteToken * 1e6,
    });
    return { micros, custom: true, known: true };
  }
  const price = findPrice(provider, model);
  if (!price) return { micros: 0, custom: false, known: false };
  return { micros: tokenCost(usage, price), custom: false, known: true };
}

function tokenCost(usage: TokenUsage, price: ModelPrice): number {
  // A provider reporting more cached than prompt tokens must not make the uncached part negative.
  const cached = Math.min(usage.cached, usage.input);
  const written = Math.min(usage.cacheWrite ?? 0, usage.input - cached);
  const uncached = usage.input - cached - written;
  return Math.round(
    uncached * price.input +
      cached * (price.cachedInput ?? price.input) +
      written * (price.cacheWrite ?? price.input) +
      usage.output * price.output,
  );
}

/**
 * The most output tokens the catalog knows a model may give in one answer; undefined when it does
 * not know. The gateway fills Anthropic's required `max_tokens` from it when a client sent none.
 */
export function maxOutputTokens(provider: string, model: string): number | undefined {
  return findPrice(provider, model)?.maxOutput;
}

/** A provider's catalog models, in catalog order (newest first). */
export function catalogModels(provider: string): { id: string; embedding: boolean }[] {
  const models = pricesByProvider.get(provider);
  return models ? [...models].map(([id, price]) => ({ id, embedding: price.embedding === true })) : [];
}

const EXAMPLE = '{"per_token_in":0.000001,"per_token_out":0.000002}';

/**
 * Parses a `cf-aig-custom-cost` header value. Throws an Error whose message says what to fix,
 * without naming the header: the caller prefixes that.
 */
export function parseCustomCost(headerValue: string): CustomCost {
  let parsed: unknown;
  try {
    parsed = JSON.parse(headerValue);
  } catch {
    throw new Error(`not valid JSON; send an object like ${EXAMPLE}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error(`must be a JSON object like ${EXAMPLE}`);
  }
  const fields = parsed as Record<string, unknown>;
  const perTokenIn = pricePerToken(fields, "per_token_in");
  const perTokenOut = pricePerToken(fields, "per_token_out");
  if (perTokenIn === undefined || perTokenOut === undefined) {
    throw new Error(`per_token_in and per_token_out are both required (USD per token), like ${EXAMPLE}`);
  }
  return {
    perTokenIn,
    perTokenOut,
    perCacheReadToken: pricePerToken(fields, "per_cache_read_token"),
    perCacheWriteToken: pricePerToken(fields, "per_cache_write_token"),
  };
}

function pricePerToken(fields: Record<string, unknown>, name: string): number | undefined {
  const value = fields[name];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new Error(`${name} must be a non-negative number of USD per token, got ${JSON.stringify(value)}`);
  }
  return value;
}
