import { bodyTooLarge, clientClosed, malformedRequest } from "./errors";

/**
 * Reads the request body once, refusing it as soon as it passes `limit` bytes (before reading at
 * all when content-length already says so). Undefined when the request has no (or an empty) body.
 */
export async function readRequestBody(req: Request, limit: number): Promise<Uint8Array | undefined> {
  if (req.body === null) return undefined;
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) throw bodyTooLarge(limit);

  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch {
      // The client went away, or its connection broke, mid-body: its fault, not a gateway failure.
      throw req.signal.aborted ? clientClosed() : malformedRequest("the request body broke off before it was complete");
    }
    const { done, value } = next;
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      void reader.cancel().catch(() => {});
      throw bodyTooLarge(limit);
    }
    chunks.push(value);
  }
  if (total === 0) return undefined;
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
}
