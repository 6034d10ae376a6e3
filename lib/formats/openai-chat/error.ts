import type { SseEvent, WireError } from "@/lib/formats/canonical";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";
import { parseSse } from "@/lib/formats/sse";
import { openAiStreamErrorEvent } from "./stream-error";

/** The OpenAI error type for an HTTP status, as OpenAI's own errors pair them. */
export function openAiErrorType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "api_error";
  return "invalid_request_error";
}

/** Types OpenAI and the providers that copy its shape send; another format's type is renamed from the status. */
const OPENAI_TYPES = new Set([
  "invalid_request_error",
  "authentication_error",
  "permission_error",
  "not_found_error",
  "rate_limit_error",
  "insufficient_quota",
  "api_error",
  "server_error",
]);

/**
 * `{"error": {"message", "type", "code", "param"}}` → its words. Some OpenAI-compatible servers send
 * `{"error": "text"}` or `{"message": "text"}`; those are read too.
 */
export function decodeError(status: number, body: JsonObject | undefined): WireError {
  const error = isJsonObject(body?.error) ? body.error : undefined;
  const text = [error?.message, body?.error, body?.message].find((m): m is string => typeof m === "string" && m !== "");
  const wire: WireError = { status, message: text ?? `the provider answered with HTTP ${status}`, type: typeof error?.type === "string" ? error.type : openAiErrorType(status) };
  if (typeof error?.code === "string") wire.code = error.code;
  if (typeof error?.param === "string") wire.param = error.param;
  return wire;
}

/**
 * The error body an OpenAI client reads: the SDK raises the class for the HTTP status with this
 * message. The gateway adds Cloudflare's fields beside `error` where its surface uses them; the
 * codec keeps to OpenAI's shape.
 */
export function encodeError(error: WireError): JsonObject {
  const type = error.type !== undefined && OPENAI_TYPES.has(error.type) ? error.type : openAiErrorType(error.status);
  return { error: { message: error.message, type, code: error.code ?? null, param: error.param ?? null } };
}

/** A stream that failed mid-way ends with the `data:` error event OpenAI itself sends, and no `[DONE]`. */
export function streamErrorEvents(error: WireError): SseEvent[] {
  return parseSse(openAiStreamErrorEvent({ message: error.message, code: error.code ?? "provider_error" }));
}

/** Statuses for the types an error inside a stream may carry (its HTTP status was a 200). */
const STATUS_BY_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  rate_limit_error: 429,
  insufficient_quota: 429,
};

/** The error object of a `data: {"error": …}` stream event → its words; unknown types are a 500. */
export function errorFromStreamChunk(error: unknown): WireError {
  const body = isJsonObject(error) ? error : {};
  const type = typeof body.type === "string" ? body.type : "api_error";
  const message = typeof body.message === "string" && body.message !== "" ? body.message : typeof error === "string" ? error : "the provider reported an error mid-stream";
  const wire: WireError = { status: STATUS_BY_TYPE[type] ?? 500, message, type };
  if (typeof body.code === "string") wire.code = body.code;
  return wire;
}
