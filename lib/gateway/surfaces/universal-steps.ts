import { isJsonObject } from "@/lib/formats/json";
import { GatewayError, invalidRequest } from "../errors";
import { assertJsonDepth } from "../openai-body";
import { MAX_ATTEMPTS, REQUEST_TIMEOUT_MAX, RETRY_DELAY_MAX } from "@/lib/gateways/settings/bounds";
import { parseGatewayOptions, type GatewayOptions } from "../options";

/** One step of a Universal request, validated: what to call, with what, under which settings. */
export interface UniversalStep {
  /** A provider slug, `compat` or `custom-{slug}`: the path segment after the gateway. */
  provider: string;
  /** The path after the provider (`chat/completions`, `v1/messages`, `@cf/meta/…`), without its query. */
  endpointPath: string;
  /** The endpoint's query, `?` included (`?alt=sse`), or "". */
  endpointQuery: string;
  /** The step's own headers (WHATWG Headers: names lower-cased and checked, values checked). */
  headers: Headers;
  /** The older form of the provider's key header. */
  authorization: string | undefined;
  /** `query`, the provider-native body, as JSON bytes. */
  body: Uint8Array;
  /** The step's `cf-aig-*` headers and `config`, `config` winning; only what the step sets. */
  options: GatewayOptions;
}

/**
 * Cloudflare documents no limit; this one keeps a request from fanning out into more upstream calls
 * than any fallback chain needs, each of which may itself be retried.
 */
export const MAX_STEPS = 10;

const STEP_FIELDS = new Set(["provider", "endpoint", "headers", "authorization", "query", "config"]);
const CONFIG_FIELDS = new Set(["requestTimeout", "maxAttempts", "retryDelay", "backoff"]);
const STEP_FORM = '{"provider":"openai","endpoint":"chat/completions","headers":{…},"query":{…the provider\'s own request body…}}';
const PROVIDER_SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** Printable ASCII but space: the endpoint becomes part of the upstream URL as it is. */
const URL_TEXT = /^[\x21-\x7e]*$/;

const utf8 = new TextDecoder();
const encoder = new TextEncoder();

/** The Universal endpoint's body: a JSON array of steps, or one step object. */
export function parseUniversalSteps(raw: Uint8Array | undefined): UniversalStep[] {
  if (raw === undefined) throw invalidStepsBody("the body is empty");
  assertJsonDepth(raw);
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(raw));
  } catch {
    throw invalidStepsBody("the body is not valid JSON");
  }
  const steps = Array.isArray(parsed) ? parsed : isJsonObject(parsed) ? [parsed] : undefined;
  if (steps === undefined) throw invalidStepsBody(`the body is ${describe(parsed)}`);
  if (steps.length === 0) throw invalidStepsBody("the array is empty");
  if (steps.length > MAX_STEPS) throw invalidStepsBody(`it has ${steps.length} steps, at most ${MAX_STEPS} are allowed`);
  return steps.map((step, index) => parseStep(step, index));
}

function invalidStepsBody(problem: string): GatewayError {
  return invalidRequest(
    `The Universal endpoint takes a JSON array of steps, or one step, each like ${STEP_FORM}; ${problem}`,
    "invalid_universal_request",
  );
}

function stepError(index: number, problem: string): GatewayError {
  return invalidRequest(`Step ${index}: ${problem}`, "invalid_universal_step");
}

function parseStep(value: unknown, index: number): UniversalStep {
  if (!isJsonObject(value)) throw stepError(index, `must be an object like ${STEP_FORM}, got ${describe(value)}`);
  for (const field of Object.keys(value)) {
    if (!STEP_FIELDS.has(field)) {
      throw stepError(index, `unknown field "${field}"; a step has ${[...STEP_FIELDS].map((f) => `"${f}"`).join(", ")}`);
    }
  }
  const provider = value.provider;
  if (typeof provider !== "string" || !PROVIDER_SLUG.test(provider)) {
    throw stepError(index, `"provider" must be a provider slug ("openai", "anthropic"), "compat" or "custom-{slug}", got ${describe(provider)}`);
  }
  const { endpointPath, endpointQuery } = parseEndpoint(value.endpoint, index);
  const headers = parseHeaders(value.headers, index);
  const authorization = value.authorization;
  if (authorization !== undefined && (typeof authorization !== "string" || !isHeaderValue(authorization))) {
    throw stepError(index, `"authorization" must be a string fit for an HTTP header (the provider key, like "Bearer sk-…"), got ${describe(authorization)}`);
  }
  if (!isJsonObject(value.query)) {
    throw stepError(index, `"query" must be the provider's own request body as a JSON object, got ${describe(value.query)}`);
  }
  const parsed = parseGatewayOptions(headers);
  if (!parsed.ok) throw stepError(index, `"headers": ${parsed.error.message}`);
  return {
    provider,
    endpointPath,
    endpointQuery,
    headers,
    authorization,
    body: encoder.encode(JSON.stringify(value.query)),
    options: { ...parsed.options, ...parseConfig(value.config, index) },
  };
}

function parseEndpoint(value: unknown, index: number): { endpointPath: string; endpointQuery: string } {
  const form = `the path after the provider, like "chat/completions", "v1/messages" or "@cf/meta/llama-3.1-8b-instruct"`;
  if (typeof value !== "string") throw stepError(index, `"endpoint" must be ${form}, got ${describe(value)}`);
  const endpoint = value.replace(/^\/+/, "");
  if (endpoint === "") throw stepError(index, `"endpoint" must be ${form}, got an empty path`);
  if (!URL_TEXT.test(endpoint) || endpoint.includes("#")) {
    throw stepError(index, `"endpoint" must be ${form}, in printable ASCII without spaces or "#" (percent-encode others), got ${JSON.stringify(value)}`);
  }
  const queryAt = endpoint.indexOf("?");
  return queryAt === -1
    ? { endpointPath: endpoint, endpointQuery: "" }
    : { endpointPath: endpoint.slice(0, queryAt), endpointQuery: endpoint.slice(queryAt) };
}

function parseHeaders(value: unknown, index: number): Headers {
  const headers = new Headers();
  if (value === undefined) return headers;
  if (!isJsonObject(value)) throw stepError(index, `"headers" must be an object of header names to string values, got ${describe(value)}`);
  for (const [name, header] of Object.entries(value)) {
    if (typeof header !== "string") throw stepError(index, `"headers": the value of "${name}" must be a string, got ${describe(header)}`);
    try {
      headers.set(name, header);
    } catch {
      // WHATWG Headers refuses what HTTP cannot carry: a name that is not a token, CR, LF or NUL in a value.
      throw stepError(index, `"headers": "${name}" is not a valid HTTP header name or its value holds characters a header cannot carry`);
    }
  }
  return headers;
}

function isHeaderValue(value: string): boolean {
  try {
    new Headers().set("authorization", value);
    return true;
  } catch {
    return false;
  }
}

/** `config`: the step's own retries and timeout, within the `cf-aig-*` headers' limits. */
function parseConfig(value: unknown, index: number): GatewayOptions {
  if (value === undefined) return {};
  if (!isJsonObject(value)) {
    throw stepError(index, `"config" must be an object like {"requestTimeout":1000,"maxAttempts":2,"retryDelay":500,"backoff":"exponential"}, got ${describe(value)}`);
  }
  for (const field of Object.keys(value)) {
    if (!CONFIG_FIELDS.has(field)) {
      throw stepError(index, `"config" has an unknown field "${field}"; it takes ${[...CONFIG_FIELDS].map((f) => `"${f}"`).join(", ")}`);
    }
  }
  const options: GatewayOptions = {};
  const integer = (field: string, min: number, max: number, unit: string): number | undefined => {
    const n = value[field];
    if (n === undefined) return undefined;
    if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
      throw stepError(index, `"config.${field}" must be a whole number of ${unit} from ${min} to ${max}, got ${describe(n)}`);
    }
    return n;
  };
  const timeout = integer("requestTimeout", 1, REQUEST_TIMEOUT_MAX, "milliseconds");
  if (timeout !== undefined) options.requestTimeoutMs = timeout;
  const attempts = integer("maxAttempts", 1, MAX_ATTEMPTS, "attempts");
  if (attempts !== undefined) options.maxAttempts = attempts;
  const delay = integer("retryDelay", 0, RETRY_DELAY_MAX, "milliseconds");
  if (delay !== undefined) options.retryDelayMs = delay;
  const backoff = value.backoff;
  if (backoff !== undefined) {
    if (backoff !== "constant" && backoff !== "linear" && backoff !== "exponential") {
      throw stepError(index, `"config.backoff" must be "constant", "linear" or "exponential", got ${describe(backoff)}`);
    }
    options.backoff = backoff;
  }
  return options;
}

/** A value as an error message shows it: short, and never more of the client's input than needed. */
function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${typeof value} ${text.slice(0, 77)}…` : text;
}
