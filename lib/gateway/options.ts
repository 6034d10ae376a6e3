import { CACHE_TTL_MAX, MAX_ATTEMPTS, REQUEST_TIMEOUT_MAX, RETRY_DELAY_MAX } from "@/lib/gateways/settings/bounds";
import { parseCustomCost, type CustomCost } from "@/lib/pricing/cost";
import type { RequestHeaders } from "./contract";
import { GatewayError, invalidRequest } from "./errors";

export type MetadataValue = string | number | boolean;
export type Backoff = "constant" | "linear" | "exponential";

/** Every `cf-aig-*` request header, validated once. Absent headers are undefined (the gateway setting applies). */
export interface GatewayOptions {
  metadata?: Record<string, MetadataValue>;
  customCost?: CustomCost;
  eventId?: string;
  collectLog?: boolean;
  collectLogPayload?: boolean;
  byokAlias?: string;
  /** `cf-aig-no-wholesale: true`: never the operator's keys, whatever the gateway allows (`false` relaxes nothing). */
  noWholesale?: boolean;
  /** REST surface: which gateway of the token's team. */
  gatewayId?: string;
  skipCache?: boolean;
  /** Seconds. */
  cacheTtl?: number;
  /** `cf-aig-cache-key`: replaces the computed cache key. */
  cacheKey?: string;
  /** Milliseconds to the upstream's first byte. */
  requestTimeoutMs?: number;
  maxAttempts?: number;
  retryDelayMs?: number;
  backoff?: Backoff;
  /** `cf-aig-dlp-policies`: which of the gateway's DLP policies apply, when its setting lets the header choose. */
  dlpPolicies?: string[];
  /** `cf-aig-otel-trace-id`: the trace the request's exported span joins (lib/otel). */
  otelTraceId?: string;
  /** `cf-aig-otel-parent-span-id`: the span it is a child of. */
  otelParentSpanId?: string;
}

export type ParsedOptions = { ok: true; options: GatewayOptions } | { ok: false; error: GatewayError };

const METADATA_MAX_ENTRIES = 5;
/** As many as a gateway may have (lib/dlp/settings.ts). */
const DLP_POLICIES_MAX = 20;
const DLP_POLICY_ID_MAX = 64;
const EVENT_ID_MAX = 64;
const CACHE_KEY_MAX = 1024;
const CACHE_TTL_MIN = 60;

/**
 * Reads the `cf-aig-*` headers. Unlike Cloudflare, a bad value is a 400 naming the header and
 * the accepted form, never a silent drop. Returns the error instead of throwing, so the caller
 * can first learn the team (for the log row) before refusing.
 */
export function parseGatewayOptions(headers: RequestHeaders): ParsedOptions {
  try {
    return { ok: true, options: readOptions(headers) };
  } catch (error) {
    if (error instanceof GatewayError) return { ok: false, error };
    throw error;
  }
}

function readOptions(headers: RequestHeaders): GatewayOptions {
  const options: GatewayOptions = {};
  let value: string | null;
  if ((value = headers.get("cf-aig-metadata")) !== null) options.metadata = parseMetadata(value);
  if ((value = headers.get("cf-aig-custom-cost")) !== null) {
    try {
      options.customCost = parseCustomCost(value);
    } catch (error) {
      throw invalidHeader("cf-aig-custom-cost", (error as Error).message);
    }
  }
  if ((value = headers.get("cf-aig-event-id")) !== null) {
    if (value.length === 0 || value.length > EVENT_ID_MAX) {
      throw invalidHeader("cf-aig-event-id", `must be 1 to ${EVENT_ID_MAX} characters, got ${value.length}`);
    }
    options.eventId = value;
  }
  if ((value = headers.get("cf-aig-collect-log")) !== null) options.collectLog = parseBoolean("cf-aig-collect-log", value);
  if ((value = headers.get("cf-aig-collect-log-payload")) !== null) {
    options.collectLogPayload = parseBoolean("cf-aig-collect-log-payload", value);
  }
  if ((value = headers.get("cf-aig-byok-alias")) !== null) {
    if (!isSlug(value, 64, true)) {
      throw invalidHeader("cf-aig-byok-alias", `must be 1–64 letters, digits, hyphens and underscores, got "${value}"`);
    }
    options.byokAlias = value;
  }
  if ((value = headers.get("cf-aig-no-wholesale")) !== null) options.noWholesale = parseBoolean("cf-aig-no-wholesale", value);
  if ((value = headers.get("cf-aig-gateway-id")) !== null) {
    if (!isSlug(value, 64, false)) {
      throw invalidHeader("cf-aig-gateway-id", `must be a gateway id of 1–64 lowercase letters, digits and hyphens, got "${value}"`);
    }
    options.gatewayId = value;
  }
  // Cloudflare's deprecated names are still honoured; the current one wins when both are sent.
  if ((value = headers.get("cf-aig-skip-cache") ?? headers.get("cf-skip-cache")) !== null) {
    options.skipCache = parseBoolean(headers.get("cf-aig-skip-cache") !== null ? "cf-aig-skip-cache" : "cf-skip-cache", value);
  }
  if ((value = headers.get("cf-aig-cache-ttl") ?? headers.get("cf-cache-ttl")) !== null) {
    const header = headers.get("cf-aig-cache-ttl") !== null ? "cf-aig-cache-ttl" : "cf-cache-ttl";
    const ttl = parseInteger(header, value, 0, CACHE_TTL_MAX, "seconds");
    if (ttl !== 0 && ttl < CACHE_TTL_MIN) {
      throw invalidHeader(header, `must be 0 (no caching) or ${CACHE_TTL_MIN} to ${CACHE_TTL_MAX} seconds, got "${value}"`);
    }
    options.cacheTtl = ttl;
  }
  if ((value = headers.get("cf-aig-cache-key")) !== null) {
    if (value.length === 0 || value.length > CACHE_KEY_MAX) {
      throw invalidHeader("cf-aig-cache-key", `must be 1 to ${CACHE_KEY_MAX} characters, got ${value.length}`);
    }
    options.cacheKey = value;
  }
  if ((value = headers.get("cf-aig-request-timeout")) !== null) {
    options.requestTimeoutMs = parseInteger("cf-aig-request-timeout", value, 1, REQUEST_TIMEOUT_MAX, "milliseconds");
  }
  if ((value = headers.get("cf-aig-max-attempts")) !== null) {
    options.maxAttempts = parseInteger("cf-aig-max-attempts", value, 1, MAX_ATTEMPTS, "attempts");
  }
  if ((value = headers.get("cf-aig-retry-delay")) !== null) {
    options.retryDelayMs = parseInteger("cf-aig-retry-delay", value, 0, RETRY_DELAY_MAX, "milliseconds");
  }
  if ((value = headers.get("cf-aig-backoff")) !== null) {
    if (value !== "constant" && value !== "linear" && value !== "exponential") {
      throw invalidHeader("cf-aig-backoff", `must be constant, linear or exponential, got "${value}"`);
    }
    options.backoff = value;
  }
  if ((value = headers.get("cf-aig-dlp-policies")) !== null) options.dlpPolicies = parseDlpPolicies(value);
  if ((value = headers.get("cf-aig-otel-trace-id")) !== null) options.otelTraceId = parseTraceContextId("cf-aig-otel-trace-id", value, 32);
  if ((value = headers.get("cf-aig-otel-parent-span-id")) !== null) {
    options.otelParentSpanId = parseTraceContextId("cf-aig-otel-parent-span-id", value, 16);
  }
  return options;
}

/** Policy ids, comma-separated (none when empty); whether each exists is the gateway's to say (content-controls). */
function parseDlpPolicies(value: string): string[] {
  if (value.trim() === "") return [];
  const ids = value.split(",").map((id) => id.trim());
  if (ids.some((id) => id === "" || id.length > DLP_POLICY_ID_MAX)) {
    throw invalidHeader("cf-aig-dlp-policies", `must be DLP policy ids of 1 to ${DLP_POLICY_ID_MAX} characters separated by commas, like "pii,secrets", got "${value}"`);
  }
  if (ids.length > DLP_POLICIES_MAX) throw invalidHeader("cf-aig-dlp-policies", `names ${ids.length} policies, at most ${DLP_POLICIES_MAX} are allowed`);
  return [...new Set(ids)];
}

/** W3C trace context's ids: lowercase hex of a fixed length, not all zeros (which means "none"). */
function parseTraceContextId(header: string, value: string, digits: number): string {
  const id = value.trim().toLowerCase();
  if (id.length !== digits || !/^[0-9a-f]+$/.test(id) || /^0+$/.test(id)) {
    throw invalidHeader(header, `must be ${digits} hexadecimal digits, not all zero, got "${value}"`);
  }
  return id;
}

function invalidHeader(header: string, problem: string): GatewayError {
  return invalidRequest(`Invalid ${header} header: ${problem}`, "invalid_header");
}

function parseBoolean(header: string, value: string): boolean {
  const lower = value.trim().toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  throw invalidHeader(header, `must be true or false, got "${value}"`);
}

function parseInteger(header: string, value: string, min: number, max: number, unit: string): number {
  const trimmed = value.trim();
  const n = Number(trimmed);
  if (trimmed === "" || !Number.isInteger(n) || n < min || n > max) {
    throw invalidHeader(header, `must be a whole number of ${unit} from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

/** Lowercase letters, digits and hyphens; with `extended`, also uppercase and underscores. */
function isSlug(value: string, maxLength: number, extended: boolean): boolean {
  if (value.length === 0 || value.length > maxLength) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const ok =
      (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || (extended && ((c >= 65 && c <= 90) || c === 95));
    if (!ok) return false;
  }
  return true;
}

const METADATA_FORM = `a flat JSON object of at most ${METADATA_MAX_ENTRIES} entries whose values are strings, numbers or booleans, like {"user":"alice","tier":2}`;

function parseMetadata(value: string): Record<string, MetadataValue> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalidHeader("cf-aig-metadata", `is not valid JSON; expected ${METADATA_FORM}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw invalidHeader("cf-aig-metadata", `must be ${METADATA_FORM}`);
  }
  const entries = Object.entries(parsed);
  if (entries.length > METADATA_MAX_ENTRIES) {
    throw invalidHeader("cf-aig-metadata", `has ${entries.length} entries, at most ${METADATA_MAX_ENTRIES} are allowed`);
  }
  for (const [key, entry] of entries) {
    if (key.startsWith("cf.")) {
      throw invalidHeader("cf-aig-metadata", `key "${key}" is reserved: keys starting with "cf." are set by the gateway`);
    }
    const type = entry === null ? "null" : Array.isArray(entry) ? "an array" : typeof entry;
    if (type !== "string" && type !== "number" && type !== "boolean") {
      throw invalidHeader("cf-aig-metadata", `value of "${key}" is ${type === "object" ? "an object" : type}; values must be strings, numbers or booleans`);
    }
  }
  return parsed as Record<string, MetadataValue>;
}
