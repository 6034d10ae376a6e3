import type { SseEvent, WireError } from "@/lib/formats/canonical";
import type { JsonObject } from "@/lib/formats/json";

/**
 * Cohere's errors are `{"id": "…", "message": "…"}` with the HTTP status saying what kind (its
 * SDK raises one class per status: 400, 401, 403, 404, 422, 429, 498, 499, 500…); there is no
 * type field, so WireError's type is left to the status.
 */
export function decodeCohereError(status: number, body: JsonObject | undefined): WireError {
  const message = typeof body?.message === "string" && body.message !== "" ? body.message : `Cohere answered HTTP ${status}.`;
  return { status, message };
}

export function encodeCohereError(error: WireError): JsonObject {
  return { message: error.message };
}

/**
 * A Cohere stream that fails mid-way ends with `message-end`, `finish_reason: "ERROR"` and the
 * error's words in `delta.error`.
 */
export function cohereStreamErrorEvents(error: WireError): SseEvent[] {
  return [{ event: "message-end", data: JSON.stringify({ type: "message-end", delta: { finish_reason: "ERROR", error: error.message } }) }];
}
