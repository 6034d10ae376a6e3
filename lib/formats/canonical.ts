import type { JsonObject } from "./json";

/**
 * The canonical request and response every codec translates to and from: OpenAI Chat Completions
 * (snake_case, as on its wire), narrowed to one choice, plus typed extensions for what Chat cannot
 * say (reasoning text and signatures, cache-control hints, cache-write tokens). Codecs are pure:
 * plain objects in, plain objects out.
 */

/** Anthropic's prompt-caching hint, carried on the parts, tools and system text it applies to. */
export interface CacheControl {
  type: "ephemeral";
  ttl?: string;
}

export interface TextPart {
  type: "text";
  text: string;
  cache_control?: CacheControl;
}

/** `url` is an http(s) URL or a `data:{mime};base64,…` URL. */
export interface ImagePart {
  type: "image_url";
  image_url: { url: string; detail?: "auto" | "low" | "high" };
  cache_control?: CacheControl;
}

export type UserContentPart = TextPart | ImagePart;

export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; /** JSON text, as OpenAI sends it. */ arguments: string };
  /**
   * Extension (added for Gemini): the provider's opaque signature on this call's part (Gemini's
   * `thoughtSignature`), which must travel back on the same call in the next turn.
   */
  signature?: string;
}

/**
 * A model's reasoning as the provider returned it. Anthropic's signature (or its redacted block's
 * data) must travel back unchanged on the next turn, so it is kept beside the text.
 */
export type ReasoningBlock =
  | {
      type: "thinking";
      text: string;
      signature?: string;
      /** Extension (openai-responses): the reasoning item's id (`rs_…`), sent back beside its encrypted content. */
      id?: string;
    }
  | { type: "redacted"; data: string };

export type ChatMessage =
  | { role: "system" | "developer"; content: string | TextPart[] }
  | { role: "user"; content: string | UserContentPart[]; name?: string }
  | {
      role: "assistant";
      content: string | TextPart[] | null;
      tool_calls?: ToolCall[];
      /** Extension: reasoning that came before this message's text and tool calls. */
      reasoning?: ReasoningBlock[];
      refusal?: string | null;
    }
  | { role: "tool"; tool_call_id: string; content: string | TextPart[] };

export interface ChatTool {
  type: "function";
  function: { name: string; description?: string; parameters?: JsonObject; strict?: boolean };
  cache_control?: CacheControl;
}

export type ToolChoice = "auto" | "none" | "required" | { type: "function"; function: { name: string } };

export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; json_schema: { name: string; description?: string; schema?: JsonObject; strict?: boolean } };

export type ReasoningEffort = "minimal" | "low" | "medium" | "high";

export interface ChatRequest {
  /** The provider's model name, without the `{provider}/` prefix. */
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  /** OpenAI's `max_completion_tokens` or `max_tokens`, Anthropic's `max_tokens`, Gemini's `maxOutputTokens`. */
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  /** Anthropic and Gemini have it; OpenAI has not. */
  top_k?: number;
  seed?: number;
  stop?: string[];
  user?: string;
  n?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  logprobs?: boolean;
  top_logprobs?: number;
  tools?: ChatTool[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
  /**
   * Extension: how much the model should think. `effort` from OpenAI's `reasoning_effort`,
   * `budget_tokens` from Anthropic's `thinking` or Gemini's `thinkingBudget`; an encoder maps
   * whichever it has onto its target (a table per format, documented in the codec).
   */
  reasoning?: { effort?: ReasoningEffort; budget_tokens?: number; /** Gemini's includeThoughts. */ include_thoughts?: boolean };
  /**
   * Added for openai-chat: the client asked for a usage chunk at the end of its stream. The gateway
   * passes it to the ingress codec's stream encoder (`streamEncoder({ includeUsage })`).
   */
  stream_options?: { include_usage?: boolean };
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

/**
 * Token counts in one shape for every format. `input` counts every prompt token, cached ones
 * included (OpenAI's `prompt_tokens`; Anthropic's input + cache read + cache write); `cache_read`
 * and `cache_write` are the parts of it read from and written to the provider's cache. `output`
 * includes `reasoning`.
 */
export interface CanonicalUsage {
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
  reasoning: number;
}

export interface ChatResponse {
  id: string;
  model: string;
  /** Unix seconds. */
  created: number;
  message: {
    content: string | null;
    tool_calls?: ToolCall[];
    reasoning?: ReasoningBlock[];
    refusal?: string | null;
  };
  finish_reason: FinishReason;
  usage?: CanonicalUsage;
}

/**
 * A stream as a sequence of canonical events. Decoders turn a provider's events into these;
 * encoders turn these into the client's events. Tool-call `index` is the call's position among the
 * message's tool calls (0, 1, …), whatever the provider numbers its blocks.
 */
export type ChatStreamEvent =
  | { type: "start"; id: string; model: string; created: number }
  | { type: "text"; text: string }
  | { type: "reasoning"; text: string }
  /** Closes the current thinking block with its signature (Anthropic), or carries a redacted block. */
  | {
      type: "reasoning_end";
      signature?: string;
      redacted?: string;
      /** Extension (openai-responses): the reasoning item's id, as on ReasoningBlock. */
      id?: string;
    }
  /** `signature`: extension, as on ToolCall (Gemini's `thoughtSignature` on the call's part). */
  | { type: "tool_call_start"; index: number; id: string; name: string; signature?: string }
  | { type: "tool_call_delta"; index: number; arguments: string }
  | { type: "finish"; reason: FinishReason }
  /** Totals known so far for the fields it carries; a later usage event replaces the fields it repeats. */
  | { type: "usage"; usage: Partial<CanonicalUsage> }
  /** The provider reported an error mid-stream (Anthropic's `event: error`, OpenAI's `data: {"error":…}`). */
  | { type: "error"; error: WireError };

/** One server-sent event: `event:` (absent for plain `data:` events) and its joined `data:` lines. */
export interface SseEvent {
  event?: string;
  data: string;
}

/** An error as every format can render it: the HTTP status and the provider's or gateway's words. */
export interface WireError {
  status: number;
  message: string;
  /** The format's error type (`invalid_request_error`, `overloaded_error`, `INVALID_ARGUMENT`); derived from the status when absent. */
  type?: string;
  /** A machine-readable code, where the format has one (`provider_error`, `unsupported_field`). */
  code?: string;
  /**
   * Added for openai-responses: the request field the error is about (a FormatError's `field`), for
   * formats with a place for it (OpenAI's `param`, which its SDKs expose as `error.param`).
   */
  param?: string;
}
