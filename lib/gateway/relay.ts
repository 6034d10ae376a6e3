import type { Dispatcher } from "undici";
import type { BodyEnding, BodyRecorder } from "@/lib/cache/flight";
import type { WireError } from "@/lib/formats/canonical";
import type { StreamSummary } from "@/lib/formats/stream-codec";
import type { StreamTap } from "./stream-taps";
import { errorLine } from "@/lib/error-line";
import type { BodySink, BodySource, GatewayResponse } from "./contract";
import type { LogSink } from "@/lib/logs/types";
import type { GatewayMetrics } from "@/lib/metrics/gateway";
import type { AnswerHandling } from "./answer";
import type { OutgoingCall } from "@/lib/providers/types";
import { noteCredential, type UpstreamCredential } from "./credentials";
import { clientClosed, GatewayError, InternalCode, providerFailed, renderError } from "./errors";
import { attemptElapsedMs, nextAttempt, setGatewayHeaders, type Exchange } from "./exchange";
import { clientResponseHeaders, headerText } from "./headers";
import { isTextType, loggedBody } from "./log-body";
import { logPolicy, recordExchange, type ExchangeOutcome } from "./logging";
import type { EffectiveOptions } from "./plan";
import { backoffDelayMs, isRetryableStatus, retryAfterMs, retryWaitMs, waitUnlessAborted } from "./retry";
import { noSlot, type ReleaseSlot, type StreamLimiter } from "./stream-limit";
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

/**
 * How the response body ended: read to its end, left by the client, broken off by the provider, or
 * cut off by the tap's checks (content controls refused what it carried).
 */
type BodyEnd = { kind: "end" } | { kind: "client-left" } | { kind: "upstream-broke"; error: GatewayError } | { kind: "refused"; error: WireError };

/** How a surface has the provider called: the key to begin with, the call for each attempt, and the retry settings. */
export interface ProviderCall {
  /** The first attempt's key; a pool's others follow by `next` and `another`. */
  credential: UpstreamCredential;
  /** The outgoing call with `credential`, built for each attempt: a signing provider (Bedrock, Vertex) shapes and signs it per key. */
  build(credential: UpstreamCredential): Promise<OutgoingCall>;
  options: Pick<EffectiveOptions, "maxAttempts" | "retryDelayMs" | "backoff" | "requestTimeoutMs">;
  /** No Universal step follows (`SurfaceContext.finalStep`). */
  finalStep: boolean;
  /** The client's: aborted when it goes away. */
  signal: AbortSignal;
}

/**
 * Calls the provider and sends its answer back, reading usage on the way, and logs once the body
 * has finished. A streamed answer goes through `answer`'s tap as it arrives (untouched, or
 * translated); a whole answer is kept for its usage, or read to its end first when `answer`
 * rewrites it into the client's format. A stream the client asked for holds one of its token's
 * stream slots until it ends, however it ends.
 *
 * Before anything reaches the client, a failed attempt (no connection, no headers in time, 429,
 * 500, 502, 503, 504) is retried up to `maxAttempts` after its backoff, each attempt its own log
 * row; a key of a pool that the provider refused or rate-limited gives way to another key of the
 * pool at once, without counting as a retry. A provider's rejection of a stored key with no other
 * key to move on to is answered by the gateway instead (`KeyVerdict`).
 * `recorder` (the response cache's) is told each chunk a relayed body sends its client, and how it ended.
 */
export async function relay(
  deps: RelayDeps,
  exchange: Exchange,
  call: ProviderCall,
  answer: AnswerHandling,
  recorder?: BodyRecorder,
): Promise<GatewayResponse> {
  const release = exchange.stream ? deps.streams.admit(exchange.tokenId) : noSlot;
  try {
    return await forward(deps, exchange, call, answer, release, recorder);
  } catch (error) {
    release();
    throw error;
  }
}

/** The provider's answer as it arrived, with what the exchange needs to time it. */
interface Arrival {
  answer: Dispatcher.ResponseData;
  upstreamMs: number;
  ttfbMs: number;
  contentType: string;
}

async function callUpstream(upstream: RelayDeps["upstream"], exchange: Exchange, call: UpstreamCall): Promise<Arrival> {
  const calledAt = performance.now();
  const answer = await upstream.call(call);
  return {
    answer,
    upstreamMs: performance.now() - calledAt,
    ttfbMs: attemptElapsedMs(exchange),
    contentType: headerText(answer.headers["content-type"]),
  };
}

/** Attempts until one answers what goes to the client, then sends it. */
async function forward(
  deps: RelayDeps,
  exchange: Exchange,
  call: ProviderCall,
  handling: AnswerHandling,
  release: ReleaseSlot,
  recorder: BodyRecorder | undefined,
): Promise<GatewayResponse> {
  const { options, signal } = call;
  let credential = call.credential;
  let retries = 0;
  for (;;) {
    noteCredential(exchange, credential);
    const last = retries + 1 >= options.maxAttempts;
    // After other attempts, the last waits for the provider however long it takes, unless a Universal step follows.
    const waits = last && call.finalStep && (exchange.attempt > 1 || exchange.step > 0);
    let outgoing: OutgoingCall;
    try {
      outgoing = await call.build(credential);
    } catch (error) {
      // A key its provider refused while the call was being built (a token exchange) gives way to another of its pool.
      const another = isKeyRejection(error) && credential.another();
      if (!another) throw error;
      recordExchange(deps.logs, exchange, noted({ statusCode: error.httpCode, error, responseHeaders: {}, continues: true }, "moved on to another key of the pool"));
      nextAttempt(exchange);
      credential = another;
      continue;
    }
    const upstreamCall: UpstreamCall = { ...outgoing, signal, headersTimeout: waits ? undefined : options.requestTimeoutMs };
    let arrival: Arrival;
    try {
      arrival = await callUpstream(deps.upstream, exchange, upstreamCall);
    } catch (error) {
      if (last || !isRetryableFailure(error)) throw error;
      const wait = backoffDelayMs(options.backoff, options.retryDelayMs, ++retries);
      const outcome: ExchangeOutcome = { statusCode: error.httpCode, error, responseHeaders: {} };
      if (!(await retryAfterWait(deps.logs, exchange, outcome, wait, signal))) throw clientClosed();
      credential = credential.next();
      continue;
    }
    const { answer } = arrival;
    const verdict = credential.assess(answer.statusCode, answer.headers);
    const another = verdict && credential.another();
    const refusal = verdict?.kind === "rejected" ? verdict.refusal : undefined;
    if (another || refusal) {
      answer.body.dump().catch(() => {});
      answered(deps.metrics, exchange, arrival.upstreamMs);
      if (!another) throw refusal;
      const why = verdict!.kind === "rejected" ? "refused the key" : "rate-limited the key";
      // A 401's row carries the refusal (2009), a 403's its status: either flags the key rejected in the database (lib/logs/writer.ts).
      const outcome: ExchangeOutcome = { ...failedOutcome(exchange, arrival, `The provider ${why} (HTTP ${answer.statusCode})`), error: refusal, continues: true };
      recordExchange(deps.logs, exchange, noted(outcome, "moved on to another key of the pool"));
      nextAttempt(exchange);
      credential = another;
      continue;
    }
    if (!last && isRetryableStatus(answer.statusCode)) {
      // A pool's next key may be another one, cooling down for less than this answer's Retry-After.
      const next = credential.next();
      const retryAfter = next === credential ? retryAfterMs(answer.headers["retry-after"]) : next.coolingMs();
      const wait = retryWaitMs(backoffDelayMs(options.backoff, options.retryDelayMs, retries + 1), retryAfter);
      if (wait !== undefined) {
        retries++;
        answer.body.dump().catch(() => {});
        answered(deps.metrics, exchange, arrival.upstreamMs);
        const outcome = failedOutcome(exchange, arrival, `The provider answered HTTP ${answer.statusCode}`);
        if (!(await retryAfterWait(deps.logs, exchange, outcome, wait, signal))) throw clientClosed();
        credential = next;
        continue;
      }
    }
    return deliver(deps, exchange, upstreamCall, arrival, handling, release, recorder);
  }
}

function isKeyRejection(error: unknown): error is GatewayError {
  return error instanceof GatewayError && error.internalCode === InternalCode.unauthorized;
}

/** A connection that failed or a provider that did not answer in time; not the private-address guard, nor the client leaving. */
function isRetryableFailure(error: unknown): error is GatewayError {
  return error instanceof GatewayError && error.internalCode === InternalCode.providerFailed && (error.httpCode === 502 || error.httpCode === 504);
}

/** The row of an attempt whose answer is drained for another attempt: the provider's status, headers and timing, no body. */
function failedOutcome(exchange: Exchange, { answer, ttfbMs }: Arrival, failure: string): ExchangeOutcome {
  const headers = clientResponseHeaders(answer.headers, false);
  setGatewayHeaders(headers, exchange);
  return { statusCode: answer.statusCode, failure, responseHeaders: headers, ttfbMs, responseBytes: 0 };
}

/**
 * Logs the failed attempt (saying how long the retry waits), moves the exchange on to its next
 * attempt and waits; false when the client left meanwhile, which ends the attempts.
 */
async function retryAfterWait(logs: LogSink, exchange: Exchange, outcome: ExchangeOutcome, waitMs: number, signal: AbortSignal): Promise<boolean> {
  noted(outcome, `retried after ${waitMs} ms`);
  outcome.continues = true;
  recordExchange(logs, exchange, outcome);
  nextAttempt(exchange);
  return waitUnlessAborted(waitMs, signal);
}

/** Adds what the gateway did next to the row's message: the gateway's error's, or the failure's. */
function noted(outcome: ExchangeOutcome, note: string): ExchangeOutcome {
  const { error } = outcome;
  if (error) outcome.error = new GatewayError(error.httpCode, error.internalCode, `${error.message}; ${note}`, error.code, error.param);
  else outcome.failure = `${outcome.failure}; ${note}`;
  return outcome;
}

/** Sends the provider's answer to the client: whole, rewritten, or relayed as it arrives. */
async function deliver(
  deps: RelayDeps,
  exchange: Exchange,
  call: UpstreamCall,
  arrival: Arrival,
  handling: AnswerHandling,
  release: ReleaseSlot,
  recorder: BodyRecorder | undefined,
): Promise<GatewayResponse> {
  const { answer, upstreamMs, ttfbMs, contentType } = arrival;
  // Every stream is tapped, logged or not: should the provider break off, the tap is what ends the
  // client's stream with a whole error event.
  const tap = handling.tap(contentType, answer.statusCode, exchange.stream);
  if (tap) exchange.stream = true;
  const policy = logPolicy(exchange);

  const headers = clientResponseHeaders(answer.headers, tap !== undefined || handling.rewrites);
  if (tap?.contentType) headers["content-type"] = tap.contentType;
  setGatewayHeaders(headers, exchange);
  const outcome: ExchangeOutcome = { statusCode: answer.statusCode, responseHeaders: headers, ttfbMs };

  if (call.method === "HEAD" || NULL_BODY_STATUSES.has(answer.statusCode)) {
    answer.body.dump().catch(() => {});
    outcome.responseBytes = 0;
    release();
    recordExchange(deps.logs, exchange, outcome);
    answered(deps.metrics, exchange, upstreamMs);
    return { status: answer.statusCode, headers, body: undefined };
  }
  if (!tap && handling.rewrites) {
    try {
      return await rewriteWhole(deps.logs, exchange, arrival, handling, outcome, policy.payload);
    } finally {
      release();
      answered(deps.metrics, exchange, upstreamMs);
    }
  }

  const isJson = contentType.includes("json");
  // JSON is kept for its usage; other text only for the payload. A body the content type says is
  // not text (audio, images) is never decoded: its type and size stand in for it in the payload.
  const textual = contentType === "" || isTextType(contentType);
  const capture = !tap && policy.row && (isJson || (policy.payload && textual)) ? new Capture(isJson, contentType) : undefined;
  if (!tap && policy.payload && !textual) outcome.responseBinaryType = contentType;
  if (tap) deps.metrics.streamOpened();
  const body = new RelayedBody(answer.body, deps, exchange, release, {
    signal: call.signal,
    capture,
    tap,
    handling,
    outcome,
    keepPayload: policy.payload,
    recorder,
  });
  answered(deps.metrics, exchange, upstreamMs);
  return { status: answer.statusCode, headers, body };
}

function answered(metrics: GatewayMetrics, exchange: Exchange, upstreamMs: number): void {
  metrics.upstreamAnswered(upstreamMs, performance.now() - exchange.startedAt);
}

/** What a relayed body's end is logged with. */
interface BodyWatch {
  /** The client's: aborted when it went away. */
  signal: AbortSignal;
  tap: StreamTap | undefined;
  capture: Capture | undefined;
  handling: AnswerHandling;
  outcome: ExchangeOutcome;
  keepPayload: boolean;
  recorder: BodyRecorder | undefined;
}

/** Logs the exchange once its body has ended, however it ended: with the stream's or the whole answer's usage. */
function logEnded(logs: LogSink, exchange: Exchange, end: BodyEnd, watch: BodyWatch): void {
  const { tap, capture, handling, outcome, signal } = watch;
  // A tap has seen all there was by now: the whole stream, or what went out before the client left.
  const summary: StreamSummary | undefined = tap?.summary();
  const clientLeft = end.kind === "client-left" || (end.kind === "end" && signal.aborted);
  // A provider's own error status stays in the row; it already says the request failed.
  const answeredOk = outcome.statusCode < 400;
  if (end.kind === "upstream-broke") {
    if (answeredOk) outcome.statusCode = UPSTREAM_BROKE_STATUS;
    outcome.failure = end.error.message;
  } else if (end.kind === "refused") {
    outcome.statusCode = end.error.status;
    outcome.failure = end.error.message;
  } else if (clientLeft) {
    if (answeredOk) outcome.statusCode = CLIENT_CLOSED_STATUS;
    outcome.failure = "The client closed the connection before the response was complete";
  }
  if (summary) {
    applySummary(outcome, summary, watch.keepPayload);
    if (summary.error && outcome.failure === undefined) {
      if (answeredOk) outcome.statusCode = summary.error.status >= 400 ? summary.error.status : UPSTREAM_BROKE_STATUS;
      outcome.failure = `The provider reported an error mid-stream: ${summary.error.message}`;
    }
    if (outcome.failure !== undefined && outcome.usage === undefined) {
      outcome.usage = handling.estimateUsage(exchange.requestBody, summary);
      if (outcome.usage) outcome.failure += "; its tokens are estimated from the request and what was streamed";
    } else if (outcome.failure !== undefined && outcome.usage && !summary.completed) {
      // Anthropic reports the input at the start and the output only at the end: a stream cut in
      // between has its input, and its output is estimated from what was streamed.
      const estimate = handling.estimateUsage(exchange.requestBody, summary);
      if (estimate && estimate.output > outcome.usage.output) {
        outcome.usage = { ...outcome.usage, output: estimate.output };
        outcome.failure += "; its output tokens are estimated from what was streamed";
      }
    } else if (outcome.failure === undefined && outcome.usage === undefined && answeredOk) {
      // A whole stream that reported no usage, though the gateway asked for it (a self-hosted server
      // that ignores stream_options): counted from the request and the text, not logged as free.
      outcome.usage = handling.estimateUsage(exchange.requestBody, summary);
    }
  } else if (capture) {
    capture.applyTo(outcome, watch.keepPayload, handling);
  }
  recordExchange(logs, exchange, outcome);
}

/**
 * A whole answer the client gets in its own format: read to its end (up to the capture limit),
 * rewritten, logged. The provider's status stays unless the answer could not be translated.
 */
async function rewriteWhole(
  logs: LogSink,
  exchange: Exchange,
  { answer }: Arrival,
  handling: AnswerHandling,
  outcome: ExchangeOutcome,
  keepPayload: boolean,
): Promise<GatewayResponse> {
  let text: string;
  try {
    text = await readWhole(answer.body);
  } catch (error) {
    if (error instanceof AnswerTooLargeError) throw providerFailed(502, `its answer is larger than ${CAPTURE_LIMIT} bytes, the most the gateway translates`);
    throw brokeOff(error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const whole = handling.whole(answer.statusCode, json);
  let body = whole.body ?? text;
  outcome.statusCode = whole.status ?? answer.statusCode;
  outcome.usage = whole.usage;
  outcome.responseModel = whole.model;
  if (handling.review && outcome.statusCode < 400) {
    try {
      body = await handling.review(body);
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      // The answer was had and is paid for: its row keeps its usage beside the refusal.
      outcome.statusCode = error.httpCode;
      outcome.error = error;
      body = renderError(error, exchange.ingressFormat);
    }
    // What the review found (cf-aig-dlp) is known before the headers go out.
    setGatewayHeaders(outcome.responseHeaders, exchange);
  }
  if (keepPayload) outcome.responseBody = body;
  outcome.responseBytes = Buffer.byteLength(body);
  outcome.responseHeaders["content-type"] = "application/json";
  recordExchange(logs, exchange, outcome);
  return { status: outcome.statusCode, headers: outcome.responseHeaders, body };
}

class AnswerTooLargeError extends Error {}

async function readWhole(body: Dispatcher.ResponseData["body"]): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    bytes += chunk.byteLength;
    if (bytes > CAPTURE_LIMIT) {
      body.destroy();
      throw new AnswerTooLargeError();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, bytes).toString("utf8");
}

/**
 * The provider's body relayed to the client chunk by chunk, through the tap when there is one, and
 * paused while the client's side is full. When the provider breaks off, a tapped stream ends with
 * the codec's error event; any other body can only be cut short, which is all its client can be
 * told once its status and length have been sent.
 */
class RelayedBody implements BodySource {
  private sink: BodySink | undefined;
  private done = false;
  /** What the client was sent: the log row's response size. */
  private bytesSent = 0;
  /** The client's body was ended (not cut short), with a final error event if it broke off. */
  private ended = false;

  constructor(
    private readonly body: Dispatcher.ResponseData["body"],
    private readonly deps: RelayDeps,
    private readonly exchange: Exchange,
    /** The stream slot, held until the body ends however it ends. */
    private readonly release: ReleaseSlot,
    private readonly watch: BodyWatch,
  ) {
    // From the start: a client that leaves aborts the call, which destroys the body, read or not.
    body.on("error", (error) => this.onError(error));
  }

  start(sink: BodySink): void {
    this.sink = sink;
    this.watch.tap?.checks?.onCut((last, error) => this.cutOff(last, error));
    this.body.on("data", (chunk: Buffer) => this.onData(chunk));
    this.body.on("end", () => this.onEnd());
  }

  resume(): void {
    if (!this.done) this.body.resume();
  }

  cancel(): void {
    if (this.done) return;
    this.finish({ kind: "client-left" });
    this.body.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.done) return;
    const { capture, tap } = this.watch;
    capture?.add(chunk);
    let out: Uint8Array | undefined = chunk;
    try {
      if (tap) out = tap.push(chunk);
    } catch (error) {
      // A tap that fails is the gateway's fault; the client's stream can only be cut short.
      console.error(`switchyard gateway: a stream tap failed: ${errorLine(error)}`);
      this.finish({ kind: "upstream-broke", error: brokeOff(error) });
      this.body.destroy();
      this.sink!.abort(error as Error);
      return;
    }
    if (!out || out.byteLength === 0) return;
    this.bytesSent += out.byteLength;
    this.watch.recorder?.chunk(out);
    if (!this.sink!.write(out)) this.body.pause();
  }

  private onEnd(): void {
    if (this.done) return;
    // The last text is judged before the stream ends: a refusal then cuts it off instead.
    const checked = this.watch.tap?.checks?.drain();
    if (checked) void checked.then(() => this.complete());
    else this.complete();
  }

  private complete(): void {
    if (this.done) return;
    const last = this.watch.tap?.end();
    if (last && last.byteLength > 0) this.send(last);
    this.sink!.end();
    this.ended = true;
    this.finish({ kind: "end" });
  }

  private onError(error: Error): void {
    if (this.done) return;
    const { signal, tap, handling } = this.watch;
    // A client that went away aborts the call, which ends the body in an error that is not the provider's.
    if (signal.aborted) {
      this.finish({ kind: "client-left" });
      this.sink?.abort(error);
      return;
    }
    const failure = brokeOff(error);
    if (tap && this.sink) {
      tap.breakOff(handling.errorEvent(failure));
      const last = tap.end();
      if (last) this.send(last);
      this.sink.end();
      this.ended = true;
    } else {
      this.sink?.abort(error);
    }
    this.finish({ kind: "upstream-broke", error: failure });
  }

  /** The tap's checks refused the stream: its error event ends the client's stream, and the provider's is let go. */
  private cutOff(last: Uint8Array, error: WireError): void {
    if (this.done) return;
    this.send(last);
    this.sink!.end();
    this.ended = true;
    this.finish({ kind: "refused", error });
    this.body.destroy();
  }

  private send(chunk: Uint8Array): void {
    this.bytesSent += chunk.byteLength;
    this.watch.recorder?.chunk(chunk);
    this.sink!.write(chunk);
  }

  private finish(end: BodyEnd): void {
    this.done = true;
    this.release();
    this.watch.outcome.responseBytes = this.bytesSent;
    if (this.watch.tap) this.deps.metrics.streamClosed();
    try {
      logEnded(this.deps.logs, this.exchange, end, this.watch);
    } catch (error) {
      console.error(`switchyard gateway: could not log request ${this.exchange.logId}: ${errorLine(error)}`);
    }
    this.watch.recorder?.end(this.ending());
  }

  /** Whole when it ended with nothing logged as wrong (a cut stream, an error event, a client gone). */
  private ending(): BodyEnding {
    if (!this.ended) return "cut";
    return this.watch.outcome.failure === undefined ? "complete" : "incomplete";
  }
}

function brokeOff(error: unknown): GatewayError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return providerFailed(502, `the provider's response broke off before it was complete${code ? ` (${code})` : ""}`);
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

  constructor(
    private readonly isJson: boolean,
    private readonly contentType: string,
  ) {}

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

  applyTo(outcome: ExchangeOutcome, keepPayload: boolean, handling: AnswerHandling): void {
    if (this.overflow) return;
    const body = loggedBody(this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.bytes), this.contentType);
    if (keepPayload) {
      outcome.responseBody = body.text;
      outcome.responseBinaryType = body.binaryType;
    }
    const text = body.text;
    if (!this.isJson || text === undefined) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    const whole = handling.whole(outcome.statusCode, parsed);
    outcome.usage = whole.usage;
    if (whole.model !== undefined) outcome.responseModel = whole.model;
  }
}
