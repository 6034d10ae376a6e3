import type { CanonicalUsage, ChatResponse, FinishReason, ReasoningBlock, ToolCall } from "@/lib/formats/canonical";
import { FormatError } from "@/lib/formats/codec";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";
import { usageFromOpenAiBody } from "./usage";

/**
 * Chat Completions answers ⇄ canonical.
 *
 * - One choice: the canonical answer has one, and `encodeRequest` refuses `n > 1`, so a provider's
 *   answer holds one; `decodeResponse` reads `choices[0]`.
 * - Reasoning, which Chat has no field for, travels as the providers that extend Chat write it:
 *   `reasoning_content` (DeepSeek's field: the thinking text, joined) and `reasoning_details`
 *   (OpenRouter's: each block with its signature, `{type: "reasoning.text", text, signature?, id?}`
 *   or `{type: "reasoning.encrypted", data}` for a redacted block). A client that sends the assistant
 *   message back as it got it (the usual way to continue a conversation) returns the signatures.
 * - A tool call's signature (Gemini's thoughtSignature) travels as Google's own OpenAI
 *   compatibility layer writes it: `tool_calls[i].extra_content.google.thought_signature`.
 * - Usage: cache writes go in `prompt_tokens_details.cache_write_tokens` (OpenRouter's field), only
 *   when there are some; OpenAI's own usage has no such field.
 */

const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool_calls",
  content_filter: "content_filter",
  // The legacy function-calling API's reason.
  function_call: "tool_calls",
  // What some OpenAI-compatible servers (TGI, Mistral) send for the same ends.
  eos: "stop",
  model_length: "length",
};

export function finishReason(value: unknown, field: string): FinishReason {
  const reason = typeof value === "string" ? FINISH_REASONS[value] : undefined;
  if (!reason) throw new FormatError(`${field} (${JSON.stringify(value)}) is not a Chat Completions finish reason`, field, "invalid_field");
  return reason;
}

/** A provider's non-streamed answer → canonical. */
export function decodeResponse(body: JsonObject): ChatResponse {
  const choice = Array.isArray(body.choices) ? body.choices[0] : undefined;
  if (!isJsonObject(choice) || !isJsonObject(choice.message)) throw new FormatError("choices[0].message is missing from the answer", "choices[0].message", "invalid_field");
  const message = choice.message;
  // A few OpenAI-compatible servers answer with a list of text parts instead of a string.
  const content = Array.isArray(message.content)
    ? message.content.map((part) => (isJsonObject(part) && typeof part.text === "string" ? part.text : "")).join("")
    : typeof message.content === "string"
      ? message.content
      : null;
  const response: ChatResponse = {
    id: typeof body.id === "string" ? body.id : "",
    model: typeof body.model === "string" ? body.model : "",
    created: typeof body.created === "number" ? body.created : 0,
    message: { content },
    finish_reason: finishReason(choice.finish_reason, "choices[0].finish_reason"),
  };
  const toolCalls = Array.isArray(message.tool_calls) ? message.tool_calls.map((call, i) => decodeToolCall(call, `choices[0].message.tool_calls[${i}]`)) : [];
  if (toolCalls.length > 0) response.message.tool_calls = toolCalls;
  const reasoning = decodeReasoning(message, "choices[0].message");
  if (reasoning) response.message.reasoning = reasoning;
  if (typeof message.refusal === "string") response.message.refusal = message.refusal;
  const usage = usageFromBody(body);
  if (usage) response.usage = usage;
  return response;
}

/** Canonical → the answer an OpenAI client expects. */
export function encodeResponse(response: ChatResponse): JsonObject {
  const { message } = response;
  const out: JsonObject = { role: "assistant", content: message.content, refusal: message.refusal ?? null };
  if (message.tool_calls?.length) out.tool_calls = message.tool_calls.map(encodeToolCall);
  if (message.reasoning?.length) Object.assign(out, encodeReasoning(message.reasoning));
  const body: JsonObject = {
    id: response.id,
    object: "chat.completion",
    created: response.created,
    model: response.model,
    choices: [{ index: 0, message: out, logprobs: null, finish_reason: response.finish_reason }],
  };
  if (response.usage) body.usage = encodeUsage(response.usage);
  return body;
}

export function decodeToolCall(value: unknown, field: string): ToolCall {
  if (!isJsonObject(value)) throw new FormatError(`${field} must be an object`, field, "invalid_field");
  if (value.type !== undefined && value.type !== "function") {
    throw new FormatError(`${field}.type (${JSON.stringify(value.type)}): only function tool calls can be carried to other providers`, `${field}.type`);
  }
  const fn = isJsonObject(value.function) ? value.function : undefined;
  if (typeof value.id !== "string" || typeof fn?.name !== "string") {
    throw new FormatError(`${field} needs an id and a function name`, field, "invalid_field");
  }
  const args = fn.arguments === undefined || fn.arguments === null ? "" : fn.arguments;
  if (typeof args !== "string") throw new FormatError(`${field}.function.arguments must be a JSON string`, `${field}.function.arguments`, "invalid_field");
  const call: ToolCall = { id: value.id, type: "function", function: { name: fn.name, arguments: args } };
  const signature = toolCallSignature(value);
  if (signature !== undefined) call.signature = signature;
  return call;
}

/** Google's place for a call's thoughtSignature in Chat: `extra_content.google.thought_signature`. */
export function toolCallSignature(call: JsonObject): string | undefined {
  const extra = isJsonObject(call.extra_content) && isJsonObject(call.extra_content.google) ? call.extra_content.google : undefined;
  return typeof extra?.thought_signature === "string" ? extra.thought_signature : undefined;
}

export function signatureContent(signature: string | undefined): JsonObject {
  return signature === undefined ? {} : { extra_content: { google: { thought_signature: signature } } };
}

export function encodeToolCall(call: ToolCall): JsonObject {
  return { id: call.id, type: "function", function: { name: call.function.name, arguments: call.function.arguments }, ...signatureContent(call.signature) };
}

/**
 * The reasoning an assistant message carries: `reasoning_details` when present (exact blocks with
 * signatures), else the text of `reasoning_content` or OpenRouter's `reasoning`.
 */
export function decodeReasoning(message: JsonObject, field: string): ReasoningBlock[] | undefined {
  if (Array.isArray(message.reasoning_details) && message.reasoning_details.length > 0) {
    return message.reasoning_details.map((detail, i) => decodeReasoningDetail(detail, `${field}.reasoning_details[${i}]`));
  }
  const text = [message.reasoning_content, message.reasoning].find((t): t is string => typeof t === "string" && t !== "");
  return text === undefined ? undefined : [{ type: "thinking", text }];
}

export function decodeReasoningDetail(detail: unknown, field: string): ReasoningBlock {
  if (!isJsonObject(detail)) throw new FormatError(`${field} must be an object`, field, "invalid_field");
  if (detail.type === "reasoning.encrypted") {
    if (typeof detail.data !== "string") throw new FormatError(`${field}.data must be a string`, `${field}.data`, "invalid_field");
    return { type: "redacted", data: detail.data };
  }
  if (detail.type !== "reasoning.text" && detail.type !== "reasoning.summary") {
    throw new FormatError(`${field}.type (${JSON.stringify(detail.type)}): reasoning details are reasoning.text, reasoning.summary or reasoning.encrypted`, `${field}.type`, "invalid_field");
  }
  const text = detail.type === "reasoning.text" ? detail.text : detail.summary;
  const block: ReasoningBlock = { type: "thinking", text: typeof text === "string" ? text : "" };
  if (typeof detail.signature === "string") block.signature = detail.signature;
  if (typeof detail.id === "string") block.id = detail.id;
  return block;
}

export function encodeReasoning(blocks: ReasoningBlock[]): JsonObject {
  const text = blocks.map((b) => (b.type === "thinking" ? b.text : "")).join("");
  return { reasoning_content: text, reasoning_details: blocks.map(encodeReasoningDetail) };
}

export function encodeReasoningDetail(block: ReasoningBlock, index: number): JsonObject {
  if (block.type === "redacted") return { type: "reasoning.encrypted", data: block.data, index };
  const detail: JsonObject = { type: "reasoning.text", text: block.text, index };
  if (block.signature !== undefined) detail.signature = block.signature;
  if (block.id !== undefined) detail.id = block.id;
  return detail;
}

/** Usage of a Chat Completions answer or stream chunk; undefined when it reports none. Never throws. */
export function usageFromBody(body: JsonObject): CanonicalUsage | undefined {
  const tokens = usageFromOpenAiBody(body);
  if (!tokens || !isJsonObject(body.usage)) return undefined;
  const prompt = isJsonObject(body.usage.prompt_tokens_details) ? body.usage.prompt_tokens_details : {};
  const completion = isJsonObject(body.usage.completion_tokens_details) ? body.usage.completion_tokens_details : {};
  return {
    input: tokens.input,
    output: tokens.output,
    cache_read: tokens.cached,
    cache_write: Math.min(count(prompt.cache_write_tokens), Math.max(tokens.input - tokens.cached, 0)),
    reasoning: Math.min(count(completion.reasoning_tokens), tokens.output),
  };
}

export function encodeUsage(usage: CanonicalUsage): JsonObject {
  const promptDetails: JsonObject = { cached_tokens: usage.cache_read };
  if (usage.cache_write > 0) promptDetails.cache_write_tokens = usage.cache_write;
  return {
    prompt_tokens: usage.input,
    completion_tokens: usage.output,
    total_tokens: usage.input + usage.output,
    prompt_tokens_details: promptDetails,
    completion_tokens_details: { reasoning_tokens: usage.reasoning },
  };
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.trunc(value) : 0;
}
