import type { ChatResponse, FinishReason, ReasoningBlock, ToolCall } from "@/lib/formats/canonical";
import { FormatError } from "@/lib/formats/codec";
import { isJsonObject, parseJsonObject, type JsonObject } from "@/lib/formats/json";
import { decodeReasoning, decodeToolUse } from "./request";
import { converseUsageOf, usageFromConverse } from "./usage";

/**
 * A Converse answer `{output: {message: {role, content}}, stopReason, usage, metrics}` ⇄ canonical.
 * Converse answers carry no id or model: the id is made up (`bedrock-{uuid}`), and the model is left
 * empty for the gateway to fill with the request's.
 */

/** An id for an answer Bedrock gave none. */
export function answerId(): string {
  return `bedrock-${crypto.randomUUID().replaceAll("-", "")}`;
}

/** Bedrock's stop reasons → canonical; the malformed_* ones end the answer like a stop. */
export function finishReasonOf(stopReason: unknown): FinishReason {
  switch (stopReason) {
    case "tool_use":
      return "tool_calls";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "content_filtered":
    case "guardrail_intervened":
      return "content_filter";
    default:
      return "stop";
  }
}

export function stopReasonOf(reason: FinishReason): string {
  switch (reason) {
    case "tool_calls":
      return "tool_use";
    case "length":
      return "max_tokens";
    case "content_filter":
      return "content_filtered";
    case "stop":
      return "end_turn";
  }
}

export function decodeConverseResponse(body: JsonObject): ChatResponse {
  const output = isJsonObject(body.output) ? body.output : undefined;
  const message = isJsonObject(output?.message) ? output.message : undefined;
  if (!message || !Array.isArray(message.content)) throw new FormatError("A Converse answer had no output.message.content.", "output.message.content", "invalid_field");
  let text: string | null = null;
  const calls: ToolCall[] = [];
  const reasoning: ReasoningBlock[] = [];
  message.content.forEach((block: unknown, index) => {
    const field = `output.message.content[${index}]`;
    if (!isJsonObject(block)) throw new FormatError(`${field} must be a content block.`, field, "invalid_field");
    if (typeof block.text === "string") text = (text ?? "") + block.text;
    else if (block.toolUse !== undefined) calls.push(decodeToolUse(block.toolUse, `${field}.toolUse`));
    else if (block.reasoningContent !== undefined) reasoning.push(decodeReasoning(block.reasoningContent, `${field}.reasoningContent`));
  });
  const usage = usageFromConverse(body.usage);
  return {
    id: answerId(),
    model: "",
    created: Math.floor(Date.now() / 1000),
    message: { content: text, ...(calls.length > 0 ? { tool_calls: calls } : {}), ...(reasoning.length > 0 ? { reasoning } : {}) },
    finish_reason: finishReasonOf(body.stopReason),
    ...(usage ? { usage } : {}),
  };
}

export function encodeConverseResponse(response: ChatResponse): JsonObject {
  const content: JsonObject[] = [];
  for (const block of response.message.reasoning ?? []) {
    content.push(
      block.type === "redacted"
        ? { reasoningContent: { redactedContent: block.data } }
        : { reasoningContent: { reasoningText: { text: block.text, ...(block.signature === undefined ? {} : { signature: block.signature }) } } },
    );
  }
  if (response.message.content) content.push({ text: response.message.content });
  for (const call of response.message.tool_calls ?? []) {
    content.push({ toolUse: { toolUseId: call.id, name: call.function.name, input: parseJsonObject(call.function.arguments) ?? {} } });
  }
  return {
    output: { message: { role: "assistant", content } },
    stopReason: stopReasonOf(response.finish_reason),
    usage: converseUsageOf(response.usage ?? {}),
    metrics: { latencyMs: 0 },
  };
}
