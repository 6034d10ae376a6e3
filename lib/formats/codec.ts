import type { CanonicalUsage, ChatRequest, ChatResponse, ChatStreamEvent, SseEvent, WireError } from "./canonical";
import type { JsonObject } from "./json";

/** The wire formats the gateway speaks with clients and providers, one folder each under lib/formats. */
export type WireFormat =
  | "openai-chat"
  | "openai-responses"
  | "anthropic-messages"
  | "gemini"
  | "cohere-chat"
  | "bedrock-converse"
  | "workers-ai";

/**
 * A request that one format cannot carry into another (`n > 1` to Anthropic, `logprobs` to Gemini)
 * or that is malformed for its own format. The gateway answers it with a 400 in the client's
 * shape; the message names the field and what to do instead.
 */
export class FormatError extends Error {
  constructor(
    message: string,
    /** The offending field's path in the client's body (`messages[2].content[0].type`). */
    readonly field: string,
    readonly code: "unsupported_field" | "invalid_field" = "unsupported_field",
  ) {
    super(message);
    this.name = "FormatError";
  }
}

/** Where a format takes what its body does not hold: Gemini puts the model and streaming in the URL. */
export interface RequestHints {
  model?: string;
  stream?: boolean;
}

/** An encoded request: the body and the path after the provider's base URL, query included. */
export interface EncodedRequest {
  body: JsonObject;
  path: string;
}

/** Turns one provider stream's events into canonical events; keeps its own small state. */
export interface StreamDecoder {
  push(event: SseEvent): ChatStreamEvent[];
  /** The stream ended: whatever the decoder still holds. */
  end(): ChatStreamEvent[];
}

/** What a client's request says about the shape of its stream. */
export interface StreamEncoderOptions {
  /**
   * Added for openai-chat: send the usage chunk (`choices: []`) before `[DONE]`, as OpenAI does
   * only when the request set `stream_options.include_usage` (canonical `stream_options`).
   */
  includeUsage?: boolean;
}

/** Turns canonical events into one client stream's events; keeps its own small state. */
export interface StreamEncoder {
  push(event: ChatStreamEvent): SseEvent[];
  /** The stream ended normally (OpenAI's `[DONE]`, for one). */
  end(): SseEvent[];
}

/**
 * One wire format, pure: no I/O, no Request, Response or stream objects. Every method that reads
 * a body throws `FormatError` for what it cannot carry; nothing is dropped silently.
 */
export interface Codec {
  readonly format: WireFormat;
  /** A client's request body in this format → canonical. */
  decodeRequest(body: JsonObject, hints?: RequestHints): ChatRequest;
  /** Canonical → a request body in this format for a provider, with its path. */
  encodeRequest(request: ChatRequest): EncodedRequest;
  /** A provider's non-streamed answer in this format → canonical. */
  decodeResponse(body: JsonObject): ChatResponse;
  /** Canonical → the non-streamed answer a client of this format expects. */
  encodeResponse(response: ChatResponse): JsonObject;
  streamDecoder(): StreamDecoder;
  streamEncoder(options?: StreamEncoderOptions): StreamEncoder;
  /** Usage of a non-streamed answer in this format, read without decoding the rest. */
  usageFromBody(body: JsonObject): CanonicalUsage | undefined;
  /** A provider's error body in this format → its words, for a client of another format. */
  decodeError(status: number, body: JsonObject | undefined): WireError;
  /** The error body a client of this format reads (its SDK raises it with the message). */
  encodeError(error: WireError): JsonObject;
  /** The last event(s) of a stream that failed mid-way, in this format. */
  streamErrorEvents(error: WireError): SseEvent[];
}
