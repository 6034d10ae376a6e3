import { errorLine } from "@/lib/error-line";
import type { Access } from "@/lib/gateway/auth";
import type { UpstreamCredential } from "@/lib/gateway/credentials";
import type { GatewayRequest, GatewayResponse, ResponseHeaders } from "@/lib/gateway/contract";
import { isBodySource } from "@/lib/gateway/contract";
import { attemptElapsedMs, setGatewayHeaders, type Exchange } from "@/lib/gateway/exchange";
import { loggedBody } from "@/lib/gateway/log-body";
import { logPolicy, recordExchange, type ExchangeOutcome } from "@/lib/gateway/logging";
import type { EffectiveOptions } from "@/lib/gateway/plan";
import type { LogSink } from "@/lib/logs/types";
import { decodeEntry, encodeEntry, replayedHeaders, type CachedAnswer } from "./entry";
import { Flight, ReplayedBody, storedChunks, type BodyRecorder, type ReplayEnding } from "./flight";
import { cacheKeyOf } from "./key";
import type { CacheStore } from "./store";

/** How long an entry named by `cf-aig-cache-key` lives when no TTL applies (Cloudflare's 5 minutes). */
const CUSTOM_KEY_TTL_SECONDS = 300;
/** Reading methods and POST (every model call); others change things and are never answered from a copy. */
const CACHEABLE_METHODS: ReadonlySet<string> = new Set(["GET", "POST"]);
const CLIENT_CLOSED_STATUS = 499;
const BROKE_OFF_STATUS = 502;

/** Seconds an answer is kept for: the request's or the gateway's TTL, 5 minutes for a named entry, 0 for none. */
export function cacheTtlOf(options: Pick<EffectiveOptions, "cacheTtl" | "cacheKey">): number {
  if (options.cacheTtl > 0) return options.cacheTtl;
  return options.cacheKey !== undefined ? CUSTOM_KEY_TTL_SECONDS : 0;
}

/** No key was used: the row names none, and the key's last use stays as it was. */
function answeredFromCache(exchange: Exchange, stream: boolean): void {
  exchange.cached = true;
  exchange.stream = stream;
  exchange.providerKeyId = null;
}

/** The request as the cache sees it, once its surface has resolved the provider, the model and the key. */
export interface CacheableCall {
  req: GatewayRequest;
  exchange: Exchange;
  access: Access;
  options: EffectiveOptions;
  credential: Pick<UpstreamCredential, "cacheIdentity">;
  /** The provider's own key headers, read (into the hash) when the client sent its key. */
  keyHeaders: readonly string[];
}

/**
 * The response cache: exact-match lookups before the upstream call, identical misses coalesced into
 * one call, and whole 2xx answers stored as their clients got them. Hits and followers of a shared
 * call are answered with fresh `cf-aig-*` ids and `cf-aig-cache-status: HIT`, and logged as cached
 * (no tokens, no cost: the provider was called, and billed, once).
 */
export class ResponseCache {
  private readonly flights = new Map<string, Flight>();

  constructor(
    private readonly store: CacheStore,
    private readonly logs: LogSink,
  ) {}

  /**
   * `send` makes the upstream call (with a recorder for a relayed body when caching applies); a
   * request caching does not apply to costs nothing but this check.
   */
  serve(call: CacheableCall, send: (recorder: BodyRecorder | undefined) => Promise<GatewayResponse>): Promise<GatewayResponse> {
    const ttl = cacheTtlOf(call.options);
    if (ttl === 0 || !CACHEABLE_METHODS.has(call.req.method)) return send(undefined);
    return this.serveCached(call, ttl, send);
  }

  private async serveCached(call: CacheableCall, ttl: number, send: (recorder: BodyRecorder) => Promise<GatewayResponse>): Promise<GatewayResponse> {
    const { exchange, access } = call;
    const key = cacheKeyOf({
      teamId: access.team.id,
      gateway: access.gateway,
      options: call.options,
      method: call.req.method,
      provider: exchange.provider ?? "",
      endpoint: exchange.path + call.req.query,
      model: exchange.model,
      credentialIdentity: call.credential.cacheIdentity,
      requestHeaders: call.req.headers,
      keyHeaders: call.keyHeaders,
      body: exchange.requestBody,
    });
    if (!call.options.skipCache) {
      const inFlight = this.flights.get(key);
      if (inFlight) return this.follow(inFlight, exchange);
      const stored = await this.lookup(key);
      if (stored) return this.replay(stored, exchange);
      // Another identical request may have started its call while the store was asked.
      const started = this.flights.get(key);
      if (started) return this.follow(started, exchange);
    }
    return this.lead(key, ttl, exchange, send);
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private async lookup(key: string): Promise<CachedAnswer | undefined> {
    const data = await this.store.get(key);
    return data && decodeEntry(data);
  }

  private async lead(key: string, ttl: number, exchange: Exchange, send: (recorder: BodyRecorder) => Promise<GatewayResponse>): Promise<GatewayResponse> {
    const forget = (flight: Flight) => {
      if (this.flights.get(key) === flight) this.flights.delete(key);
    };
    const flight = new Flight((ended) => {
      const entry = ended.entry();
      if (!entry) return forget(ended);
      // Followers keep joining the finished flight until the store has the entry, so none calls again in between.
      this.store
        .set(key, encodeEntry(entry), ttl)
        .catch((error: unknown) => console.error(`switchyard cache: could not store an answer: ${errorLine(error)}`))
        .finally(() => forget(ended));
    }, forget);
    // A skipped lookup (`cf-aig-skip-cache`) still stores, and may lead followers when none leads yet.
    if (!this.flights.has(key)) this.flights.set(key, flight);
    let response: GatewayResponse;
    try {
      response = await send(flight);
    } catch (error) {
      flight.failed(error);
      throw error;
    }
    flight.answered(response.status, replayedHeaders(response.headers), exchange.stream);
    response.headers["cf-aig-cache-status"] = "MISS";
    const { body } = response;
    if (!isBodySource(body)) {
      if (body !== undefined) flight.chunk(typeof body === "string" ? Buffer.from(body) : body);
      flight.end("complete");
    }
    return response;
  }

  private async follow(flight: Flight, exchange: Exchange): Promise<GatewayResponse> {
    flight.followers += 1;
    try {
      await flight.head;
    } catch (error) {
      flight.followers -= 1;
      throw error;
    }
    answeredFromCache(exchange, flight.stream);
    const headers = this.hitHeaders(flight.headers, exchange);
    const ttfbMs = attemptElapsedMs(exchange);
    const body = new ReplayedBody(flight, (ending, bytes) => {
      flight.followers -= 1;
      this.logReplay(exchange, flight.status, headers, ttfbMs, ending, bytes, flight.chunks);
    });
    return { status: flight.status, headers, body };
  }

  private replay(answer: CachedAnswer, exchange: Exchange): GatewayResponse {
    answeredFromCache(exchange, answer.stream);
    const headers = this.hitHeaders(answer.headers, exchange);
    const ttfbMs = attemptElapsedMs(exchange);
    if (!answer.stream) {
      const body = answer.chunks.length === 1 ? answer.chunks[0]! : Buffer.concat(answer.chunks);
      this.logReplay(exchange, answer.status, headers, ttfbMs, "complete", body.byteLength, [body]);
      return { status: answer.status, headers, body };
    }
    const body = new ReplayedBody(storedChunks(answer.chunks), (ending, bytes) => {
      this.logReplay(exchange, answer.status, headers, ttfbMs, ending, bytes, answer.chunks);
    });
    return { status: answer.status, headers, body };
  }

  private hitHeaders(stored: ResponseHeaders, exchange: Exchange): ResponseHeaders {
    const headers = { ...stored };
    setGatewayHeaders(headers, exchange);
    headers["cf-aig-cache-status"] = "HIT";
    return headers;
  }

  /** A row with no usage, so no tokens and no cost (a custom cost included, as Cloudflare ignores it on hits). */
  private logReplay(
    exchange: Exchange,
    status: number,
    headers: ResponseHeaders,
    ttfbMs: number,
    ending: ReplayEnding,
    bytes: number,
    chunks: readonly Uint8Array[],
  ): void {
    const outcome: ExchangeOutcome = { statusCode: status, responseHeaders: headers, responseBytes: bytes, ttfbMs };
    if (ending === "client-left") {
      if (status < 400) outcome.statusCode = CLIENT_CLOSED_STATUS;
      outcome.failure = "The client closed the connection before the response was complete";
    } else if (ending !== "complete") {
      if (status < 400) outcome.statusCode = BROKE_OFF_STATUS;
      outcome.failure = "The answer this request shared with an identical one broke off before it was complete";
    }
    if (logPolicy(exchange).payload) {
      const contentType = headers["content-type"];
      const body = loggedBody(Buffer.concat(chunks), typeof contentType === "string" ? contentType : null);
      outcome.responseBody = body.text;
      outcome.responseBinaryType = body.binaryType;
    }
    recordExchange(this.logs, exchange, outcome);
  }
}
