import type { SseEvent, WireError } from "@/lib/formats/canonical";
import { encodeError } from "@/lib/formats/openai-chat/error";

/**
 * OpenAI's error bodies are the same on /responses as on /chat/completions (the openai-chat codec
 * reads and writes them). A Responses stream differs: it fails with an `event: error` whose data
 * holds the fields flat, as the SDK's ResponseErrorEvent types it, and nested under `error`, as
 * OpenAI sends it; the SDK raises either as an APIError with the message.
 */

/** The error event that ends a failed stream; `sequenceNumber` continues the stream's count where it is known. */
export function responsesErrorEvent(error: WireError, sequenceNumber: number): SseEvent {
  const fields = encodeError(error).error as { message: string; code: string | null; param: string | null };
  return {
    event: "error",
    data: JSON.stringify({ type: "error", code: fields.code, message: fields.message, param: fields.param, sequence_number: sequenceNumber, error: fields }),
  };
}

/**
 * A status for an error reported inside a stream or a failed Response, which has only a code:
 * rate limits 429; what was wrong with the input (`invalid_prompt`, `invalid_image_url`,
 * `image_too_large`, policy refusals) 400; anything else, `server_error` included, 500.
 */
export function statusForCode(code: string | undefined): number {
  if (code === undefined) return 500;
  if (code === "rate_limit_exceeded" || code === "insufficient_quota") return 429;
  if (code.startsWith("invalid_") || code.includes("image") || code.includes("policy")) return 400;
  return 500;
}
