import { FormatError, type WireFormat } from "@/lib/formats/codec";
import { codecFor } from "@/lib/formats/index";
import { openAiErrorType } from "@/lib/formats/openai-chat/error";
import { ProviderRequestError, type StoredKeyError } from "@/lib/providers/types";
import { ALLOW_PRIVATE_UPSTREAMS_HINT } from "./private-address";

/**
 * The gateway's own refusals. `internalCode` is Cloudflare's (reference §10) where Cloudflare has
 * one; `code` is the string OpenAI-format clients see in `error.code`.
 */
export class GatewayError extends Error {
  constructor(
    readonly httpCode: number,
    readonly internalCode: number,
    message: string,
    readonly code: string,
    /** The request field at fault, where there is one (OpenAI's `param`). */
    readonly param?: string,
  ) {
    super(message);
    this.name = "GatewayError";
  }
}

/** Cloudflare's internal codes, and `internal` of ours for the gateway's own failures. */
export const InternalCode = {
  gatewayNotFound: 2001,
  /** Cloudflare's "Rate limited"; here also the per-token stream limit. */
  rateLimited: 2003,
  providerFailed: 2005,
  invalidProvider: 2008,
  unauthorized: 2009,
  /** The team's credits for operator keys are spent (Cloudflare's Unified Billing answer). */
  insufficientCredits: 2021,
  /** Guardrails: a BLOCK rule matched the prompt (424), or the response (424). */
  promptBlocked: 2016,
  responseBlocked: 2017,
  /** DLP: a BLOCK policy matched the request, or the response (400). */
  dlpRequestBlocked: 2029,
  dlpResponseBlocked: 2030,
  unknownAlias: 2040,
  /** A budget or a spend-limit rule is spent (Cloudflare has also been seen sending 2041). */
  spendLimitExceeded: 2045,
  /** Cloudflare's "user input error" on its unified path; used for every malformed request. */
  invalidRequest: 7003,
  /** The guardrail evaluator did not answer while a BLOCK rule applies (503). */
  guardrailsUnavailable: 7013,
  internal: 5000,
} as const;

// 404 for an unknown team as well as an unknown gateway, so callers cannot probe which teams exist.
export const gatewayNotFound = () =>
  new GatewayError(404, InternalCode.gatewayNotFound, "Gateway not found", "gateway_not_found");

/** Says what to send, never why a token failed, so a token's owner or team cannot be probed. */
export const unauthorized = (detail: "missing" | "invalid") =>
  new GatewayError(
    401,
    InternalCode.unauthorized,
    detail === "missing"
      ? "Unauthorized: send a gateway token (sy_…) in cf-aig-authorization or Authorization"
      : "Unauthorized: the gateway token is not valid for this gateway",
    "unauthorized",
  );

export const invalidProvider = (provider: string) =>
  new GatewayError(400, InternalCode.invalidProvider, `Invalid provider: "${provider}"`, "invalid_provider");

export const invalidRequest = (message: string, code = "invalid_request") =>
  new GatewayError(400, InternalCode.invalidRequest, message, code);

/**
 * What a failed request is refused with: the gateway's own refusal, or a provider adapter's of the
 * client's request (a 400); undefined for anything else, a fault of ours.
 */
export function refusalOf(error: unknown): GatewayError | undefined {
  if (error instanceof GatewayError) return error;
  if (error instanceof ProviderRequestError) return invalidRequest(error.message, "invalid_provider_request");
  return undefined;
}

/** A provider reached only through passthrough (speech, images), named as `{provider}/{model}` on compat or REST. */
export const passthroughOnlyProvider = (name: string, slug: string) =>
  invalidRequest(
    `${name} is reached only through passthrough (/v1/{team}/{gateway}/${slug}/{its own API path}): ` +
      `it speaks no chat format the gateway translates, so "${slug}/{model}" does not work here`,
    "passthrough_only_provider",
  );

/** What the client's format cannot say, or the provider's cannot carry: a 400 naming the field. */
export const formatRefusal = (error: FormatError) =>
  new GatewayError(400, InternalCode.invalidRequest, error.message, error.code, error.field);

export const unsupportedEndpoint = (what: string) =>
  new GatewayError(404, InternalCode.invalidRequest, `${what} is not supported by this gateway`, "unsupported_endpoint");

/** A 405, whose response names the allowed methods in its `Allow` header. */
export class MethodNotAllowedError extends GatewayError {
  constructor(
    method: string,
    /** The `Allow` header's value: `POST`, `GET, HEAD`. */
    readonly allow: string,
  ) {
    super(405, InternalCode.invalidRequest, `${method} is not allowed here; use ${allow}`, "method_not_allowed");
  }
}

export const methodNotAllowed = (method: string, allowed: string) => new MethodNotAllowedError(method, allowed);

/** Deeper JSON is refused before parsing: re-encoding it would overflow the stack. */
export const jsonTooDeep = (limit: number) =>
  invalidRequest(`The request body's JSON nests arrays and objects more than ${limit} levels deep, the gateway's limit`, "json_too_deep");

/** A request node:http could not read, or one the gateway cannot take as a URL (request line, Host, framing). */
export const malformedRequest = (detail: string) =>
  new GatewayError(400, InternalCode.invalidRequest, `Malformed request: ${detail}`, "malformed_request");

export const headersTooLarge = (limit: number) =>
  new GatewayError(
    431,
    InternalCode.invalidRequest,
    `The request line and headers exceed the server's limit of ${limit} bytes; the operator can raise it with SWITCHYARD_MAX_HEADER_BYTES`,
    "request_header_fields_too_large",
  );

export const requestTimeout = () =>
  new GatewayError(408, InternalCode.invalidRequest, "The request was not received in time", "request_timeout");

export const bodyTooLarge = (limit: number) =>
  new GatewayError(
    413,
    InternalCode.invalidRequest,
    `Request body exceeds the gateway's limit of ${limit} bytes; the operator can raise it with SWITCHYARD_MAX_BODY_BYTES`,
    "request_too_large",
  );

export const unknownAlias = (provider: string, alias: string, configured: readonly string[]) =>
  new GatewayError(
    400,
    InternalCode.unknownAlias,
    `Provider '${provider}' has no BYOK credential named '${alias}'. Configured aliases: ${
      configured.length ? configured.map((a) => `'${a}'`).join(", ") : "none"
    }`,
    "unknown_byok_alias",
  );

export const providerFailed = (httpCode: 502 | 504, detail: string) =>
  new GatewayError(httpCode, InternalCode.providerFailed, `Failed to get response from provider: ${detail}`, "provider_error");

/**
 * The provider refused a stored key (Cloudflare's REST API answers a credential rejection with 401
 * and 2009). It names the key by provider and alias, for the team to rotate it; never the secret, nor
 * the provider's own words, which some providers write a masked key into.
 */
export const storedKeyRejected = (provider: string, providerName: string, alias: string, status: number, owner: KeyOwner = "team") =>
  new GatewayError(
    401,
    InternalCode.unauthorized,
    `${providerName} rejected the ${storedKeyName(provider, alias, owner)} (HTTP ${status}): ${rotateHint(provider, alias, owner)}`,
    "provider_key_rejected",
  );

/** Whose stored key: the team's, or the deployment operator's, which the team cannot rotate. */
export type KeyOwner = "team" | "operator";

const storedKeyName = (provider: string, alias: string, owner: KeyOwner) =>
  owner === "team" ? `stored ${provider} key "${alias}"` : `operator's ${provider} key "${alias}"`;

const rotateHint = (provider: string, alias: string, owner: KeyOwner) =>
  owner === "team"
    ? `rotate it with \`npx switchyard key rotate {team} ${provider} --alias ${alias}\` or in the dashboard, or send your own key`
    : "the deployment's operator can rotate it (`npx switchyard operator key rotate`); or store a key of your own, or send one";

/**
 * A stored key the provider's own credential step could not use (Vertex AI's token exchange),
 * named by provider and alias; the message is the provider adapter's, which never holds the secret.
 */
export function storedKeyFailed(provider: string, providerName: string, alias: string, error: StoredKeyError, owner: KeyOwner = "team"): GatewayError {
  const message = `${providerName} could not use the ${storedKeyName(provider, alias, owner)}: ${error.message}`;
  if (error.kind === "rejected") return new GatewayError(401, InternalCode.unauthorized, `${message}; ${rotateHint(provider, alias, owner)}`, "provider_key_rejected");
  if (error.kind === "unusable") return new GatewayError(400, InternalCode.invalidRequest, message, "provider_key_unusable");
  return new GatewayError(502, InternalCode.providerFailed, message, "provider_error");
}

/** `refusal` is a PrivateUpstreamError's message: the host and the class of its address. */
export const privateUpstream = (refusal: string) =>
  new GatewayError(
    403,
    InternalCode.providerFailed,
    `Upstream ${refusal}, and this gateway connects only to public addresses; ${ALLOW_PRIVATE_UPSTREAMS_HINT}`,
    "private_upstream",
  );

export const tooManyStreams = (limit: number) =>
  new GatewayError(
    429,
    InternalCode.rateLimited,
    `This gateway token already has ${limit} streams open, the limit per token on each gateway instance; ` +
      "wait for one to end, or the operator can raise it with SWITCHYARD_MAX_STREAMS_PER_TOKEN",
    "too_many_streams",
  );

/** `rule` is describeRule's (lib/limits/rules.ts): which limit, how much, per which window. */
export const rateLimited = (rule: string) =>
  new GatewayError(429, InternalCode.rateLimited, `Rate limited: ${rule}`, "rate_limited");

/** Cloudflare's wording: `Spend limit exceeded: rule 'per-user' (cost limit 0.002 per 3600s, fixed)`. */
export const spendLimitExceeded = (rule: string) =>
  new GatewayError(429, InternalCode.spendLimitExceeded, `Spend limit exceeded: ${rule}`, "spend_limit_exceeded");

export const insufficientCredits = (usedUsd: number, grantedUsd: number) =>
  new GatewayError(
    402,
    InternalCode.insufficientCredits,
    `Insufficient credits: the team has used ${usedUsd} of the ${grantedUsd} USD of credits the operator granted for its keys; ` +
      "add a provider key of your own (BYOK), or ask the operator for a top-up",
    "insufficient_credits",
  );

/** The counter store (Redis) did not answer: limits fail closed rather than let a request through uncounted. */
export const limitsUnavailable = () =>
  new GatewayError(503, InternalCode.internal, "The gateway cannot check its rate limits and budgets right now; retry shortly", "limits_unavailable");

/** A limit refused the request (rate, spend, credits): the client is told which, and when to retry, whatever else failed. */
export function isLimitRefusal(error: GatewayError): boolean {
  return (
    (error.httpCode === 429 && (error.internalCode === InternalCode.rateLimited || error.internalCode === InternalCode.spendLimitExceeded)) ||
    error.internalCode === InternalCode.insufficientCredits
  );
}

/** `categories`: the ones a BLOCK rule names that the evaluator found (Cloudflare's codes, S1–S13, P1). */
export const promptBlocked = (categories: readonly string[]) =>
  new GatewayError(424, InternalCode.promptBlocked, `Prompt blocked by guardrails: ${categories.join(", ")}`, "prompt_blocked");

export const responseBlocked = (categories: readonly string[]) =>
  new GatewayError(424, InternalCode.responseBlocked, `Response blocked by guardrails: ${categories.join(", ")}`, "response_blocked");

/** Cloudflare's wording (reference §8.2). */
export const dlpRequestBlocked = () =>
  new GatewayError(400, InternalCode.dlpRequestBlocked, "Request content blocked due to DLP policy violations", "dlp_request_blocked");

export const dlpResponseBlocked = () =>
  new GatewayError(400, InternalCode.dlpResponseBlocked, "Response content blocked due to DLP policy violations", "dlp_response_blocked");

/** Only while a BLOCK rule applies: FLAG-only checks let the request go on without a verdict. */
export const guardrailsUnavailable = (detail: string) =>
  new GatewayError(503, InternalCode.guardrailsUnavailable, `Guardrails are unavailable: ${detail}`, "guardrails_unavailable");

/**
 * `model: "dynamic/{name}"` naming no route of the gateway with a deployed version: a 404 with
 * 7003, Cloudflare's "Model not found", saying how to deploy one.
 */
export const routeNotDeployed = (name: string, team: string, gateway: string) =>
  new GatewayError(
    404,
    InternalCode.invalidRequest,
    `Model not found: dynamic/${name}: gateway "${gateway}" has no route "${name}" with a deployed version; ` +
      `deploy one on the gateway's Routes page in the dashboard, or with \`npx switchyard route deploy ${team} ${gateway} ${name} {version}\``,
    "route_not_found",
    "model",
  );

/** A route's walk reached its end without calling a model (Cloudflare's `end`: "the last successful model response, or an error"). */
export const routeCalledNoModel = (route: string, version: number, path: string) =>
  new GatewayError(
    400,
    InternalCode.invalidRequest,
    `Dynamic route "${route}" (version ${version}) called no model for this request: its path ${path} reaches the end without a model element`,
    "route_called_no_model",
  );

/** A deployed version whose outputs lead nowhere or round: validation keeps such versions from deployment. */
export const routeBroken = (route: string, version: number, elementId: string | undefined) =>
  new GatewayError(
    500,
    InternalCode.internal,
    `Dynamic route "${route}" (version ${version}) cannot be walked${elementId ? ` past element "${elementId}"` : ""}; deploy a version that validates`,
    "route_invalid",
  );

/** Every model a route called failed; the status is the last one's, as Universal's 2005 gives it. */
export const routeModelsFailed = (route: string, version: number, httpCode: number, failures: readonly string[]) =>
  new GatewayError(
    httpCode,
    InternalCode.providerFailed,
    `Failed to get response from provider: every model of dynamic route "${route}" (version ${version}) failed: ${failures.join("; ")}`,
    "route_models_failed",
  );

/** Nobody reads it; it records in the log that the client went away before the provider answered. */
export const clientClosed = () =>
  new GatewayError(499, InternalCode.providerFailed, "Client closed the request before the provider answered", "client_closed");

export const internalError = () =>
  new GatewayError(500, InternalCode.internal, "Internal gateway error", "internal_error");

/**
 * OpenAI's error shape, which the openai SDK parses, carrying Cloudflare's fields beside it
 * (`errors` holds what Cloudflare's envelope calls `error`, since `error` is OpenAI's object here).
 */
export function renderOpenAiError(error: GatewayError): string {
  return JSON.stringify({
    error: { message: error.message, type: openAiErrorType(error.httpCode), code: error.code, param: error.param ?? null },
    name: "AiGatewayError",
    internalCode: error.internalCode,
    httpCode: error.httpCode,
    success: false,
    errors: [{ code: error.internalCode, message: error.message }],
  });
}

/**
 * A refusal in the shape the client's SDK reads: OpenAI's (with Cloudflare's fields) for the OpenAI
 * formats and for paths with no format of their own, the format's own otherwise (Anthropic's
 * `{"type":"error","error":{…}}` on /ai/v1/messages).
 */
export function renderError(error: GatewayError, ingress: WireFormat | undefined): string {
  if (ingress === undefined || ingress === "openai-chat" || ingress === "openai-responses") return renderOpenAiError(error);
  // Cloudflare's own envelope (Workers AI's, on /ai/run) carries Cloudflare's numeric codes.
  const code = ingress === "workers-ai" ? String(error.internalCode) : error.code;
  return JSON.stringify(codecFor(ingress).encodeError({ status: error.httpCode, message: error.message, code }));
}

/**
 * Cloudflare's own error envelope (reference §10), in which the Universal endpoint answers:
 * Cloudflare's client (`ai-gateway-provider`) reads `error[0].code` from it to throw its own error
 * classes (2001, 2009).
 */
export function renderEnvelope(error: GatewayError): string {
  return JSON.stringify({
    success: false,
    result: [],
    messages: [],
    error: [{ code: error.internalCode, message: error.message }],
    name: "AiGatewayError",
    httpCode: error.httpCode,
    internalCode: error.internalCode,
    message: error.message,
  });
}

/**
 * A refusal as the Universal endpoint gives it: Cloudflare answers an unknown gateway (2001) with a
 * 400 there, and its client recognises 2001 only on a 400. Our other routes keep their 404.
 */
export function universalRefusal(error: GatewayError): GatewayError {
  if (error.internalCode !== InternalCode.gatewayNotFound || error.httpCode === 400) return error;
  return new GatewayError(400, error.internalCode, error.message, error.code, error.param);
}

/**
 * Every step of a Universal request failed (Cloudflare's 2005). The status is the last step's, so a
 * client reading only the status sees the failure it would have seen calling that step alone.
 */
export const allStepsFailed = (httpCode: number, failures: readonly string[]) =>
  new GatewayError(
    httpCode,
    InternalCode.providerFailed,
    `Failed to get response from provider: every step failed: ${failures.join("; ")}`,
    "all_steps_failed",
  );
