import { providerSlugOf } from "@/lib/providers";
import { isWorkersAiModel } from "@/lib/providers/workers-ai";
import { invalidRequest, jsonTooDeep } from "./errors";

export type JsonObject = Record<string, unknown>;

const utf8 = new TextDecoder();

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** How deeply arrays and objects may nest in a JSON request body; real requests (tool schemas included) stay far below. */
export const MAX_JSON_DEPTH = 128;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * Refuses JSON nested deeper than MAX_JSON_DEPTH, counting `[` and `{` outside strings in one pass
 * over the bytes, before any parse: re-encoding thousands of levels overflows the stack. Strings,
 * most of a chat body, are skipped with a native search for their closing quote. (UTF-8
 * continuation bytes are all >= 0x80, so they never look like brackets or quotes.)
 */
export function assertJsonDepth(raw: Uint8Array): void {
  let depth = 0;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (byte === QUOTE) {
      i = closingQuote(raw, i);
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > MAX_JSON_DEPTH) throw jsonTooDeep(MAX_JSON_DEPTH);
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    }
  }
}

/** Where the string opened at `open` ends (its unescaped closing quote), or the end of the bytes. */
function closingQuote(raw: Uint8Array, open: number): number {
  let quote = open;
  for (;;) {
    quote = raw.indexOf(QUOTE, quote + 1);
    if (quote === -1) return raw.length;
    let backslashes = 0;
    while (raw[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
  }
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
  assertJsonDepth(raw);
  const body = tryParseJsonObject(raw);
  if (!body) throw invalidRequest("The request body is not valid JSON: send a JSON object", "invalid_json");
  return body;
}

/**
 * `"{provider}/{model}"` → its parts; the model itself may contain slashes (`workers-ai/@cf/meta/…`).
 * Workers AI's own names (`@cf/meta/…`) need no prefix, as Cloudflare's REST API takes them.
 */
export function parseModelName(value: unknown): { provider: string; model: string } {
  if (typeof value === "string" && isWorkersAiModel(value)) return { provider: "workers-ai", model: value };
  const slash = typeof value === "string" ? value.indexOf("/") : -1;
  if (typeof value !== "string" || slash <= 0 || slash === value.length - 1) {
    const got = value === undefined ? "it is missing" : `got ${JSON.stringify(value)}`;
    throw invalidRequest(
      `"model" must name the provider and the model as "{provider}/{model}", like "openai/gpt-4o-mini" or "custom-{slug}/{model}", or a Workers AI model ("@cf/…"); ${got}`,
      "invalid_model",
    );
  }
  const provider = value.slice(0, slash);
  // Cloudflare's REST author names (`xai`, `google`) stand for their providers' slugs.
  return { provider: providerSlugOf(provider), model: value.slice(slash + 1) };
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
