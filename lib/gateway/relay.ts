import type { Dispatcher } from "undici";
import { openAiChatStreamCodec } from "@/lib/formats/openai-chat/stream-codec";
import { usageFromOpenAiBody } from "@/lib/formats/openai-chat/usage";
import type { StreamCodec, StreamSummary, StreamTap } from "@/lib/formats/stream-codec";
import { errorLine } from "@/lib/error-line";
import type { LogSink } from "@/lib/logs/types";
import type { GatewayMetrics } from "@/lib/metrics/gateway";
import { providerFailed, type GatewayError } from "./errors";
import { elapsedMs, setGatewayHeaders, type Exchange } from "./exchange";
import { clientResponseHeaders, headerText } from "./headers";
import { logPolicy, recordExchange, type ExchangeOutcome } from "./logging";
import type { ReleaseSlot, StreamLimiter } from "./stream-limit";
import type { Upstream, UpstreamCall } from "./upstream";

export interface RelayDeps {
  upstream: Upstream;
  logs: LogSink;
  metrics: GatewayMetrics;
  /** Each gateway token's open streams. */
  streams: StreamLimiter;
}

/** Larger non-streamed responses reach the client whole but are not kept for usage or the payload. */
const CAPTURE_LIMIT = 10 * 1024 * 1024;
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);
/** Logged for a response the client stopped reading before its end (nginx's "client closed request"). */
const CLIENT_CLOSED_STATUS = 499;
/** Logged for a provider response that broke off: the client saw 200, but not a whole answer. */
const UPSTREAM_BROKE_STATUS = 502;

/** How the response body ended: read to its end, left by the client, or broken off by the provider. */
type BodyEnd = { kind: "end" } | { kind: "client-left" } | { kind: "upstream-broke"; error: GatewayError };

/**
 * Calls the provider and streams its answer back as it arrives, reading usage on the way (SSE
 * through the codec's stream tap, JSON by keeping a copy) and logging once the body has finished.
 * A stream the client asked for holds one of its token's stream slots until it ends, however it ends.
 * `stripUsageChunk`: the gateway asked for stream usage on the client's behalf, so it is removed again.
 * `codec`: the client's wire format, which every surface speaks as OpenAI's today.
 */
export async function relay(
  deps: RelayDeps,
  exchange: Exchange,
  call: UpstreamCall,
  stripUsageChunk: boolean,
  codec: StreamCodec = openAiChatStreamCodec,
): Promise<Response> {
  const release = exchange.stream ? deps.streams.admit(exchange.tokenId) : undefined;
  try {
    return await forward(deps, exchange, call, stripUsageChunk, codec, release ?? (() => {}));
  } catch (error) {
    release?.();
    throw error;
  }
}

async function forward(
  deps: RelayDeps,
  exchange: Exchange,
  call: UpstreamCall,
  stripUsageChunk: boolean,
  codec: StreamCodec,
  release: ReleaseSlot,
): Promise<Response> {
  const calledAt = performance.now();
  const answer = await deps.upstream.call(call);
  const upstreamMs = performance.now() - calledAt;
  const ttfbMs = elapsedMs(exchange);
  const contentType = headerText(answer.headers["content-type"]);
  const isEventStream = contentType.startsWith("text/event-stream");
  if (isEventStream) exchange.stream = true;
  const policy = logPolicy(exchange);
  // Every event stream is tapped, logged or not: should the provider break off, the tap is what
  // ends the client's stream with a whole error event.
  const tap = isEventStream ? codec.tap({ stripUsageChunk }) : undefined;

  const headers = clientResponseHeaders(answer.headers, tap !== undefined);
  setGatewayHeaders(headers, exchange);
  const outcome: ExchangeOutcome = { statusCode: answer.statusCode, responseHeaders: headers, ttfbMs };

  if (call.method === "HEAD" || NULL_BODY_STATUSES.has(answer.statusCode)) {
    answer.body.dump().catch(() => {});
    release();
    recordExchange(deps.logs, exchange, outcome);
    deps.metrics.upstreamAnswered(upstreamMs, performance.now() - exchange.startedAt);
    return new Response(null, { status: answer.statusCode, headers });
  }

  const isJson = contentType.includes("json");
  // JSON is kept for its usage; other text only for the payload.
  const capture =
    !tap && policy.row && (isJson || (policy.payload && contentType.startsWith("text/"))) ? new Capture(isJson) : undefined;
  const { promise: bodyEnd, resolve: ended } = Promise.withResolvers<BodyEnd>();
  const source = bodyStream(answer.body, { signal: call.signal, capture, tap, codec, ended });
  const clientGone = whenAborted(call.signal);
  // Also when nothing reads the body any more, so neither the slot nor the log row waits on a reader.
  void clientGone.then(() => ended({ kind: "client-left" }));

  if (isEventStream) deps.metrics.streamOpened();
  void bodyEnd.then(async (end) => {
    release();
    if (isEventStream) deps.metrics.streamClosed();
    let summary: StreamSummary | undefined;
    if (tap) {
      // After its end or a break-off, the tap settles once the client has taken the rest (the usage
      // may still be on its way through it); a client that leaves meanwhile, or left already, gets
      // what the tap saw up to then.
      const sawSoFar = () => tap.summary();
      summary = end.kind === "client-left" ? sawSoFar() : await Promise.race([tap.result, clientGone.then(sawSoFar)]);
    }
    const clientLeft = end.kind === "client-left" || (end.kind === "end" && call.signal.aborted);
    // A provider's own error status stays in the row; it already says the request failed.
    const answeredOk = answer.statusCode < 400;
    if (end.kind === "upstream-broke") {
      if (answeredOk) outcome.statusCode = UPSTREAM_BROKE_STATUS;
      outcome.failure = end.error.message;
    } else if (clientLeft) {
      if (answeredOk) outcome.statusCode = CLIENT_CLOSED_STATUS;
      outcome.failure = "The client closed the connection before the response was complete";
    }
    if (summary) {
      applySummary(outcome, summary, policy.payload);
      if (outcome.failure !== undefined && outcome.usage === undefined) {
        outcome.usage = codec.estimateUsage(exchange.requestBody, summary);
        if (outcome.usage) outcome.failure += "; its tokens are estimated from the request and what was streamed";
      }
    } else if (capture) {
      capture.applyTo(outcome, policy.payload);
    }
    recordExchange(deps.logs, exchange, outcome);
  }).catch((error: unknown) => console.error(`switchyard gateway: could not log request ${exchange.logId}: ${errorLine(error)}`));

  const response = new Response(tap ? source.pipeThrough(tap.transform) : source, { status: answer.statusCode, headers });
  deps.metrics.upstreamAnswered(upstreamMs, performance.now() - exchange.startedAt);
  return response;
}

interface BodyStreamHooks {
  /** The client's: aborted when it went away. */
  signal: AbortSignal;
  capture: Capture | undefined;
  tap: StreamTap | undefined;
  codec: StreamCodec;
  /** Reports how the body ended; only the first report counts. */
  ended: (end: BodyEnd) => void;
}

/**
 * The upstream body as a web stream, pulled only as fast as the client reads. When the provider
 * breaks off, a tapped stream ends with the codec's error event; any other body can only be cut
 * short, which is all its client can be told once its status and length have been sent.
 */
function bodyStream(body: Dispatcher.ResponseData["body"], { signal, capture, tap, codec, ended }: BodyStreamHooks) {
  const chunks = body[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (error) {
        // A client that went away aborts the call, which ends the body in an error that is not the provider's.
        if (signal.aborted) {
          ended({ kind: "client-left" });
          controller.error(error);
          return;
        }
        const failure = brokeOff(error);
        ended({ kind: "upstream-broke", error: failure });
        if (!tap) {
          controller.error(error);
          return;
        }
        tap.breakOff(codec.errorEvent(failure));
        controller.close();
        return;
      }
      if (next.done) {
        controller.close();
        ended({ kind: "end" });
        return;
      }
      capture?.add(next.value);
      controller.enqueue(next.value);
    },
    cancel() {
      body.destroy();
      ended({ kind: "client-left" });
    },
  });
}

function brokeOff(error: unknown): GatewayError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return providerFailed(502, `the provider's response broke off before it was complete${code ? ` (${code})` : ""}`);
}

/** Settles when `signal` aborts, which for the client's signal means it went away; never otherwise. */
function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

function applySummary(outcome: ExchangeOutcome, summary: StreamSummary, keepPayload: boolean): void {
  outcome.usage = summary.usage;
  outcome.responseModel = summary.model;
  if (keepPayload) outcome.responseBody = summary.text;
}

/** A copy of a non-streamed response body, for its usage and the log payload. */
class Capture {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  private overflow = false;

  constructor(private readonly isJson: boolean) {}

  add(chunk: Buffer): void {
    if (this.overflow) return;
    this.bytes += chunk.byteLength;
    if (this.bytes > CAPTURE_LIMIT) {
      this.overflow = true;
      this.chunks.length = 0;
      return;
    }
    this.chunks.push(chunk);
  }

  applyTo(outcome: ExchangeOutcome, keepPayload: boolean): void {
    if (this.overflow) return;
    const text = Buffer.concat(this.chunks, this.bytes).toString("utf8");
    if (keepPayload) outcome.responseBody = text;
    if (!this.isJson) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    outcome.usage = usageFromOpenAiBody(parsed);
    const model = (parsed as { model?: unknown } | null)?.model;
    if (typeof model === "string") outcome.responseModel = model;
  }
}
