import type { Dispatcher } from "undici";
import { usageFromOpenAiBody } from "@/lib/formats/openai-chat/usage";
import { tapOpenAiStream, type StreamSummary } from "@/lib/formats/openai-chat/sse";
import type { LogSink } from "@/lib/logs/types";
import type { GatewayMetrics } from "@/lib/metrics/gateway";
import { elapsedMs, setGatewayHeaders, type Exchange } from "./exchange";
import { clientResponseHeaders, headerText } from "./headers";
import { logPolicy, recordExchange, type ExchangeOutcome } from "./logging";
import type { Upstream, UpstreamCall } from "./upstream";

export interface RelayDeps {
  upstream: Upstream;
  logs: LogSink;
  metrics: GatewayMetrics;
}

/** Larger non-streamed responses reach the client whole but are not kept for usage or the payload. */
const CAPTURE_LIMIT = 10 * 1024 * 1024;
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

type BodyEnd = "end" | "cancel" | "error";

/**
 * Calls the provider and streams its answer back as it arrives, reading usage on the way (SSE
 * through the stream tap, JSON by keeping a copy) and logging once the body has finished.
 * `stripUsageChunk`: the gateway asked for stream usage on the client's behalf, so it is removed again.
 */
export async function relay(
  deps: RelayDeps,
  exchange: Exchange,
  call: UpstreamCall,
  stripUsageChunk: boolean,
): Promise<Response> {
  const calledAt = performance.now();
  const answer = await deps.upstream.call(call);
  const upstreamMs = performance.now() - calledAt;
  const ttfbMs = elapsedMs(exchange);
  const contentType = headerText(answer.headers["content-type"]);
  const isEventStream = contentType.startsWith("text/event-stream");
  if (isEventStream) exchange.stream = true;
  const policy = logPolicy(exchange);
  const tap = isEventStream && (stripUsageChunk || policy.row) ? tapOpenAiStream({ stripUsageChunk }) : undefined;

  const headers = clientResponseHeaders(answer.headers, tap !== undefined);
  setGatewayHeaders(headers, exchange);
  const outcome: ExchangeOutcome = { statusCode: answer.statusCode, responseHeaders: headers, ttfbMs };

  if (call.method === "HEAD" || NULL_BODY_STATUSES.has(answer.statusCode)) {
    answer.body.dump().catch(() => {});
    recordExchange(deps.logs, exchange, outcome);
    deps.metrics.upstreamAnswered(upstreamMs, performance.now() - exchange.startedAt);
    return new Response(null, { status: answer.statusCode, headers });
  }

  const isJson = contentType.includes("json");
  // JSON is kept for its usage; other text only for the payload.
  const capture =
    !tap && policy.row && (isJson || (policy.payload && contentType.startsWith("text/"))) ? new Capture(isJson) : undefined;
  let ended!: (end: BodyEnd) => void;
  const bodyEnd = new Promise<BodyEnd>((resolve) => (ended = resolve));
  const source = bodyStream(answer.body, capture, ended);

  if (isEventStream) deps.metrics.streamOpened();
  void bodyEnd.then(async (end) => {
    if (isEventStream) deps.metrics.streamClosed();
    // A client that went away aborts the call, which ends the body in an error that is not the provider's.
    if (end === "error" && !call.signal.aborted) outcome.failure = "The provider's response broke off before it was complete";
    if (tap) {
      // The tap settles at its flush, which waits for the client to take every chunk; after a
      // cancel or an error it settles at once, so do not wait for it beyond that.
      const summary = end === "end" ? await tap.result : await Promise.race([tap.result, nextMacrotask()]);
      if (summary) applySummary(outcome, summary, policy.payload);
    } else if (capture) {
      capture.applyTo(outcome, policy.payload);
    }
    recordExchange(deps.logs, exchange, outcome);
  }).catch((error: unknown) => console.error(`switchyard gateway: could not log request ${exchange.logId}:`, error));

  const response = new Response(tap ? source.pipeThrough(tap.transform) : source, { status: answer.statusCode, headers });
  deps.metrics.upstreamAnswered(upstreamMs, performance.now() - exchange.startedAt);
  return response;
}

/** The upstream body as a web stream, pulled only as fast as the client reads, reporting how it ended. */
function bodyStream(body: Dispatcher.ResponseData["body"], capture: Capture | undefined, ended: (end: BodyEnd) => void) {
  const chunks = body[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (error) {
        controller.error(error);
        ended("error");
        return;
      }
      if (next.done) {
        controller.close();
        ended("end");
        return;
      }
      capture?.add(next.value);
      controller.enqueue(next.value);
    },
    cancel() {
      body.destroy();
      ended("cancel");
    },
  });
}

function nextMacrotask(): Promise<undefined> {
  return new Promise((resolve) => setImmediate(resolve, undefined));
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
