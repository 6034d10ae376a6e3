import { Agent, type Dispatcher } from "undici";
import { clientClosed, GatewayError, privateUpstream, providerFailed } from "./errors";
import { assertPublicLiteral, PrivateUpstreamError, vettedLookup } from "./private-address";

export interface UpstreamCall {
  /** The provider's base URL, without a trailing slash. */
  baseUrl: string;
  /** Appended to the base URL after a `/`: a relative path, with its query string if any. */
  path: string;
  method: string;
  headers: Record<string, string>;
  body: Uint8Array | string | undefined;
  /** The client's abort signal: a client that goes away cancels the upstream call. */
  signal: AbortSignal;
  /**
   * `cf-aig-request-timeout`: milliseconds to the response headers, connecting included; a body
   * that has started may take as long as it takes. Undefined for undici's own limits.
   */
  headersTimeout: number | undefined;
}

export interface Upstream {
  call(request: UpstreamCall): Promise<Dispatcher.ResponseData>;
  close(): Promise<void>;
}

interface ParsedBase {
  origin: string;
  /** Path of the base URL without a trailing slash ("" for the root). */
  basePath: string;
  hostname: string;
}

const BASE_CACHE_MAX = 1000;

/**
 * One keep-alive connection pool per origin, shared by every request. Unless private upstreams
 * are allowed, connections only go to addresses vetted by `vettedLookup`.
 */
export function createUpstream(allowPrivateUpstreams: boolean): Upstream {
  const agent = new Agent({
    keepAliveTimeout: 30_000,
    connect: allowPrivateUpstreams ? undefined : { lookup: vettedLookup() },
  });
  const bases = new Map<string, ParsedBase>();

  function parseBase(baseUrl: string): ParsedBase {
    let parsed = bases.get(baseUrl);
    if (parsed) return parsed;
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw providerFailed(502, `the provider's base URL "${baseUrl}" is not a valid URL`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw providerFailed(502, `the provider's base URL must be http:// or https://, got "${url.protocol}"`);
    }
    parsed = { origin: url.origin, basePath: url.pathname.replace(/\/+$/, ""), hostname: url.hostname };
    if (bases.size >= BASE_CACHE_MAX) bases.clear();
    bases.set(baseUrl, parsed);
    return parsed;
  }

  return {
    async call(request) {
      const base = parseBase(request.baseUrl);
      // undici's headersTimeout starts once the request is written: connecting is bounded too.
      const deadline = request.headersTimeout === undefined ? undefined : new FirstByteDeadline(request.signal, request.headersTimeout);
      try {
        if (!allowPrivateUpstreams) assertPublicLiteral(base.hostname);
        const answer = agent.request({
          origin: base.origin,
          path: `${base.basePath}/${request.path}`,
          method: request.method as Dispatcher.HttpMethod,
          headers: request.headers,
          body: request.body,
          signal: deadline?.signal ?? request.signal,
          headersTimeout: request.headersTimeout,
        });
        return await (deadline ? deadline.race(answer) : answer);
      } catch (error) {
        throw upstreamFailure(error, base.hostname, request.signal, deadline?.expired === true);
      } finally {
        deadline?.clear();
      }
    },
    close: () => agent.close(),
  };
}

/**
 * Aborts the call when its response headers have not arrived in time; cleared once they have,
 * while the client's leaving still aborts it (and its body) as before. undici applies an abort to
 * a request still waiting for its connection only once connected, so the call's promise is raced
 * against the deadline too: a connection (or TLS handshake) that hangs fails in time.
 */
class FirstByteDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private giveUp: ((reason: Error) => void) | undefined;
  expired = false;

  constructor(client: AbortSignal, ms: number) {
    if (client.aborted) this.controller.abort(client.reason);
    else client.addEventListener("abort", () => this.end(client.reason as Error), { once: true });
    this.timer = setTimeout(() => {
      this.expired = true;
      this.end(new Error("no response headers in time"));
    }, ms);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  race(answer: Promise<Dispatcher.ResponseData>): Promise<Dispatcher.ResponseData> {
    // An answer that comes after the race was lost is nobody's: its body is let go.
    answer.then((late) => this.controller.signal.aborted && late.body.destroy(), () => {});
    return Promise.race([answer, new Promise<never>((_, reject) => (this.giveUp = reject))]);
  }

  clear(): void {
    clearTimeout(this.timer);
  }

  private end(reason: Error): void {
    this.controller.abort(reason);
    this.giveUp?.(reason);
  }
}

function upstreamFailure(error: unknown, host: string, signal: AbortSignal, expired: boolean): GatewayError {
  if (signal.aborted) return clientClosed();
  if (expired) return providerFailed(504, `${host} did not answer in time`);
  const cause = error instanceof Error ? error.cause : undefined;
  if (error instanceof PrivateUpstreamError) return privateUpstream(error.message);
  if (cause instanceof PrivateUpstreamError) return privateUpstream(cause.message);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_CONNECT_TIMEOUT" || code === "ETIMEDOUT") {
    return providerFailed(504, `${host} did not answer in time`);
  }
  return providerFailed(502, `${host} could not be reached${code ? ` (${code})` : ""}`);
}
