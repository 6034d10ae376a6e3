import type { ResponseHeaders } from "@/lib/gateway/contract";

/** What a cached answer replays: the client's status, the headers worth replaying, and the body as it was sent. */
export interface CachedAnswer {
  status: number;
  headers: ResponseHeaders;
  /** Replayed as a stream with these chunk (event) boundaries; otherwise the chunks are one body. */
  stream: boolean;
  chunks: Uint8Array[];
}

/** Entries over this are never stored (Cloudflare's limit). */
export const MAX_ENTRY_BYTES = 25 * 1024 * 1024;

/**
 * Response headers a replay carries. Everything else is about one request (ids, timings, rate-limit
 * counters, dates, cookies) or about the connection (lengths, transfer encodings).
 */
const REPLAYED_HEADERS: ReadonlySet<string> = new Set(["content-type", "content-encoding", "content-language", "content-disposition"]);

export function replayedHeaders(headers: ResponseHeaders): ResponseHeaders {
  const out: ResponseHeaders = {};
  for (const name in headers) if (REPLAYED_HEADERS.has(name)) out[name] = headers[name]!;
  return out;
}

/**
 * One buffer per entry, the same in every store: a 4-byte length, the JSON head (status, headers,
 * stream, chunk lengths), then the chunks' bytes as they were sent. The bytes are never decoded.
 */
export function encodeEntry(answer: CachedAnswer): Buffer {
  const head = Buffer.from(
    JSON.stringify({ status: answer.status, headers: answer.headers, stream: answer.stream, chunks: answer.chunks.map((c) => c.byteLength) }),
  );
  const prefix = Buffer.allocUnsafe(4);
  prefix.writeUInt32BE(head.byteLength);
  return Buffer.concat([prefix, head, ...answer.chunks]);
}

/** The entry in `data`, or undefined for bytes that are not one (a foreign or truncated value). */
export function decodeEntry(data: Buffer): CachedAnswer | undefined {
  try {
    const headLength = data.readUInt32BE(0);
    const head = JSON.parse(data.subarray(4, 4 + headLength).toString("utf8")) as {
      status: number;
      headers: ResponseHeaders;
      stream: boolean;
      chunks: number[];
    };
    let offset = 4 + headLength;
    const chunks: Uint8Array[] = [];
    for (const length of head.chunks) {
      chunks.push(data.subarray(offset, offset + length));
      offset += length;
    }
    if (offset !== data.byteLength || typeof head.status !== "number") return undefined;
    return { status: head.status, headers: head.headers, stream: head.stream === true, chunks };
  } catch {
    return undefined;
  }
}
