/**
 * A body as the log keeps it: its text, or for a body that is not text (audio, an image, a
 * multipart upload) its content type alone: decoding such bytes as UTF-8 would store mangled text.
 */
export type LoggedBody = { text: string; binaryType?: undefined } | { text?: undefined; binaryType: string };

/** Content types whose bodies are text: `text/*`, JSON and XML (with `+json`/`+xml` suffixes), forms, NDJSON. */
const TEXT_TYPE = /^\s*(?:text\/|application\/(?:[\w.+-]*\+)?(?:json|xml)\s*(?:;|$)|application\/(?:x-www-form-urlencoded|x-ndjson|jsonl?|javascript|graphql)\s*(?:;|$))/i;

// ignoreBOM keeps a leading byte-order mark in the text, so the text is exactly the bytes.
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** A content type whose bodies the log may store as text; an absent one is decided by the bytes. */
export function isTextType(contentType: string): boolean {
  return TEXT_TYPE.test(contentType);
}

/**
 * `bytes` as text when its content type says text (or says nothing) and the bytes are UTF-8
 * without NUL; otherwise the content type to record in its place (`application/octet-stream`
 * when the client or provider named none).
 */
export function loggedBody(bytes: Uint8Array, contentType: string | null | undefined): LoggedBody {
  const type = contentType?.trim() ?? "";
  if (type !== "" && !isTextType(type)) return { binaryType: type };
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return { binaryType: type || "application/octet-stream" };
  }
  if (text.includes("\u0000")) return { binaryType: type || "application/octet-stream" };
  return { text };
}
