import type { NewRequestLog } from "@/db/schema";
import { errorLine } from "@/lib/error-line";
import type { TokenUsage } from "@/lib/formats/usage";
import type { LogSink } from "@/lib/logs/types";
import { costMicros, pricedModel, type Cost } from "@/lib/pricing/cost";
import type { GatewayResponse, RequestHeaders, ResponseHeaders } from "./contract";
import { MethodNotAllowedError, type GatewayError } from "./errors";
import { attemptElapsedMs, setGatewayHeaders, type Exchange } from "./exchange";
import { loggedBody } from "./log-body";
import { effectiveOptions } from "./plan";

/** How a request ended, as far as its log row is concerned. */
export interface ExchangeOutcome {
  statusCode: number;
  /** The gateway's own refusal. */
  error?: GatewayError;
  /** Why a started response did not finish normally (upstream dropped, client went away). */
  failure?: string;
  usage?: TokenUsage;
  /** The model the provider reported, for requests that named none (passthrough). */
  responseModel?: string;
  responseBody?: string;
  /** The content type of a response body that is not text, kept in its place (log-body.ts). */
  responseBinaryType?: string;
  /** The bytes of the response body the client got; when unset, those of `responseBody` (the gateway's own answers). */
  responseBytes?: number;
  responseHeaders: ResponseHeaders;
  ttfbMs?: number;
  /** Another attempt of the same step follows (a retry, another key of the pool): the step's counters stay reserved. */
  continues?: boolean;
}

export interface LogPolicy {
  row: boolean;
  payload: boolean;
}

/** Request headers override the gateway's settings; `cf-aig-collect-log: false` stores nothing at all. */
export function logPolicy(exchange: Exchange): LogPolicy {
  const options = effectiveOptions(exchange.gateway, exchange.options);
  return { row: options.collectLog, payload: options.collectLog && options.collectLogPayload };
}

const REDACTED_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "cf-aig-authorization",
  "x-api-key",
  "api-key",
  "x-goog-api-key",
  "xi-api-key",
  "cookie",
  "set-cookie",
]);

function redacted(headers: RequestHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = REDACTED_HEADERS.has(name) ? "[redacted]" : value;
  });
  return out;
}

function redactedResponse(headers: ResponseHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name]!;
    out[name] = REDACTED_HEADERS.has(name) ? "[redacted]" : typeof value === "string" ? value : value.join(", ");
  }
  return out;
}

/** The cost of a row's usage, when its model has a price (the catalog's, or the request's custom cost). */
function rowCost(exchange: Exchange, outcome: ExchangeOutcome, model: string | null): Cost | undefined {
  const priced = exchange.provider ? pricedModel(exchange.provider, model, outcome.responseModel) : null;
  return outcome.usage && exchange.provider && priced ? costMicros(exchange.provider, priced, outcome.usage, exchange.options?.customCost) : undefined;
}

/** Adds the row's cost and tokens to the step's settlement, and settles it on the step's last row; logged or not. */
function settleRow(exchange: Exchange, outcome: ExchangeOutcome, cost: Cost | undefined): void {
  const { settlement } = exchange;
  if (!settlement) return;
  settlement.add(cost?.micros ?? 0, (outcome.usage?.input ?? 0) + (outcome.usage?.output ?? 0));
  if (outcome.continues) return;
  exchange.settlement = undefined;
  settlement.settle();
}

/** Queues the request's one log event and settles what admission reserved for it; never throws, never waits. */
export function recordExchange(logs: LogSink, exchange: Exchange, outcome: ExchangeOutcome): void {
  const model = exchange.model ?? outcome.responseModel ?? null;
  let cost: Cost | undefined;
  try {
    cost = rowCost(exchange, outcome, model);
  } catch (error) {
    console.error(`switchyard: could not price request ${exchange.logId}: ${errorLine(error)}`);
  }
  settleRow(exchange, outcome, cost);
  // The row's team_id is NOT NULL: a refusal before the team is known (unknown team, a bad token on
  // the REST surface) belongs to no team's logs, so it is the one case that is not recorded.
  if (exchange.teamId === null) return;
  const policy = logPolicy(exchange);
  if (!policy.row) return;
  try {
    const log: NewRequestLog = {
      id: exchange.logId,
      requestId: exchange.requestId,
      teamId: exchange.teamId,
      gatewayId: exchange.gateway?.id ?? null,
      tokenId: exchange.tokenId,
      providerKeyId: exchange.providerKeyId,
      keySource: exchange.keySource,
      eventId: exchange.options?.eventId ?? exchange.requestId,
      provider: exchange.provider ?? exchange.named?.provider ?? null,
      model: model ?? exchange.named?.model ?? null,
      ingressFormat: exchange.ingressFormat ?? null,
      path: exchange.path,
      method: exchange.method,
      statusCode: outcome.statusCode,
      success: outcome.statusCode >= 200 && outcome.statusCode < 300 && outcome.failure === undefined,
      errorCode: outcome.error?.internalCode ?? null,
      errorMessage: outcome.error?.message ?? outcome.failure ?? null,
      stream: exchange.stream,
      tokensIn: outcome.usage?.input ?? 0,
      tokensOut: outcome.usage?.output ?? 0,
      tokensCached: outcome.usage?.cached ?? 0,
      costMicros: cost?.micros ?? 0,
      customCost: cost?.custom ?? false,
      durationMs: attemptElapsedMs(exchange),
      ttfbMs: outcome.ttfbMs ?? null,
      requestBytes: exchange.requestBody?.byteLength ?? 0,
      responseBytes: outcome.responseBytes ?? (outcome.responseBody === undefined ? null : Buffer.byteLength(outcome.responseBody)),
      step: exchange.step,
      attempt: exchange.attempt,
      cached: exchange.cached,
      metadata: exchange.options?.metadata ?? null,
      userAgent: exchange.requestHeaders.get("user-agent"),
      route: exchange.route ?? null,
      guardrails: exchange.guardrails ?? null,
      dlp: exchange.dlp ?? null,
      parentRequestId: exchange.parentRequestId ?? null,
      createdAt: exchange.createdAt,
    };
    // Decoded (and checked for binary) only when the payload is kept: a row alone needs its size.
    const request = policy.payload && exchange.requestBody ? loggedBody(exchange.requestBody, exchange.requestHeaders.get("content-type")) : undefined;
    const payload = policy.payload
      ? {
          logId: exchange.logId,
          teamId: exchange.teamId,
          requestBody: request?.text ?? null,
          requestBinaryType: request?.binaryType ?? null,
          responseBody: outcome.responseBody ?? null,
          responseBinaryType: outcome.responseBinaryType ?? null,
          providerRequestBody: exchange.providerRequestBody ?? null,
          requestHeaders: redacted(exchange.requestHeaders),
          responseHeaders: redactedResponse(outcome.responseHeaders),
        }
      : undefined;
    logs.enqueue({ log, payload });
  } catch (error) {
    console.error(`switchyard: could not queue the log event of request ${exchange.logId}: ${errorLine(error)}`);
  }
}

/** The gateway's own refusal as its answer, `body` rendered in the client's shape, logged as the exchange's row. */
export function refusalAnswer(logs: LogSink, exchange: Exchange, refusal: GatewayError, body: string): GatewayResponse {
  const headers: ResponseHeaders = { "content-type": "application/json" };
  if (refusal instanceof MethodNotAllowedError) headers.allow = refusal.allow;
  setGatewayHeaders(headers, exchange);
  recordExchange(logs, exchange, { statusCode: refusal.httpCode, error: refusal, responseBody: body, responseHeaders: headers });
  return { status: refusal.httpCode, headers, body };
}
