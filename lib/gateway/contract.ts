/**
 * What the gateway core takes and gives, whatever carries it: node:http (lib/node-http/gateway.ts,
 * server.ts's hot path) or a WHATWG Request from Next's route handlers (./web.ts). Small on purpose:
 * building WHATWG objects on every request cost more CPU than the rest of the proxying.
 */

/** The client's headers, read-only, with lower-case names. A WHATWG Headers is one. */
export interface RequestHeaders {
  /** The value of `name` (lower case), or null when the request has none. */
  get(name: string): string | null;
  /** Each header once, its values joined as the transport joins them. */
  forEach(callback: (value: string, name: string) => void): void;
}

export interface GatewayRequest {
  readonly method: string;
  /** The request target's path, without its query: `/v1/{team}/{gateway}/openai/chat/completions`. */
  readonly path: string;
  /** The raw query string, `?` included, or "". */
  readonly query: string;
  readonly headers: RequestHeaders;
  /** Aborts when the client goes away before its answer is complete. */
  readonly signal: AbortSignal;
  /**
   * Reads the body once, refusing it as soon as it passes `limit` bytes (before reading at all when
   * content-length already says so) with `bodyTooLarge`; `clientClosed` when the client went away
   * mid-body, `malformedRequest` when the body broke off otherwise. Undefined for none or an empty one.
   */
  readBody(limit: number): Promise<Uint8Array | undefined>;
}

/** Response headers by lower-case name, in the order they are sent; several values for a repeated header. */
export type ResponseHeaders = Record<string, string | string[]>;

export interface GatewayResponse {
  status: number;
  headers: ResponseHeaders;
  /** Nothing, a whole body, or one relayed as it arrives. */
  body: string | Uint8Array | BodySource | undefined;
}

/** Where a `BodySource` writes: the transport's side of the client's connection. */
export interface BodySink {
  /** False when the client has enough for now: the source waits for its `resume` before writing more. */
  write(chunk: Uint8Array): boolean;
  end(): void;
  /** The body cannot be completed: the response is cut short (its status and headers are already sent). */
  abort(error: Error): void;
}

/** A body relayed chunk by chunk as the provider sends it, at the pace the client reads it. */
export interface BodySource {
  /** Starts writing into `sink`; called once. */
  start(sink: BodySink): void;
  /** The sink takes more again after a write returned false. */
  resume(): void;
  /** The client went away before the end: stop reading and let the provider's response go. */
  cancel(): void;
}

export function isBodySource(body: GatewayResponse["body"]): body is BodySource {
  return typeof body === "object" && !(body instanceof Uint8Array);
}
