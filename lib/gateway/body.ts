import { bodyTooLarge, clientClosed, malformedRequest, type GatewayError } from "./errors";

/**
 * A request body's chunks as they are read, refused as soon as they pass `limit` bytes. Each
 * transport's `GatewayRequest.readBody` reads through it, so both refuse alike.
 */
export class BodyChunks {
  private readonly chunks: Uint8Array[] = [];
  private total = 0;

  /** Refuses at once a body whose content-length already says it is too large. */
  constructor(
    private readonly limit: number,
    declaredLength: string | null | undefined,
  ) {
    if (declaredLength != null && Number(declaredLength) > limit) throw bodyTooLarge(limit);
  }

  /** Throws `bodyTooLarge` once the body passes the limit. */
  add(chunk: Uint8Array): void {
    this.total += chunk.byteLength;
    if (this.total > this.limit) throw bodyTooLarge(this.limit);
    this.chunks.push(chunk);
  }

  /** The whole body; undefined when it is empty. */
  whole(): Uint8Array | undefined {
    if (this.total === 0) return undefined;
    return this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.total);
  }
}

/** A body that broke off before its end: the client went away, or its connection broke. Its fault, not a gateway failure. */
export function brokenBody(clientLeft: boolean): GatewayError {
  return clientLeft ? clientClosed() : malformedRequest("the request body broke off before it was complete");
}

/** `GatewayRequest.readBody` of a WHATWG Request. */
export async function readRequestBody(req: Request, limit: number): Promise<Uint8Array | undefined> {
  if (req.body === null) return undefined;
  const chunks = new BodyChunks(limit, req.headers.get("content-length"));
  const reader = req.body.getReader();
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch {
      throw brokenBody(req.signal.aborted);
    }
    if (next.done) return chunks.whole();
    try {
      chunks.add(next.value);
    } catch (error) {
      void reader.cancel().catch(() => {});
      throw error;
    }
  }
}
