import type { Gateway } from "@/db/schema";
import type { WireFormat } from "@/lib/formats/codec";
import { dlpHeader } from "@/lib/dlp/header";
import type { DlpOutcome } from "@/lib/dlp/types";
import type { GuardrailOutcome } from "@/lib/guardrails/types";
import { uuidv7 } from "@/lib/ids";
import type { RouteTrace } from "@/lib/routes/types";
import type { GatewayRequest, RequestHeaders, ResponseHeaders } from "./contract";
import type { GatewayOptions } from "./options";

/** Whose key called the provider: a stored key of the team, an operator key (charged to the team's credits), or the client's own. */
export type KeySource = "team" | "operator" | "request";

/**
 * What admission counted for the current step (lib/limits): every row recorded adds its actual cost
 * and tokens, and the step's last row settles it, releasing what was reserved.
 */
export interface Settlement {
  add(costMicros: number, tokens: number): void;
  /** Once; later calls do nothing. */
  settle(): void;
}

/** One request as the gateway learns about it; whatever is known when it ends goes into the log row. */
export interface Exchange {
  /** UUIDv7: `cf-aig-request-id`, and `cf-aig-event-id` unless the client sent one; shared by every attempt's row. */
  readonly requestId: string;
  /**
   * UUIDv7 of the row being written, sent as `cf-aig-log-id`: the request id for the first
   * attempt, a new one for each retry or Universal step after it (`nextAttempt`).
   */
  logId: string;
  /** The Universal endpoint's step being tried (0-based); 0 for every other request. */
  step: number;
  /** 1 for a step's first call, 2… for its retries. */
  attempt: number;
  /** Answered from the cache: logged with no tokens and no cost. */
  cached: boolean;
  /** `performance.now()` at arrival. */
  readonly startedAt: number;
  /** `performance.now()` when the current row's attempt began (`startedAt` for the first): its row's duration and time to first byte count from here. */
  attemptStartedAt: number;
  readonly createdAt: Date;
  readonly method: string;
  readonly requestHeaders: RequestHeaders;
  /** The path after the gateway (`compat/chat/completions`, `openai/chat/completions`). */
  path: string;
  teamId: string | null;
  gateway: Gateway | undefined;
  tokenId: string | null;
  providerKeyId: string | null;
  keySource: KeySource | null;
  /** Open while the current step's counters are reserved; settled by its last row (logging.ts). */
  settlement: Settlement | undefined;
  /** Rate-limit and budget headers (`X-RateLimit-*`, `Retry-After`…) for whatever answers the request, refusals included. */
  limitHeaders: Record<string, string> | undefined;
  options: GatewayOptions | undefined;
  provider: string | null;
  model: string | null;
  /**
   * The provider and model as the request body named them, before they were looked up: what a
   * refused request's row shows. Kept apart from `provider`, which labels metrics and headers and
   * so holds only providers that exist.
   */
  named?: { provider: string; model: string };
  stream: boolean;
  /** The body as the client sent it. */
  requestBody: Uint8Array | undefined;
  /** The wire format the client speaks, once its surface is known; its errors are rendered in it. */
  ingressFormat: WireFormat | undefined;
  /** A translated request's body as it went to the provider. */
  providerRequestBody: string | undefined;
  /** The dynamic route the request is going through, and its path so far (`cf-aig-route*`, the log's `route`). */
  route: RouteTrace | undefined;
  /** Guardrail evaluations of the prompt and the response so far. */
  guardrails: GuardrailOutcome[] | undefined;
  /** DLP findings so far, and the strongest action taken (`cf-aig-dlp`). */
  dlp: DlpOutcome | undefined;
  /** The request this one is a call for (a guardrail evaluation's): its log row is linked to it. */
  parentRequestId: string | undefined;
}

export function startExchange(req: GatewayRequest): Exchange {
  const now = Date.now();
  const id = uuidv7(now);
  const startedAt = performance.now();
  return {
    requestId: id,
    logId: id,
    step: 0,
    attempt: 1,
    cached: false,
    startedAt,
    attemptStartedAt: startedAt,
    createdAt: new Date(now),
    method: req.method,
    requestHeaders: req.headers,
    path: "",
    teamId: null,
    gateway: undefined,
    tokenId: null,
    providerKeyId: null,
    keySource: null,
    settlement: undefined,
    limitHeaders: undefined,
    options: undefined,
    provider: null,
    model: null,
    stream: false,
    requestBody: undefined,
    ingressFormat: undefined,
    providerRequestBody: undefined,
    route: undefined,
    guardrails: undefined,
    dlp: undefined,
    parentRequestId: undefined,
  };
}

/** Milliseconds since the current row's attempt began. */
export function attemptElapsedMs(exchange: Exchange): number {
  return Math.round(performance.now() - exchange.attemptStartedAt);
}

/** Moves the exchange on to its next row: a retry of the same step, or the first attempt of step `step`. */
export function nextAttempt(exchange: Exchange, step = exchange.step): void {
  exchange.logId = uuidv7();
  exchange.attemptStartedAt = performance.now();
  exchange.attempt = step === exchange.step ? exchange.attempt + 1 : 1;
  exchange.step = step;
}

/** `cf-aig-*` headers every response carries, refusals included. */
export function setGatewayHeaders(headers: ResponseHeaders, exchange: Exchange): void {
  headers["cf-aig-log-id"] = exchange.logId;
  headers["cf-aig-event-id"] = exchange.options?.eventId ?? exchange.requestId;
  headers["cf-aig-request-id"] = exchange.requestId;
  headers["cf-aig-step"] = String(exchange.step);
  if (exchange.keySource) headers["cf-aig-key-source"] = exchange.keySource;
  if (exchange.limitHeaders) Object.assign(headers, exchange.limitHeaders);
  if (exchange.route) {
    headers["cf-aig-route"] = exchange.route.name;
    headers["cf-aig-route-version"] = String(exchange.route.version);
    if (exchange.provider) headers["cf-aig-provider"] = exchange.provider;
    if (exchange.model) headers["cf-aig-model"] = exchange.model;
  }
  if (exchange.dlp) headers["cf-aig-dlp"] = dlpHeader(exchange.dlp);
}
