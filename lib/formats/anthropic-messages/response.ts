import type { ChatResponse, FinishReason, ReasoningBlock, ToolCall } from "@/lib/formats/canonical";
import { FormatError } from "@/lib/formats/codec";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";
import { toolUseId } from "./ids";
import { toolInput } from "./request";
import { anthropicUsage, usageFromBody } from "./usage";

/**
 * Anthropic Messages answers ⇄ canonical. Stop reasons: end_turn and stop_sequence → stop,
 * max_tokens and model_context_window_exceeded → length, tool_use → tool_calls, refusal →
 * content_filter, and pause_turn (a long server-tool turn Anthropic paused; translated requests
 * carry no server tools, so it ends the answer as it stands) → stop. Citations on text blocks have
 * no canonical place; they only accompany documents and search results, which a translated
 * request cannot carry.
 */

const FINISH_BY_STOP_REASON: Readonly<Record<string, FinishReason>> = {
  end_turn: "stop",
  stop_sequence: "stop",
  pause_turn: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
};

const STOP_REASON_BY_FINISH: Readonly<Record<FinishReason, string>> = {
  stop: "end_turn",
  length: "max_tokens",
  tool_calls: "tool_use",
  content_filter: "refusal",
};

/** Unknown or missing stop reasons (a newer API's) end the answer normally. */
export function finishReason(stopReason: unknown): FinishReason {
  return (typeof stopReason === "string" ? FINISH_BY_STOP_REASON[stopReason] : undefined) ?? "stop";
}

export function stopReason(finish: FinishReason): string {
  return STOP_REASON_BY_FINISH[finish];
}

export function decodeResponse(body: JsonObject): ChatResponse {
  if (!Array.isArray(body.content)) throw new FormatError("content must be an array of blocks", "content", "invalid_field");
  let text: string | null = null;
  const toolCalls: ToolCall[] = [];
  const reasoning: ReasoningBlock[] = [];
  body.content.forEach((block: unknown, i) => {
    if (!isJsonObject(block)) return;
    switch (block.type) {
      case "text":
        if (typeof block.text === "string") text = (text ?? "") + block.text;
        break;
      case "thinking":
        reasoning.push({
          type: "thinking",
          text: typeof block.thinking === "string" ? block.thinking : "",
          ...(typeof block.signature === "string" && block.signature !== "" ? { signature: block.signature } : {}),
        });
        break;
      case "redacted_thinking":
        if (typeof block.data === "string") reasoning.push({ type: "redacted", data: block.data });
        break;
      case "tool_use":
        toolCalls.push({
          id: String(block.id),
          type: "function",
          function: { name: String(block.name), arguments: JSON.stringify(block.input ?? {}) },
        });
        break;
      default:
        throw new FormatError(
          `content[${i}].type (${String(block.type)}) cannot be translated: Anthropic answered with a block other providers' clients cannot read`,
          `content[${i}].type`,
        );
    }
  });
  const response: ChatResponse = {
    id: typeof body.id === "string" ? body.id : "",
    model: typeof body.model === "string" ? body.model : "",
    created: Math.floor(Date.now() / 1000),
    message: { content: text },
    finish_reason: finishReason(body.stop_reason),
  };
  if (toolCalls.length > 0) response.message.tool_calls = toolCalls;
  if (reasoning.length > 0) response.message.reasoning = reasoning;
  const usage = usageFromBody(body);
  if (usage !== undefined) response.usage = usage;
  return response;
}

/** Canonical → the Message an Anthropic client reads. Reasoning comes first, as Anthropic puts it. */
export function encodeResponse(response: ChatResponse): JsonObject {
  const content: JsonObject[] = [];
  for (const block of response.message.reasoning ?? []) {
    content.push(
      block.type === "redacted"
        ? { type: "redacted_thinking", data: block.data }
        : { type: "thinking", thinking: block.text, signature: block.signature ?? "" },
    );
  }
  const text = response.message.content ?? response.message.refusal;
  if (typeof text === "string" && text !== "") content.push({ type: "text", text });
  (response.message.tool_calls ?? []).forEach((call, i) => {
    content.push({
      type: "tool_use",
      id: toolUseId(call.id, call.signature),
      name: call.function.name,
      input: toolInput(call.function.arguments, `message.tool_calls[${i}].function.arguments`),
    });
  });
  const refused = response.message.content === null && typeof response.message.refusal === "string";
  return {
    id: response.id,
    type: "message",
    role: "assistant",
    model: response.model,
    content,
    stop_reason: refused ? "refusal" : stopReason(response.finish_reason),
    stop_sequence: null,
    usage: anthropicUsage(response.usage),
  };
}
