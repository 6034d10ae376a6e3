import type { StreamError } from "@/lib/formats/stream-codec";

/**
 * The last event of an OpenAI-format stream that failed mid-way: a `data:` event holding an error
 * object, as OpenAI itself sends one, which the official SDKs raise as an APIError while iterating.
 * No `[DONE]` follows, since the stream did not complete. The type is always `api_error`: by the
 * time a stream runs, the request was accepted, so a failure is the provider's or the gateway's.
 */
export function openAiStreamErrorEvent(error: StreamError): string {
  return `data: ${JSON.stringify({ error: { message: error.message, type: "api_error", code: error.code, param: null } })}\n\n`;
}
