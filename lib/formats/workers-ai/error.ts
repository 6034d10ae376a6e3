import type { SseEvent, WireError } from "@/lib/formats/canonical";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";

/**
 * Cloudflare's API error envelope, `{result: null, success: false, errors: [{code, message}],
 * messages: []}`, where `code` is a number (Workers AI's model errors are 3xxx and 5xxx, the API's
 * own 7xxx and 10000). A WireError keeps the code as its text; one that is not a number (another
 * format's `rate_limit_exceeded`) is left out of the envelope, which has no place for words there,
 * and the HTTP status stands in.
 */

export function decodeWorkersAiError(status: number, body: JsonObject | undefined): WireError {
  const first = Array.isArray(body?.errors) ? body.errors.find(isJsonObject) : undefined;
  const message = typeof first?.message === "string" && first.message !== "" ? first.message : `Workers AI answered HTTP ${status}.`;
  const code = typeof first?.code === "number" || typeof first?.code === "string" ? String(first.code) : undefined;
  return code === undefined ? { status, message } : { status, message, code };
}

export function encodeWorkersAiError(error: WireError): JsonObject {
  const code = error.code !== undefined && /^\d{1,9}$/.test(error.code) ? Number(error.code) : error.status;
  return { result: null, success: false, errors: [{ code, message: error.message }], messages: [] };
}

/** A Workers AI stream that fails mid-way ends with one more `data:` event holding the envelope. */
export function workersAiStreamErrorEvents(error: WireError): SseEvent[] {
  return [{ data: JSON.stringify(encodeWorkersAiError(error)) }];
}
