import type { SseEvent, WireError } from "@/lib/formats/canonical";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";

/**
 * OpenAI's error shape, the same on /responses as on /chat/completions:
 * `{"error":{"message","type","param","code"}}`. In a stream, an `event: error` whose data holds
 * the fields flat (as the SDK's ResponseErrorEvent types it) and nested under `error` (as OpenAI
 * sends it); the SDK raises either as an APIError with the message.
 */

export function decodeResponsesError(status: number, body: JsonObject | undefined): WireError {
  const fields = isJsonObject(body?.error) ? body.error : body;
  const message = typeof fields?.message === "string" && fields.message !== "" ? fields.message : `The provider answered with HTTP ${status}`;
  const error: WireError = { status, message };
  if (typeof fields?.type === "string" && fields.type !== "error") error.type = fields.type;
  if (typeof fields?.code === "string") error.code = fields.code;
  if (typeof fields?.param === "string") error.param = fields.param;
  return error;
}

export function encodeResponsesError(error: WireError): JsonObject {
  return { error: errorFields(error) };
}

/** The error event that ends a failed stream; `sequenceNumber` continues the stream's count where it is known. */
export function responsesErrorEvent(error: WireError, sequenceNumber: number): SseEvent {
  const fields = errorFields(error);
  return {
    event: "error",
    data: JSON.stringify({ type: "error", code: fields.code, message: fields.message, param: fields.param, sequence_number: sequenceNumber, error: fields }),
  };
}

function errorFields(error: WireError): { message: string; type: string; param: string | null; code: string | null } {
  return { message: error.message, type: error.type ?? errorType(error.status), param: error.param ?? null, code: error.code ?? null };
}

/** OpenAI's error types by HTTP status, for errors that arrive without one. */
function errorType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "api_error";
  return "invalid_request_error";
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
