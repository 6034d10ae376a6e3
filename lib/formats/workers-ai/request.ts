import type { ChatMessage, ChatRequest } from "@/lib/formats/canonical";
import { FormatError, type EncodedRequest, type RequestHints } from "@/lib/formats/codec";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";
import { decodeRequest as decodeOpenAiChatRequest } from "@/lib/formats/openai-chat/request";

/**
 * Workers AI's text-generation input (`POST …/ai/run/@cf/{author}/{model}`, the model in the path)
 * ⇄ canonical. Its fields are Chat Completions' own names, so decoding rewrites what differs and
 * lets the Chat Completions decoder check the rest:
 *
 * - `prompt` (a single user turn) becomes `messages: [{role: "user", content}]`; sending both is
 *   refused, as Workers AI's schema takes one or the other.
 * - Tools in Workers AI's older flat shape (`{name, description, parameters}`) become function tools.
 * - Refused with a FormatError naming the field: `raw` (no chat template), `lora` (a fine-tune
 *   adapter), `repetition_penalty`, `functions`: no other provider has them.
 * - The model comes from the path (`hints.model`), else from a `model` in the body (/ai/run's).
 *
 * Encoding writes the same shape, with the model in the path (`run/{model}`). Images, `n > 1` and
 * logprobs are refused (they could not be carried, or carried back); left out, as Workers AI's
 * schema has no place for them and they change cost or routing rather than what the answer can
 * hold: reasoning settings, cache hints, `user`, `parallel_tool_calls` and tool-call signatures.
 * An assistant turn's reasoning is left out as for the OpenAI family, which takes none back.
 */

const REFUSED_FIELDS: Readonly<Record<string, string>> = {
  raw: "(no chat template) has no equivalent at other providers; remove it",
  lora: "(a fine-tune adapter) has no equivalent at other providers; remove it",
  repetition_penalty: "has no equivalent at other providers; use frequency_penalty or presence_penalty",
  functions: "is not carried to other providers; send tools instead",
};

/** A Workers AI input body → canonical; `hints.model` is the model the path names. */
export function decodeWorkersAiRequest(body: JsonObject, hints: RequestHints = {}): ChatRequest {
  const { prompt, messages, tools, model, ...rest } = body;
  for (const key of Object.keys(rest)) {
    if (key in REFUSED_FIELDS && rest[key] !== undefined && rest[key] !== null) throw new FormatError(`${key} ${REFUSED_FIELDS[key]!}`, key);
  }
  const chat: JsonObject = { ...rest, model: hints.model ?? model };
  if (prompt !== undefined && prompt !== null) {
    if (messages !== undefined && messages !== null) throw new FormatError("prompt and messages cannot both be sent: send one of them", "prompt", "invalid_field");
    if (typeof prompt !== "string" || prompt === "") throw new FormatError("prompt must be a non-empty string", "prompt", "invalid_field");
    chat.messages = [{ role: "user", content: prompt }];
  } else {
    if (messages === undefined || messages === null) throw new FormatError("messages is required (or prompt): what the model answers", "messages", "invalid_field");
    chat.messages = messages;
  }
  if (tools !== undefined && tools !== null) chat.tools = Array.isArray(tools) ? tools.map(functionTool) : tools;
  if (hints.stream !== undefined && chat.stream === undefined) chat.stream = hints.stream;
  return decodeOpenAiChatRequest(chat);
}

/** Workers AI's flat tool (`{name, description, parameters}`) as a Chat Completions function tool. */
function functionTool(tool: unknown): unknown {
  if (!isJsonObject(tool) || tool.type !== undefined || typeof tool.name !== "string") return tool;
  return { type: "function", function: tool };
}

/** Canonical → a Workers AI input, and the path of its model (`run/@cf/…`). */
export function encodeWorkersAiRequest(request: ChatRequest): EncodedRequest {
  if (request.n !== undefined && request.n > 1) throw new FormatError("n above 1 cannot be carried to Workers AI, which answers one choice", "n");
  if (request.logprobs || request.top_logprobs !== undefined) throw new FormatError("logprobs cannot be carried to Workers AI", "logprobs");
  const body: JsonObject = { messages: request.messages.map(encodeMessage) };
  if (request.stream) body.stream = true;
  for (const key of ["max_tokens", "temperature", "top_p", "top_k", "seed", "presence_penalty", "frequency_penalty"] as const) {
    if (request[key] !== undefined) body[key] = request[key];
  }
  if (request.stop?.length) body.stop = request.stop;
  if (request.tools?.length) body.tools = request.tools.map(({ function: fn }) => ({ type: "function", function: { ...fn } }));
  if (request.tool_choice !== undefined) body.tool_choice = request.tool_choice;
  if (request.response_format?.type === "json_schema") body.response_format = { type: "json_schema", json_schema: request.response_format.json_schema.schema ?? {} };
  else if (request.response_format?.type === "json_object") body.response_format = { type: "json_object" };
  return { body, path: `run/${request.model}` };
}

function encodeMessage(message: ChatMessage, index: number): JsonObject {
  const text = (content: string | { type: string; text?: string }[] | null): string =>
    content === null ? "" : typeof content === "string" ? content : content.map((part, j) => {
      if (part.type !== "text") throw new FormatError(`messages[${index}].content[${j}] (${part.type}) cannot be carried to Workers AI's text models; send text`, `messages[${index}].content[${j}].type`);
      return part.text ?? "";
    }).join("");
  switch (message.role) {
    case "system":
    case "developer":
      return { role: "system", content: text(message.content) };
    case "user":
      return { role: "user", content: text(message.content) };
    case "tool":
      return { role: "tool", tool_call_id: message.tool_call_id, content: text(message.content) };
    case "assistant": {
      const out: JsonObject = { role: "assistant", content: text(message.content) };
      if (message.tool_calls?.length) {
        out.tool_calls = message.tool_calls.map((call) => ({ id: call.id, type: "function", function: { name: call.function.name, arguments: call.function.arguments } }));
      }
      return out;
    }
  }
}
