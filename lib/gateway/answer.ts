import type { ChatRequest, ChatStreamEvent, WireError } from "@/lib/formats/canonical";
import { FormatError, type Codec, type StreamDecoder, type WireFormat } from "@/lib/formats/codec";
import { codecFor } from "@/lib/formats/index";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";
import { estimateOpenAiChatUsage, generatedTokens, promptTokens } from "@/lib/formats/openai-chat/estimate-usage";
import { tapOpenAiStream } from "./openai-stream-tap";
import { openAiStreamErrorEvent } from "@/lib/formats/openai-chat/stream-error";
import { usageFromOpenAiBody } from "@/lib/formats/openai-chat/usage";
import { serializeSseEvents } from "@/lib/formats/sse";
import type { StreamError, StreamSummary } from "@/lib/formats/stream-codec";
import type { TokenUsage } from "@/lib/formats/usage";
import { framingOf, passthroughTap, translatingTap, type EventStage, type StreamTap } from "./stream-taps";
import { tokenUsageOf } from "@/lib/formats/usage";

/** What the relay learns from a whole (non-streamed) answer, and what the client gets instead when it is rewritten. */
export interface WholeAnswer {
  usage?: TokenUsage;
  model?: string;
  /** The body the client gets in place of the provider's; undefined when it goes as sent. */
  body?: string;
  /** The status the client gets in place of the provider's (the answer could not be translated). */
  status?: number;
}

/**
 * What the relay needs to know of the wire formats of one exchange: how to read (or translate) the
 * answer's stream, how to end a stream that broke off, how to read a whole answer. The relay itself
 * knows no format.
 */
export interface AnswerHandling {
  /** The tap an answer goes through as it streams; undefined for an answer that is read whole. */
  tap(contentType: string, status: number, streamRequested: boolean): StreamTap | undefined;
  /** The client's last event of a stream that failed mid-way. */
  errorEvent(error: StreamError): string;
  /** Tokens of a stream that ended before its usage arrived. */
  estimateUsage(requestBody: Uint8Array | undefined, streamed: StreamSummary): TokenUsage | undefined;
  /** Reads a whole answer (`json` undefined when it is not JSON). */
  whole(status: number, json: unknown): WholeAnswer;
  /** The whole answer is rewritten, so it must be read to its end before the client gets any of it. */
  readonly rewrites: boolean;
  /**
   * The last look at a whole rewritten answer (status below 400) before the client gets it: the
   * body to send (redacted, or as it was), or a `GatewayError` thrown to refuse it (content controls).
   */
  review?(body: string): Promise<string>;
}

/** Content controls on an answer (content-controls/): a stage for a stream's events, a review of a whole answer. */
export interface AnswerChecks {
  /** One per stream; undefined when nothing is checked on streams. */
  stage(): EventStage | undefined;
  review(body: string): Promise<string>;
}

function responseModel(json: unknown): string | undefined {
  const model = isJsonObject(json) ? json.model : undefined;
  return typeof model === "string" ? model : undefined;
}

/**
 * OpenAI Chat Completions as it passes through, and whatever else passes without a codec for it:
 * its usage reader finds nothing in other shapes. `stripUsageChunk`: the gateway asked for stream
 * usage on the client's behalf, so it is removed again.
 */
export function openAiChatAnswer(stripUsageChunk: boolean): AnswerHandling {
  return {
    tap: (contentType) => (contentType.startsWith("text/event-stream") ? tapOpenAiStream({ stripUsageChunk }) : undefined),
    errorEvent: openAiStreamErrorEvent,
    estimateUsage: estimateOpenAiChatUsage,
    whole: (_status, json) => ({ usage: usageFromOpenAiBody(json), model: responseModel(json) }),
    rewrites: false,
  };
}

function codecErrorEvent(codec: Codec): (error: StreamError) => string {
  return (error) => serializeSseEvents(codec.streamErrorEvents({ status: 502, message: error.message, code: error.code }));
}

/** A stream cut before its usage: the prompt from the canonical request, the output from what was decoded. */
function estimateFromCanonical(request: ChatRequest | undefined, streamed: StreamSummary): TokenUsage | undefined {
  const input = request ? promptTokens(request as unknown as JsonObject) : 0;
  const output = streamed.generated ? generatedTokens(streamed.generated.chars, streamed.generated.events) : 0;
  if (input === 0 && output === 0) return undefined;
  return { input, output, cached: 0 };
}

/**
 * Same format in and out through `format`'s codec: bytes pass untouched, usage is read on the side
 * (SSE, or Gemini's JSON-array stream when the request streams). `decodeRequest` reads the client's
 * body only to estimate a cut stream's prompt.
 */
export function passthroughAnswer(format: WireFormat | undefined, stripUsageChunk = false): AnswerHandling {
  if (format === undefined || format === "openai-chat") return openAiChatAnswer(stripUsageChunk);
  const codec = codecFor(format);
  return {
    tap(contentType, status, streamRequested) {
      if (contentType.startsWith("text/event-stream")) return passthroughTap(codec, "sse");
      if (framingOf(contentType) === "event-stream") return passthroughTap(codec, "event-stream");
      return streamRequested && status < 400 && contentType.includes("json") ? passthroughTap(codec, "json-array") : undefined;
    },
    errorEvent: codecErrorEvent(codec),
    estimateUsage(requestBody, streamed) {
      let request: ChatRequest | undefined;
      try {
        const body = requestBody && (JSON.parse(new TextDecoder().decode(requestBody)) as unknown);
        if (isJsonObject(body)) request = codec.decodeRequest(body);
      } catch {
        // A body the codec cannot read still gets its output counted.
      }
      return estimateFromCanonical(request, streamed);
    },
    whole(_status, json) {
      const usage = isJsonObject(json) ? codec.usageFromBody(json) : undefined;
      return { usage: usage && tokenUsageOf(usage), model: responseModel(json) };
    },
    rewrites: false,
  };
}

/** Cohere's and Bedrock Converse's answers name no model: the client is told the one it asked for. */
function withModel(decoder: StreamDecoder, model: string): StreamDecoder {
  const fill = (events: ChatStreamEvent[]) => {
    events.forEach((event, index) => {
      if (event.type === "start" && event.model === "") events[index] = { ...event, model };
    });
    return events;
  };
  return { push: (event) => fill(decoder.push(event)), end: () => fill(decoder.end()) };
}

/**
 * Formats differ: the provider's answer, stream or not, error or not, is decoded with the egress
 * codec and encoded with the client's. A provider error keeps its status and its message. With
 * `checks` (content controls), also when the formats are the same: the checks read canonical events.
 */
export function translatedAnswer(ingress: Codec, egress: Codec, request: ChatRequest, checks?: AnswerChecks): AnswerHandling {
  const errorEvents = (error: WireError) => serializeSseEvents(ingress.streamErrorEvents(error));
  return {
    tap(contentType, status, streamRequested) {
      if (status >= 400 || !streamRequested) return undefined;
      if (!contentType.startsWith("text/event-stream") && !contentType.includes("json") && framingOf(contentType) !== "event-stream") return undefined;
      const encoder = ingress.streamEncoder({ includeUsage: request.stream_options?.include_usage === true });
      return translatingTap(framingOf(contentType), withModel(egress.streamDecoder(), request.model), encoder, errorEvents, checks?.stage());
    },
    errorEvent: codecErrorEvent(ingress),
    estimateUsage: (_requestBody, streamed) => estimateFromCanonical(request, streamed),
    whole(status, json) {
      const body = isJsonObject(json) ? json : undefined;
      if (status >= 400) return { body: JSON.stringify(ingress.encodeError(egress.decodeError(status, body))) };
      if (!body) return untranslatable("its answer is not a JSON object");
      try {
        const response = egress.decodeResponse(body);
        response.model ||= request.model;
        return {
          body: JSON.stringify(ingress.encodeResponse(response)),
          usage: response.usage && tokenUsageOf(response.usage),
          model: response.model,
        };
      } catch (error) {
        if (!(error instanceof FormatError)) throw error;
        return untranslatable(`${error.message} (${error.field})`);
      }
    },
    rewrites: true,
    review: checks && ((body) => checks.review(body)),
  };

  function untranslatable(detail: string): WholeAnswer {
    const error = { status: 502, message: `Failed to get response from provider: the gateway could not translate it: ${detail}`, code: "provider_error" };
    return { body: JSON.stringify(ingress.encodeError(error)), status: 502 };
  }
}
