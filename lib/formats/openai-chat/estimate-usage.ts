import { isJsonObject, parseJsonObject, type JsonObject } from "@/lib/formats/json";
import type { StreamSummary } from "@/lib/formats/stream-codec";
import type { TokenUsage } from "@/lib/formats/usage";
import { sseEventData } from "./sse";

/**
 * OpenAI's rule of thumb: a token is about four characters of English text
 * (https://help.openai.com/en/articles/4936856-what-are-tokens-and-how-to-count-them).
 */
const CHARS_PER_TOKEN = 4;
/** OpenAI's cookbook counts 3 tokens of framing per chat message and 3 that prime the reply. */
const TOKENS_PER_MESSAGE = 3;
const REPLY_PRIMING_TOKENS = 3;

const utf8 = new TextDecoder();

/**
 * Tokens of a Chat Completions stream that ended before the provider reported usage (the client
 * went away, or the upstream broke off), so that its log row and cost count what was generated.
 * Both sides are estimates, never exact: the provider's tokenizer is not known here.
 *
 * - Output: the text the stream carried (content, reasoning, refusal, tool-call names and
 *   arguments). Providers stream about one token per event, and English runs about four characters
 *   per token; the larger of the two counts is taken, so neither batched events (several tokens
 *   each) nor scripts with more tokens than characters per four are undercounted much.
 * - Input: the same four-characters rule over the messages' text and the tool definitions, plus
 *   the per-message framing. Images, audio and files are not counted: their token cost depends on
 *   the provider and their size, so the estimate is low for such prompts rather than wildly high.
 *   A prompt is billed in full once generation starts, so an estimate is closer than zero.
 */
export function estimateOpenAiChatUsage(requestBody: Uint8Array | undefined, streamed: StreamSummary): TokenUsage | undefined {
  const input = requestBody ? promptTokens(parseJsonObject(utf8.decode(requestBody))) : 0;
  const output = streamedTokens(streamed);
  if (input === 0 && output === 0) return undefined;
  return { input, output, cached: 0 };
}

/** Prompt tokens of a Chat Completions body (the canonical request is one), by the rule above. */
export function promptTokens(body: JsonObject | undefined): number {
  if (!body || !Array.isArray(body.messages)) return 0;
  let chars = Array.isArray(body.tools) ? JSON.stringify(body.tools).length : 0;
  for (const message of body.messages) {
    if (!isJsonObject(message)) continue;
    chars += textLength(message.name);
    const content = message.content;
    if (typeof content === "string") chars += content.length;
    else if (Array.isArray(content)) for (const part of content) if (isJsonObject(part)) chars += textLength(part.text);
    chars += toolCallsLength(message.tool_calls);
  }
  return Math.ceil(chars / CHARS_PER_TOKEN) + TOKENS_PER_MESSAGE * body.messages.length + REPLY_PRIMING_TOKENS;
}

function streamedTokens(streamed: StreamSummary): number {
  let events = 0;
  let contentEvents = 0;
  let chars = 0;
  for (const data of sseEventData(streamed.text)) {
    events++;
    const length = generatedLength(parseJsonObject(data));
    if (length === 0) continue;
    contentEvents++;
    chars += length;
  }
  if (events === 0) return 0;
  const tokens = generatedTokens(chars, contentEvents);
  // The text is kept only up to about 1 MiB; past it only events were counted, so scale by them.
  return streamed.events > events ? Math.round((tokens * streamed.events) / events) : tokens;
}

/** Tokens of generated text, from its characters and the events that carried it, by the rule above. */
export function generatedTokens(chars: number, contentEvents: number): number {
  return Math.max(contentEvents, Math.ceil(chars / CHARS_PER_TOKEN));
}

/** Characters of generated text in one chunk. */
function generatedLength(chunk: JsonObject | undefined): number {
  if (!chunk || !Array.isArray(chunk.choices)) return 0;
  let length = 0;
  for (const choice of chunk.choices) {
    if (!isJsonObject(choice)) continue;
    // `text`: the legacy Completions endpoint, which passthrough relays too.
    length += textLength(choice.text);
    const delta = choice.delta;
    if (!isJsonObject(delta)) continue;
    // `reasoning_content` (DeepSeek and others) and `reasoning` (OpenRouter) carry thinking tokens.
    length += textLength(delta.content) + textLength(delta.reasoning_content) + textLength(delta.reasoning) + textLength(delta.refusal);
    length += toolCallsLength(delta.tool_calls);
  }
  return length;
}

function toolCallsLength(calls: unknown): number {
  if (!Array.isArray(calls)) return 0;
  let length = 0;
  for (const call of calls) {
    const fn = isJsonObject(call) ? call.function : undefined;
    if (isJsonObject(fn)) length += textLength(fn.name) + textLength(fn.arguments);
  }
  return length;
}

function textLength(value: unknown): number {
  return typeof value === "string" ? value.length : 0;
}
