import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { errorLine } from "@/lib/error-line";
import { BodyChunks, brokenBody } from "@/lib/gateway/body";
import { isBodySource, type BodySink, type BodySource, type GatewayRequest, type GatewayResponse, type RequestHeaders } from "@/lib/gateway/contract";
import { internalError, renderOpenAiError } from "@/lib/gateway/errors";

export type GatewayServe = (request: GatewayRequest) => Promise<GatewayResponse>;

/**
 * Serves the gateway core on node:http with no WHATWG objects in between: the request is read
 * where node parsed it, and the answer goes out in one `writeHead`, a whole body with `end`, a
 * relayed one chunk by chunk with the socket's back-pressure. A client that goes away aborts the
 * request's signal, which cancels the provider's call, and the relayed body.
 */
export function serveGateway(serve: GatewayServe, req: IncomingMessage, res: ServerResponse): void {
  const call = new NodeGatewayCall(req, res);
  serve(call).then(
    (response) => deliver(call, res, response),
    (error: unknown) => {
      // The core answers its own failures; this is a backstop, whose text stays out of the answer.
      console.error(`gateway handler failed: ${errorLine(error)}`);
      deliver(call, res, { status: 500, headers: { "content-type": "application/json" }, body: renderOpenAiError(internalError()) });
    },
  );
}

function deliver(call: NodeGatewayCall, res: ServerResponse, response: GatewayResponse): void {
  try {
    call.send(response);
  } catch (error) {
    // Headers node refuses to send, say: the client can only be cut off.
    console.error(`gateway response could not be sent: ${errorLine(error)}`);
    if (isBodySource(response.body)) response.body.cancel();
    res.destroy();
  }
}

/** One request on node:http: what the gateway reads of it, and the sink its relayed answer is written to. */
class NodeGatewayCall implements GatewayRequest, BodySink {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: NodeRequestHeaders;
  private readonly aborter = new AbortController();
  private source: BodySource | undefined;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    this.method = req.method ?? "GET";
    const { path, query } = splitTarget(req.url ?? "/");
    this.path = path;
    this.query = query;
    this.headers = new NodeRequestHeaders(req.headers);
    res.once("close", () => {
      if (res.writableFinished) return;
      this.aborter.abort();
      this.source?.cancel();
    });
  }

  get signal(): AbortSignal {
    return this.aborter.signal;
  }

  readBody(limit: number): Promise<Uint8Array | undefined> {
    const { req } = this;
    if (this.method === "GET" || this.method === "HEAD") return Promise.resolve(undefined);
    let chunks: BodyChunks;
    try {
      chunks = new BodyChunks(limit, req.headers["content-length"]);
    } catch (error) {
      // Never read: node discards the body once the answer is sent, keeping the connection usable.
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      const settle = () => {
        req.off("data", onData);
        req.off("end", onEnd);
        req.off("error", onError);
        req.off("close", onClose);
      };
      const onData = (chunk: Buffer) => {
        try {
          chunks.add(chunk);
        } catch (error) {
          settle();
          // The rest is read off the wire and dropped, or the next request on the connection would never be read.
          req.resume();
          reject(error as Error);
        }
      };
      const onEnd = () => {
        settle();
        resolve(chunks.whole());
      };
      const onError = (error: NodeJS.ErrnoException) => {
        settle();
        reject(brokenBody(this.aborter.signal.aborted || error.code === "ECONNRESET"));
      };
      const onClose = () => {
        settle();
        reject(brokenBody(true));
      };
      req.on("data", onData);
      req.once("end", onEnd);
      req.once("error", onError);
      req.once("close", onClose);
    });
  }

  send(response: GatewayResponse): void {
    const { res } = this;
    const { status, headers, body } = response;
    if (isBodySource(body)) {
      // Gone before its answer: nothing will read the provider's body.
      if (res.destroyed) return body.cancel();
      res.writeHead(status, headers);
      // A stream's headers must not wait for its first event; a sized body's go out with it.
      if (headers["content-length"] === undefined) res.flushHeaders();
      this.source = body;
      res.on("drain", () => body.resume());
      body.start(this);
      return;
    }
    if (res.destroyed) return;
    if (body === undefined) {
      res.writeHead(status, headers).end();
      return;
    }
    headers["content-length"] = String(typeof body === "string" ? Buffer.byteLength(body) : body.byteLength);
    res.writeHead(status, headers).end(body);
  }

  write(chunk: Uint8Array): boolean {
    // Gone: the relayed body is cancelled by the close handler; nothing more may be written.
    if (this.res.destroyed) return false;
    return this.res.write(chunk);
  }

  end(): void {
    this.res.end();
  }

  abort(error: Error): void {
    this.res.destroy(error);
  }
}

/** node's own parsed headers (lower-case names), read in place rather than copied. */
class NodeRequestHeaders implements RequestHeaders {
  constructor(private readonly raw: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name];
    return value === undefined ? null : typeof value === "string" ? value : value.join(", ");
  }

  forEach(callback: (value: string, name: string) => void): void {
    for (const name in this.raw) {
      const value = this.raw[name];
      if (value !== undefined) callback(typeof value === "string" ? value : value.join(", "), name);
    }
  }
}

/**
 * Characters after which a request target may read differently through the WHATWG URL parser
 * (which Next's route handlers see): dot segments it resolves, characters it percent-encodes or
 * drops (`#…`), a backslash it takes for a slash.
 */
const NOT_AS_IS = /[^\x21-\x7e]|["#<>`{}'\\]|\/\.|%2e/i;

/**
 * The path and query of an origin-form request target, as the URL parser gives them, so both
 * entries route, check and forward the same path. Most targets hold nothing it would change and are
 * only split; the others go through it.
 */
export function splitTarget(target: string): { path: string; query: string } {
  if (NOT_AS_IS.test(target)) {
    const url = new URL(`http://gateway${target}`);
    return { path: url.pathname, query: url.search };
  }
  const mark = target.indexOf("?");
  if (mark === -1) return { path: target, query: "" };
  return { path: target.slice(0, mark), query: mark === target.length - 1 ? "" : target.slice(mark) };
}
