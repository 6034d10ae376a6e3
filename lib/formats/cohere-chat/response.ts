import type { ChatResponse, FinishReason, ReasoningBlock } from "@/lib/formats/canonical";
import { FormatError } from "@/lib/formats/codec";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";
import { cohereUsageOf, usageFromCohere } from "./usage";

/**
 * Cohere's v2 Chat answer (`{id, finish_reason, message: {role, content, tool_plan, tool_calls,
 * citations}, usage}`) ⇄ canonical. Cohere names no model in its answer: the model stays "" and
 * the gateway logs the one it asked for. `thinking` items and the `tool_plan` are reasoning (as in
 * request.ts). Citations point into Cohere's own text and documents; no other format has a place
 * for them, so a translated answer leaves them out (passthrough keeps them). A generation that
 * ended in `ERROR` or `TIMEOUT` is no answer to translate.
 */

const reasonByCohere: Record<string, FinishReason> = {
  COMPLETE: "stop",
  STOP_SEQUENCE: "stop",
  MAX_TOKENS: "length",
  TOOL_CALL: "tool_calls",
};

/** Cohere's finish_reason → canonical; undefined for ERROR, TIMEOUT and anything unknown. */
export function finishReasonOf(reason: unknown): FinishReason | undefined {
  return typeof reason === "string" ? reasonByCohere[reason] : undefined;
}

export function cohereFinishReason(reason: FinishReason): string {
  switch (reason) {
    case "length":
      return "MAX_TOKENS";
    case "tool_calls":
      return "TOOL_CALL";
    // Cohere has no content filter reason: a filtered answer did not complete.
    case "content_filter":
      return "ERROR";
    default:
      return "COMPLETE";
  }
}

export function decodeCohereResponse(body: JsonObject): ChatResponse {
  const reason = finishReasonOf(body.finish_reason);
  if (reason === undefined) {
    throw new FormatError(`Cohere ended the answer with finish_reason ${JSON.stringify(body.finish_reason ?? null)}.`, "finish_reason", "invalid_field");
  }
  const message = isJsonObject(body.message) ? body.message : {};
  let text: string | null = null;
  const reasoning: ReasoningBlock[] = [];
  const content = message.content ?? [];
  if (!Array.isArray(content)) throw new FormatError("message.content must be a list.", "message.content", "invalid_field");
  content.forEach((item: unknown, index) => {
    if (isJsonObject(item) && item.type === "text" && typeof item.text === "string") text = (text ?? "") + item.text;
    else if (isJsonObject(item) && item.type === "thinking" && typeof item.thinking === "string") reasoning.push({ type: "thinking", text: item.thinking });
    else throw new FormatError(`message.content[${index}] must be a text or thinking item.`, `message.content[${index}]`, "invalid_field");
  });
  if (typeof message.tool_plan === "string" && message.tool_plan !== "") reasoning.push({ type: "thinking", text: message.tool_plan });
  const response: ChatResponse = {
    id: typeof body.id === "string" ? body.id : "",
    model: "",
    created: Math.floor(Date.now() / 1000),
    message: { content: text },
    finish_reason: reason,
  };
  const calls = message.tool_calls ?? [];
  if (!Array.isArray(calls)) throw new FormatError("message.tool_calls must be a list.", "message.tool_calls", "invalid_field");
  if (calls.length > 0) {
    response.message.tool_calls = calls.map((call: unknown, index) => {
      const fn = isJsonObject(call) ? call.function : undefined;
      if (!isJsonObject(call) || typeof call.id !== "string" || !isJsonObject(fn) || typeof fn.name !== "string") {
        throw new FormatError(`message.tool_calls[${index}] needs an id and a function name.`, `message.tool_calls[${index}]`, "invalid_field");
      }
      return { id: call.id, type: "function" as const, function: { name: fn.name, arguments: typeof fn.arguments === "string" ? fn.arguments : "{}" } };
    });
  }
  if (reasoning.length > 0) response.message.reasoning = reasoning;
  const usage = usageFromCohere(body.usage);
  if (usage) response.usage = usage;
  return response;
}

export function encodeCohereResponse(response: ChatResponse): JsonObject {
  const message: JsonObject = { role: "assistant" };
  const calls = response.message.tool_calls ?? [];
  const thoughts = (response.message.reasoning ?? []).flatMap((block) => (block.type === "thinking" && block.text !== "" ? [block.text] : []));
  const content: JsonObject[] = calls.length > 0 ? [] : thoughts.map((thinking) => ({ type: "thinking", thinking }));
  const said = [response.message.content ?? "", response.message.refusal ?? ""].filter((piece) => piece !== "").join("\n");
  if (said !== "") content.push({ type: "text", text: said });
  if (calls.length > 0) {
    if (thoughts.length > 0) message.tool_plan = thoughts.join("\n");
    message.tool_calls = calls.map((call) => ({ id: call.id, type: "function", function: { name: call.function.name, arguments: call.function.arguments } }));
  }
  message.content = content;
  const body: JsonObject = { id: response.id, finish_reason: cohereFinishReason(response.finish_reason), message };
  if (response.usage) body.usage = cohereUsageOf(response.usage);
  return body;
}
