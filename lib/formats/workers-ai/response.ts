import type { CanonicalUsage, ChatResponse, ToolCall } from "@/lib/formats/canonical";
import { FormatError } from "@/lib/formats/codec";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";
import { tokenCount } from "@/lib/formats/usage";

/**
 * Workers AI's answer is Cloudflare's API envelope, `{result, success, errors, messages}`, with the
 * model's output in `result`: `response` (the text; an object for JSON-mode answers), `tool_calls`
 * and `usage` (`prompt_tokens`, `completion_tokens`, `total_tokens`). Tool calls come in two shapes:
 * the older `{name, arguments: {…}}` (arguments an object) and Chat Completions' `{id, type,
 * function: {name, arguments: "…"}}`; both are read, and the answer is written in the older shape
 * (what the model schemas document) with an `id` beside it, which a client sends back as the tool
 * message's `tool_call_id`. The envelope names no model and no id: the decoder makes an id up.
 */

export function newCallId(): string {
  return `call_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
}

export function decodeWorkersAiResponse(body: JsonObject): ChatResponse {
  if (body.success === false) throw new FormatError("success is false: the answer is an error", "success", "invalid_field");
  const result = isJsonObject(body.result) ? body.result : undefined;
  if (!result) throw new FormatError("result must be an object holding the model's answer", "result", "invalid_field");
  const calls = Array.isArray(result.tool_calls) ? result.tool_calls.map((call, i) => decodeToolCall(call, `result.tool_calls[${i}]`)) : [];
  const text = responseText(result.response);
  const response: ChatResponse = {
    id: `chatcmpl-${crypto.randomUUID().replaceAll("-", "")}`,
    model: "",
    created: Math.floor(Date.now() / 1000),
    message: { content: text === "" && calls.length > 0 ? null : text },
    finish_reason: calls.length > 0 ? "tool_calls" : "stop",
  };
  if (calls.length > 0) response.message.tool_calls = calls;
  const usage = usageOf(result.usage);
  if (usage) response.usage = usage;
  return response;
}

/** A JSON-mode answer's `response` is the object itself; it goes on as its JSON text. */
function responseText(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** A tool call in either shape; `field` names it in a FormatError. */
export function decodeToolCall(value: unknown, field: string): ToolCall {
  if (!isJsonObject(value)) throw new FormatError(`${field} must be a tool call object`, field, "invalid_field");
  const fn = isJsonObject(value.function) ? value.function : value;
  if (typeof fn.name !== "string" || fn.name === "") throw new FormatError(`${field}.name must be the tool's name`, `${field}.name`, "invalid_field");
  const args = fn.arguments === undefined || fn.arguments === null ? "{}" : typeof fn.arguments === "string" ? fn.arguments : JSON.stringify(fn.arguments);
  return { id: typeof value.id === "string" && value.id !== "" ? value.id : newCallId(), type: "function", function: { name: fn.name, arguments: args } };
}

/** Canonical → the answer a Workers AI client reads. */
export function encodeWorkersAiResponse(response: ChatResponse): JsonObject {
  const result: JsonObject = { response: response.message.content ?? "" };
  if (response.message.tool_calls?.length) result.tool_calls = response.message.tool_calls.map(encodeToolCall);
  if (response.usage) result.usage = encodeUsage(response.usage);
  return { result, success: true, errors: [], messages: [] };
}

/** `{id, name, arguments}`, arguments as an object when they are JSON text of one (they always should be). */
export function encodeToolCall(call: ToolCall): JsonObject {
  return { id: call.id, name: call.function.name, arguments: parsedArguments(call.function.arguments) };
}

function parsedArguments(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return isJsonObject(value) ? value : text;
  } catch {
    return text;
  }
}

export function encodeUsage(usage: CanonicalUsage): JsonObject {
  return { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output };
}

/** `usage` of a result or a stream event; undefined when it reports none. Never throws. */
export function usageOf(value: unknown): CanonicalUsage | undefined {
  if (!isJsonObject(value)) return undefined;
  const input = tokenCount(value.prompt_tokens);
  const output = tokenCount(value.completion_tokens);
  if (input === undefined && output === undefined) return undefined;
  return { input: input ?? 0, output: output ?? 0, cache_read: 0, cache_write: 0, reasoning: 0 };
}

/** Usage of a whole answer (`result.usage`), or of one stream event (`usage`). */
export function usageFromWorkersAiBody(body: JsonObject): CanonicalUsage | undefined {
  return usageOf(isJsonObject(body.result) ? body.result.usage : body.usage);
}
