import type { ChatResponse, FinishReason } from "@/lib/formats/canonical";
import { FormatError } from "@/lib/formats/codec";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";
import { readModelParts, writeModelParts } from "./parts";
import { usageFromMetadata, usageMetadataOf } from "./usage";

/**
 * Gemini's GenerateContentResponse ⇄ canonical. Only the first candidate is read: requests never
 * ask for more (`n > 1` is refused). Calls without an id get `call_{n}`, n their position in the
 * answer, so a streamed and a whole answer name them alike. A prompt blocked before any candidate
 * (`promptFeedback.blockReason`) is an empty answer finished by the content filter. Log
 * probabilities (`logprobsResult`) have no place in the canonical answer and are not carried.
 */

const filtered = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "LANGUAGE",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
]);

/** Gemini's finishReason → canonical; STOP on a turn that called functions is `tool_calls`. */
export function finishReasonOf(reason: string, calledTools: boolean): FinishReason {
  if (reason === "MAX_TOKENS") return "length";
  if (filtered.has(reason)) return "content_filter";
  return calledTools ? "tool_calls" : "stop";
}

export function geminiFinishReason(reason: FinishReason): string {
  switch (reason) {
    case "length":
      return "MAX_TOKENS";
    case "content_filter":
      return "SAFETY";
    default:
      return "STOP";
  }
}

export function createdOf(body: JsonObject): number {
  const time = typeof body.createTime === "string" ? Date.parse(body.createTime) : Number.NaN;
  return Math.floor((Number.isNaN(time) ? Date.now() : time) / 1000);
}

export function decodeGeminiResponse(body: JsonObject): ChatResponse {
  const candidates = body.candidates;
  if (candidates !== undefined && !Array.isArray(candidates)) throw new FormatError("candidates must be a list.", "candidates", "invalid_field");
  const candidate: unknown = candidates?.[0];
  const usage = usageFromMetadata(body.usageMetadata);
  const response: ChatResponse = {
    id: typeof body.responseId === "string" ? body.responseId : "",
    model: typeof body.modelVersion === "string" ? body.modelVersion : "",
    created: createdOf(body),
    message: { content: null },
    finish_reason: "stop",
    ...(usage ? { usage } : {}),
  };
  if (!isJsonObject(candidate)) {
    if (isJsonObject(body.promptFeedback) && body.promptFeedback.blockReason !== undefined) response.finish_reason = "content_filter";
    return response;
  }
  const content = isJsonObject(candidate.content) ? candidate.content : {};
  const turn = readModelParts(content.parts ?? [], "candidates[0].content.parts", (index) => `call_${index}`, true);
  response.message.content = turn.text;
  if (turn.toolCalls.length > 0) response.message.tool_calls = turn.toolCalls;
  if (turn.reasoning.length > 0) response.message.reasoning = turn.reasoning;
  response.finish_reason = finishReasonOf(typeof candidate.finishReason === "string" ? candidate.finishReason : "STOP", turn.toolCalls.length > 0);
  return response;
}

export function encodeGeminiResponse(response: ChatResponse): JsonObject {
  const parts = writeModelParts(
    {
      text: [response.message.content, response.message.refusal].filter((piece) => piece).join("\n") || null,
      reasoning: response.message.reasoning ?? [],
      toolCalls: response.message.tool_calls ?? [],
    },
    "message",
  );
  const body: JsonObject = {
    candidates: [{ content: { role: "model", parts }, finishReason: geminiFinishReason(response.finish_reason), index: 0 }],
  };
  if (response.usage) body.usageMetadata = usageMetadataOf(response.usage);
  if (response.model) body.modelVersion = response.model;
  if (response.id) body.responseId = response.id;
  return body;
}
