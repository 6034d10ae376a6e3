import type { SseEvent, WireError } from "@/lib/formats/canonical";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";

/**
 * Google's error shape, `{"error": {"code": <HTTP status>, "message", "status": "INVALID_ARGUMENT"}}`
 * (google.rpc.Status). `status` is the canonical code name; WireError keeps it as its `type`.
 */

const statusByHttp: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ABORTED",
  413: "INVALID_ARGUMENT",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  501: "UNIMPLEMENTED",
  502: "UNAVAILABLE",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

const googleStatuses = new Set([...Object.values(statusByHttp), "FAILED_PRECONDITION", "OUT_OF_RANGE", "UNKNOWN", "ALREADY_EXISTS", "DATA_LOSS"]);

function googleStatus(error: WireError): string {
  if (error.type !== undefined && googleStatuses.has(error.type)) return error.type;
  return statusByHttp[error.status] ?? (error.status >= 500 ? "INTERNAL" : error.status >= 400 ? "FAILED_PRECONDITION" : "UNKNOWN");
}

export function decodeGeminiError(status: number, body: JsonObject | undefined): WireError {
  const error = isJsonObject(body?.error) ? body.error : undefined;
  const message = typeof error?.message === "string" && error.message !== "" ? error.message : `Google AI Studio answered HTTP ${status}.`;
  const type = typeof error?.status === "string" ? error.status : undefined;
  return { status, message, ...(type === undefined ? {} : { type }) };
}

export function encodeGeminiError(error: WireError): JsonObject {
  return { error: { code: error.status, message: error.message, status: googleStatus(error) } };
}

/** Gemini's streams end in failure with one more `data:` event holding the error object. */
export function geminiStreamErrorEvents(error: WireError): SseEvent[] {
  return [{ data: JSON.stringify(encodeGeminiError(error)) }];
}
