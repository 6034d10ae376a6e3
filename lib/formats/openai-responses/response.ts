import type { CanonicalUsage, ChatResponse, FinishReason, ReasoningBlock, ToolCall } from "@/lib/formats/canonical";
import type { JsonObject } from "@/lib/formats/json";
import { functionCallItemId, messageItemId, reasoningItemId, redactedReasoningItemId, responseId } from "./ids";
import { invalid, objectAt, optionalArray, optionalNumber, optionalObject, optionalString, requiredString, unsupported } from "./read";
import { decodeFunctionCall, decodeReasoningItem } from "./request";
import { decodeUsage, encodeUsage } from "./usage";

/** A provider's Response object → canonical: reasoning items, the message's text, function calls, usage. */
export function decodeResponsesResponse(body: JsonObject): ChatResponse {
  const reasoning: ReasoningBlock[] = [];
  const text: string[] = [];
  let refusal: string | undefined;
  const toolCalls: ToolCall[] = [];
  (optionalArray(body, "output", "") ?? []).forEach((raw, index) => {
    const path = `output[${index}]`;
    const item = objectAt(raw, path);
    const type = requiredString(item, "type", `${path}.`);
    if (type === "reasoning") {
      const block = decodeReasoningItem(item, path);
      if (block !== undefined) reasoning.push(block);
    } else if (type === "function_call") toolCalls.push(decodeFunctionCall(item, path));
    else if (type === "message") {
      (optionalArray(item, "content", `${path}.`) ?? []).forEach((rawPart, partIndex) => {
        const partPath = `${path}.content[${partIndex}]`;
        const part = objectAt(rawPart, partPath);
        const partType = requiredString(part, "type", `${partPath}.`);
        if (partType === "output_text") text.push(requiredString(part, "text", `${partPath}.`));
        else if (partType === "refusal") refusal = (refusal ?? "") + requiredString(part, "refusal", `${partPath}.`);
        else throw unsupported(`${partPath}.type`, `"${partType}" cannot be carried to a client of another format`);
      });
    } else throw unsupported(`${path}.type`, `"${type}" is output of a tool only OpenAI runs, and cannot be carried to a client of another format`);
  });

  const message: ChatResponse["message"] = { content: text.length > 0 ? text.join("") : null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning.length > 0) message.reasoning = reasoning;
  if (refusal !== undefined) message.refusal = refusal;
  const decoded: ChatResponse = {
    id: requiredString(body, "id", ""),
    model: requiredString(body, "model", ""),
    created: optionalNumber(body, "created_at", "") ?? 0,
    message,
    finish_reason: finishReason(body, toolCalls.length > 0),
  };
  const usage = optionalObject(body, "usage", "");
  const decodedUsage = usage === undefined ? undefined : decodeUsage(usage);
  if (decodedUsage !== undefined) decoded.usage = decodedUsage;
  return decoded;
}

/** status and incomplete_details → why the answer ended, as Chat says it. */
export function finishReason(response: JsonObject, calledTools: boolean): FinishReason {
  const status = optionalString(response, "status", "") ?? "completed";
  if (status === "completed") return calledTools ? "tool_calls" : "stop";
  if (status === "incomplete") {
    const details = optionalObject(response, "incomplete_details", "");
    return details?.reason === "content_filter" ? "content_filter" : "length";
  }
  throw invalid("status", `"${status}" is not a finished response`);
}

/** Canonical → the Response object an openai SDK client reads, with the items' ids made by ./ids. */
export function encodeResponsesResponse(response: ChatResponse): JsonObject {
  const { message } = response;
  const output: JsonObject[] = (message.reasoning ?? []).map((block, index) => reasoningItem(response.id, index, block));
  const text = typeof message.content === "string" ? message.content : "";
  // An answer with no calls has a message, even an empty one, as OpenAI's do: clients read output's message.
  if (text !== "" || (message.refusal ?? "") !== "" || (message.tool_calls ?? []).length === 0) {
    output.push(messageItem(response.id, 0, text, itemStatus(response.finish_reason), message.refusal ?? undefined));
  }
  (message.tool_calls ?? []).forEach((call, index) => {
    output.push(functionCallItem(response.id, index, call.id, call.function.name, call.function.arguments, call.signature));
  });
  return responseObject(response, response.finish_reason, output, response.usage);
}

/**
 * The Response envelope. The request's settings (tools, temperature…) are not known here, so they
 * read as the API's defaults: the SDK reads only output, status and usage from an answer.
 */
export function responseObject(
  start: { id: string; model: string; created: number },
  finish: FinishReason | "in_progress",
  output: JsonObject[],
  usage?: CanonicalUsage,
): JsonObject {
  const incomplete = finish === "length" || finish === "content_filter";
  return {
    id: responseId(start.id),
    object: "response",
    created_at: start.created,
    status: finish === "in_progress" ? "in_progress" : incomplete ? "incomplete" : "completed",
    error: null,
    incomplete_details: incomplete ? { reason: finish === "length" ? "max_output_tokens" : "content_filter" } : null,
    instructions: null,
    metadata: {},
    model: start.model,
    output,
    parallel_tool_calls: true,
    temperature: null,
    tool_choice: "auto",
    tools: [],
    top_p: null,
    ...(usage !== undefined ? { usage: encodeUsage(usage) } : {}),
  };
}

export function itemStatus(finish: FinishReason): "completed" | "incomplete" {
  return finish === "length" || finish === "content_filter" ? "incomplete" : "completed";
}

export function reasoningItem(responseIdValue: string, index: number, block: ReasoningBlock): JsonObject {
  if (block.type === "redacted") {
    return { type: "reasoning", id: redactedReasoningItemId(responseIdValue, index), summary: [], encrypted_content: block.data };
  }
  return {
    type: "reasoning",
    id: block.id ?? reasoningItemId(responseIdValue, index),
    summary: block.text === "" ? [] : [{ type: "summary_text", text: block.text }],
    ...(block.signature !== undefined ? { encrypted_content: block.signature } : {}),
  };
}

export function outputText(text: string): JsonObject {
  return { type: "output_text", text, annotations: [], logprobs: [] };
}

export function messageItem(
  responseIdValue: string,
  index: number,
  text: string,
  status: "in_progress" | "completed" | "incomplete",
  refusal?: string,
): JsonObject {
  const content: JsonObject[] = text === "" && refusal !== undefined ? [] : [outputText(text)];
  if (refusal !== undefined && refusal !== "") content.push({ type: "refusal", refusal });
  return { type: "message", id: messageItemId(responseIdValue, index), role: "assistant", status, content };
}

export function functionCallItem(
  responseIdValue: string,
  index: number,
  callId: string,
  name: string,
  args: string,
  signature?: string,
  status: "in_progress" | "completed" = "completed",
): JsonObject {
  return { type: "function_call", id: functionCallItemId(responseIdValue, index, signature), call_id: callId, name, arguments: args, status };
}
