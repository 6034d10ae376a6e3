import { invalidRequest } from "./errors";

export type JsonObject = Record<string, unknown>;

const utf8 = new TextDecoder();

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The body as a JSON object; undefined when it is not one. */
export function tryParseJsonObject(raw: Uint8Array): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(utf8.decode(raw));
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The body of an OpenAI-format request, which must be a JSON object. */
export function parseJsonObject(raw: Uint8Array | undefined): JsonObject {
  if (raw === undefined) throw invalidRequest("The request body is empty; send a JSON object", "invalid_json");
  const body = tryParseJsonObject(raw);
  if (!body) throw invalidRequest("The request body is not valid JSON: send a JSON object", "invalid_json");
  return body;
}

/** Cloudflare's REST naming for xAI; its compat endpoint says `grok`. */
const PROVIDER_ALIASES: ReadonlyMap<string, string> = new Map([["xai", "grok"]]);

/** `"{provider}/{model}"` → its parts; the model itself may contain slashes (`workers-ai/@cf/meta/…`). */
export function parseModelName(value: unknown): { provider: string; model: string } {
  const slash = typeof value === "string" ? value.indexOf("/") : -1;
  if (typeof value !== "string" || slash <= 0 || slash === value.length - 1) {
    const got = value === undefined ? "it is missing" : `got ${JSON.stringify(value)}`;
    throw invalidRequest(
      `"model" must name the provider and the model as "{provider}/{model}", like "openai/gpt-4o-mini" or "custom-{slug}/{model}"; ${got}`,
      "invalid_model",
    );
  }
  const provider = value.slice(0, slash);
  return { provider: PROVIDER_ALIASES.get(provider) ?? provider, model: value.slice(slash + 1) };
}

/**
 * Makes a streaming chat request report usage in its last chunk, so the gateway can count tokens.
 * Returns true when it had to ask (the client did not), meaning the usage chunk must be removed
 * again before the client sees it.
 */
export function askForStreamUsage(body: JsonObject): boolean {
  if (body.stream !== true) return false;
  const options = body.stream_options;
  if (isObject(options) && options.include_usage === true) return false;
  body.stream_options = { ...(isObject(options) ? options : {}), include_usage: true };
  return true;
}
