import type { SseEvent, WireError } from "@/lib/formats/canonical";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";

/** Anthropic's error types and the HTTP status each comes with (https://docs.anthropic.com/en/api/errors). */
const STATUS_BY_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

const TYPE_BY_STATUS = new Map(Object.entries(STATUS_BY_TYPE).map(([type, status]) => [status, type]));

/** The Anthropic error type for a status: its own where it has one, else the 4xx or 5xx catch-all. */
export function anthropicErrorType(status: number): string {
  return TYPE_BY_STATUS.get(status) ?? (status >= 400 && status < 500 ? "invalid_request_error" : "api_error");
}

/** `{"type":"error","error":{"type","message"}}` from Anthropic → its words and status. */
export function decodeError(status: number, body: JsonObject | undefined): WireError {
  const error = isJsonObject(body?.error) ? body.error : undefined;
  const message = typeof error?.message === "string" && error.message !== "" ? error.message : `Anthropic answered with HTTP ${status}`;
  const type = typeof error?.type === "string" ? error.type : anthropicErrorType(status);
  return { status, message, type };
}

/**
 * The body an Anthropic client reads: its SDK raises the class for the status with this message. A
 * type from another format (Gemini's `INVALID_ARGUMENT`) means nothing to it, so only Anthropic's
 * own types are kept; anything else is named from the status.
 */
export function encodeError(error: WireError): JsonObject {
  const type = error.type !== undefined && error.type in STATUS_BY_TYPE ? error.type : anthropicErrorType(error.status);
  return { type: "error", error: { type, message: error.message } };
}

/** A stream that failed mid-way ends with `event: error`, which the SDK raises while iterating. */
export function streamErrorEvents(error: WireError): SseEvent[] {
  return [{ event: "error", data: JSON.stringify(encodeError(error)) }];
}

/**
 * An `event: error` from Anthropic's stream → its words. The stream's HTTP status was 200, so the
 * status is the one Anthropic gives the type (`overloaded_error` → 529); unknown types are 500.
 */
export function errorFromStreamEvent(data: JsonObject): WireError {
  const error = isJsonObject(data.error) ? data.error : {};
  const type = typeof error.type === "string" ? error.type : "api_error";
  const message = typeof error.message === "string" && error.message !== "" ? error.message : "Anthropic reported an error mid-stream";
  return { status: STATUS_BY_TYPE[type] ?? 500, message, type };
}
