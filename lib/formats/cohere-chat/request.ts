import type { ChatMessage, ChatRequest, ChatTool, ReasoningBlock, ResponseFormat, TextPart, ToolCall, UserContentPart } from "@/lib/formats/canonical";
import { FormatError, type EncodedRequest, type RequestHints } from "@/lib/formats/codec";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";

/**
 * Cohere's v2 Chat request (`POST /v2/chat`, snake_case on the wire as cohere-ai's serializers
 * write it) ⇄ canonical.
 *
 * Choices worth knowing:
 * - Messages map one to one: system and developer → `system`; user text and `image_url` parts;
 *   assistant `tool_calls` (OpenAI's shape) and `tool_plan`; `tool` with `tool_call_id`.
 * - Reasoning: Cohere's `thinking` content items and its `tool_plan` (the model's plan before it
 *   calls tools) are both the model's reasoning, so both decode to reasoning blocks. Encoding, an
 *   assistant turn's reasoning goes back as `tool_plan` when the turn calls tools (where Cohere
 *   put it), else as `thinking` items. Signatures and Anthropic's redacted thinking have no Cohere
 *   form and are left out (only their own provider can check them).
 * - `thinking: {type: "enabled", token_budget}` ⇄ `reasoning.budget_tokens`; `disabled` ⇄ a budget
 *   of 0; an effort without a budget is `enabled` with Cohere choosing the budget.
 * - Tools are OpenAI's function tools; a tool's `strict` ⇄ the request's `strict_tools`.
 *   `tool_choice`: auto is Cohere's default (left out), `required` → `REQUIRED`, `none` → `NONE`,
 *   and a named function → `REQUIRED` with only that tool offered (Cohere cannot name one).
 * - `response_format`: `json_object` (with `json_schema` when a schema is given) ⇄ canonical
 *   json_object / json_schema.
 * - Tool results given as `document` items are carried as their data's JSON text.
 * - Refused with a FormatError: `n > 1`, `logprobs`/`top_logprobs` (no place in the canonical
 *   answer), `parallel_tool_calls: false` (Cohere cannot be held to one call); from a Cohere
 *   client, `documents` and `citation_options` (retrieval with citations, which other providers
 *   cannot do), `safety_mode` (other providers have no such switch) and any unknown field.
 * - Ignored as harmless: `user` and a user message's `name` (no place, no effect on the answer),
 *   `cache_control` hints, `stream_options` (Cohere always reports usage), Cohere's `priority`.
 */

export const COHERE_CHAT_PATH = "v2/chat";

// ───────────────────────────── canonical → Cohere ─────────────────────────────

export function encodeCohereRequest(request: ChatRequest): EncodedRequest {
  const body: JsonObject = { model: request.model, messages: request.messages.map(encodeMessage) };
  if (request.stream) body.stream = true;
  if (request.n !== undefined && request.n > 1) throw new FormatError("n > 1 is not supported here: one choice per request; send several requests.", "n");
  if (request.logprobs) throw new FormatError("logprobs cannot be carried back from Cohere through the gateway's translation.", "logprobs");
  if (request.top_logprobs !== undefined) throw new FormatError("top_logprobs cannot be carried back from Cohere through the gateway's translation.", "top_logprobs");
  encodeTools(request, body);
  if (request.max_tokens !== undefined) body.max_tokens = request.max_tokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== undefined) body.p = request.top_p;
  if (request.top_k !== undefined) body.k = request.top_k;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.stop && request.stop.length > 0) body.stop_sequences = request.stop;
  if (request.frequency_penalty !== undefined) body.frequency_penalty = request.frequency_penalty;
  if (request.presence_penalty !== undefined) body.presence_penalty = request.presence_penalty;
  const format = request.response_format;
  if (format?.type === "json_object") body.response_format = { type: "json_object" };
  if (format?.type === "json_schema") body.response_format = { type: "json_object", ...(format.json_schema.schema ? { json_schema: format.json_schema.schema } : {}) };
  if (request.reasoning) {
    const { effort, budget_tokens } = request.reasoning;
    if (budget_tokens === 0) body.thinking = { type: "disabled" };
    else if (budget_tokens !== undefined) body.thinking = { type: "enabled", token_budget: budget_tokens };
    else if (effort !== undefined) body.thinking = { type: "enabled" };
  }
  return { body, path: COHERE_CHAT_PATH };
}

function encodeTools(request: ChatRequest, body: JsonObject): void {
  let tools = request.tools ?? [];
  const choice = request.tool_choice;
  if (tools.length === 0) {
    if (choice === "required" || typeof choice === "object") throw new FormatError("tool_choice asks for a tool call but no tools were given.", "tool_choice", "invalid_field");
    return;
  }
  if (request.parallel_tool_calls === false) {
    throw new FormatError("parallel_tool_calls: false cannot be expressed to Cohere, which decides how many calls to make; leave it out.", "parallel_tool_calls");
  }
  if (typeof choice === "object") {
    tools = tools.filter((tool) => tool.function.name === choice.function.name);
    if (tools.length === 0) throw new FormatError(`tool_choice names "${choice.function.name}", which is not among the tools.`, "tool_choice", "invalid_field");
  }
  body.tools = tools.map((tool) => ({
    type: "function",
    function: {
      name: tool.function.name,
      ...(tool.function.description === undefined ? {} : { description: tool.function.description }),
      // Cohere requires parameters; a tool without any takes an empty object.
      parameters: tool.function.parameters ?? { type: "object", properties: {} },
    },
  }));
  if (tools.some((tool) => tool.function.strict === true)) body.strict_tools = true;
  if (choice === "required" || typeof choice === "object") body.tool_choice = "REQUIRED";
  if (choice === "none") body.tool_choice = "NONE";
}

function encodeMessage(message: ChatMessage, index: number): JsonObject {
  switch (message.role) {
    case "system":
    case "developer":
      return { role: "system", content: textContent(message.content) };
    case "user":
      return { role: "user", content: typeof message.content === "string" ? message.content : message.content.map(encodeUserPart) };
    case "tool":
      return { role: "tool", tool_call_id: message.tool_call_id, content: textContent(message.content) };
    case "assistant":
      return encodeAssistant(message, `messages[${index}]`);
  }
}

function textContent(content: string | TextPart[]): string | JsonObject[] {
  return typeof content === "string" ? content : content.map((part) => ({ type: "text", text: part.text }));
}

function encodeUserPart(part: UserContentPart): JsonObject {
  if (part.type === "text") return { type: "text", text: part.text };
  return { type: "image_url", image_url: { url: part.image_url.url, ...(part.image_url.detail ? { detail: part.image_url.detail } : {}) } };
}

function encodeAssistant(message: Extract<ChatMessage, { role: "assistant" }>, field: string): JsonObject {
  const out: JsonObject = { role: "assistant" };
  const thoughts = (message.reasoning ?? []).flatMap((block) => (block.type === "thinking" && block.text !== "" ? [block.text] : []));
  const calls = message.tool_calls ?? [];
  const content: JsonObject[] = [];
  if (calls.length === 0) content.push(...thoughts.map((thinking) => ({ type: "thinking", thinking })));
  const text = message.content === null ? "" : typeof message.content === "string" ? message.content : message.content.map((part) => part.text).join("");
  // A refusal is what the model said; Cohere has only text for it.
  const said = [text, message.refusal ?? ""].filter((piece) => piece !== "").join("\n");
  if (said !== "") content.push({ type: "text", text: said });
  if (calls.length > 0) {
    out.tool_calls = calls.map((call) => ({ id: call.id, type: "function", function: { name: call.function.name, arguments: call.function.arguments } }));
    if (thoughts.length > 0) out.tool_plan = thoughts.join("\n");
  } else if (content.length === 0) {
    throw new FormatError(`${field} has neither content nor tool_calls, which Cohere requires of an assistant message.`, field, "invalid_field");
  }
  if (content.length > 0) out.content = content;
  return out;
}

// ───────────────────────────── Cohere → canonical ─────────────────────────────

const requestKeys = new Set([
  "model",
  "messages",
  "stream",
  "tools",
  "strict_tools",
  "documents",
  "citation_options",
  "response_format",
  "safety_mode",
  "max_tokens",
  "stop_sequences",
  "temperature",
  "seed",
  "frequency_penalty",
  "presence_penalty",
  "k",
  "p",
  "logprobs",
  "tool_choice",
  "thinking",
  "priority",
]);

export function decodeCohereRequest(body: JsonObject, hints: RequestHints = {}): ChatRequest {
  for (const key of Object.keys(body)) {
    if (!requestKeys.has(key)) throw new FormatError(`${key} is not a v2 Chat field this gateway can carry to another provider.`, key);
  }
  const model = hints.model ?? body.model;
  if (typeof model !== "string" || model === "") throw new FormatError("model is required.", "model", "invalid_field");
  if (body.documents !== undefined) {
    throw new FormatError("documents (retrieval with citations) cannot be carried to other providers; put the documents' text in a message.", "documents");
  }
  if (body.citation_options !== undefined) throw new FormatError("citation_options cannot be carried to other providers, which do not cite documents.", "citation_options");
  if (body.safety_mode !== undefined) throw new FormatError("safety_mode cannot be carried to other providers, which have no such switch.", "safety_mode");
  if (body.logprobs !== undefined && body.logprobs !== false) {
    throw new FormatError("logprobs cannot be carried back from other providers through the gateway's translation.", "logprobs");
  }
  if (body.stream !== undefined && typeof body.stream !== "boolean") throw new FormatError("stream must be true or false.", "stream", "invalid_field");

  const request: ChatRequest = { model, messages: decodeMessages(body.messages), stream: hints.stream ?? body.stream === true };
  const number = (key: string): number | undefined => {
    const value = body[key];
    if (value === undefined) return undefined;
    if (typeof value !== "number" || !Number.isFinite(value)) throw new FormatError(`${key} must be a number.`, key, "invalid_field");
    return value;
  };
  const assign = <K extends keyof ChatRequest>(key: K, cohereKey: string) => {
    const value = number(cohereKey);
    if (value !== undefined) request[key] = value as ChatRequest[K];
  };
  assign("max_tokens", "max_tokens");
  assign("temperature", "temperature");
  assign("top_p", "p");
  assign("top_k", "k");
  assign("seed", "seed");
  assign("frequency_penalty", "frequency_penalty");
  assign("presence_penalty", "presence_penalty");
  // Scheduling on Cohere's side only: checked, then left out.
  number("priority");
  if (body.stop_sequences !== undefined) request.stop = stringList(body.stop_sequences, "stop_sequences");
  if (body.tools !== undefined) request.tools = decodeTools(body.tools, body.strict_tools);
  else if (body.strict_tools !== undefined && typeof body.strict_tools !== "boolean") throw new FormatError("strict_tools must be true or false.", "strict_tools", "invalid_field");
  if (body.tool_choice !== undefined) {
    if (body.tool_choice === "REQUIRED") request.tool_choice = "required";
    else if (body.tool_choice === "NONE") request.tool_choice = "none";
    else throw new FormatError('tool_choice must be "REQUIRED" or "NONE".', "tool_choice", "invalid_field");
  }
  if (body.response_format !== undefined) {
    const format = decodeResponseFormat(body.response_format);
    if (format) request.response_format = format;
  }
  if (body.thinking !== undefined) request.reasoning = decodeThinking(body.thinking);
  return request;
}

function stringList(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) throw new FormatError(`${field} must be a list of strings.`, field, "invalid_field");
  return value;
}

function decodeMessages(value: unknown): ChatMessage[] {
  if (!Array.isArray(value) || value.length === 0) throw new FormatError("messages must be a non-empty list.", "messages", "invalid_field");
  return value.map((message: unknown, index) => {
    const field = `messages[${index}]`;
    if (!isJsonObject(message)) throw new FormatError(`${field} must be a message object.`, field, "invalid_field");
    switch (message.role) {
      case "system":
        return { role: "system", content: decodeText(message.content, `${field}.content`) };
      case "user":
        return { role: "user", content: decodeUserContent(message.content, `${field}.content`) };
      case "assistant":
        return decodeAssistant(message, field);
      case "tool": {
        if (typeof message.tool_call_id !== "string" || message.tool_call_id === "") {
          throw new FormatError(`${field}.tool_call_id is required.`, `${field}.tool_call_id`, "invalid_field");
        }
        return { role: "tool", tool_call_id: message.tool_call_id, content: decodeToolContent(message.content, `${field}.content`) };
      }
      default:
        throw new FormatError(`${field}.role must be "system", "user", "assistant" or "tool".`, `${field}.role`, "invalid_field");
    }
  });
}

function decodeText(content: unknown, field: string): string | TextPart[] {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) throw new FormatError(`${field} must be a string or a list of text items.`, field, "invalid_field");
  return content.map((item: unknown, index) => {
    const at = `${field}[${index}]`;
    if (!isJsonObject(item) || item.type !== "text" || typeof item.text !== "string") throw new FormatError(`${at} must be a text item.`, at, "invalid_field");
    return { type: "text", text: item.text };
  });
}

function decodeUserContent(content: unknown, field: string): string | UserContentPart[] {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) throw new FormatError(`${field} must be a string or a list of content items.`, field, "invalid_field");
  return content.map((item: unknown, index): UserContentPart => {
    const at = `${field}[${index}]`;
    if (!isJsonObject(item)) throw new FormatError(`${at} must be a content item.`, at, "invalid_field");
    if (item.type === "text" && typeof item.text === "string") return { type: "text", text: item.text };
    if (item.type === "image_url") {
      const image = item.image_url;
      if (!isJsonObject(image) || typeof image.url !== "string") throw new FormatError(`${at}.image_url.url is required.`, `${at}.image_url.url`, "invalid_field");
      const detail = image.detail;
      if (detail !== undefined && detail !== "auto" && detail !== "low" && detail !== "high") {
        throw new FormatError(`${at}.image_url.detail must be "auto", "low" or "high".`, `${at}.image_url.detail`, "invalid_field");
      }
      return { type: "image_url", image_url: { url: image.url, ...(detail === undefined ? {} : { detail }) } };
    }
    throw new FormatError(`${at}: only text and image_url items can be carried to other providers.`, at);
  });
}

function decodeToolContent(content: unknown, field: string): string | TextPart[] {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) throw new FormatError(`${field} must be a string or a list of text and document items.`, field, "invalid_field");
  return content.map((item: unknown, index): TextPart => {
    const at = `${field}[${index}]`;
    if (isJsonObject(item) && item.type === "text" && typeof item.text === "string") return { type: "text", text: item.text };
    if (isJsonObject(item) && item.type === "document" && isJsonObject(item.document) && isJsonObject(item.document.data)) {
      return { type: "text", text: JSON.stringify(item.document.data) };
    }
    throw new FormatError(`${at} must be a text item or a document item with data.`, at, "invalid_field");
  });
}

function decodeAssistant(message: JsonObject, field: string): ChatMessage {
  const reasoning: ReasoningBlock[] = [];
  let text: string | null = null;
  const content = message.content;
  if (typeof content === "string") text = content;
  else if (Array.isArray(content)) {
    content.forEach((item: unknown, index) => {
      const at = `${field}.content[${index}]`;
      if (isJsonObject(item) && item.type === "text" && typeof item.text === "string") text = (text ?? "") + item.text;
      else if (isJsonObject(item) && item.type === "thinking" && typeof item.thinking === "string") reasoning.push({ type: "thinking", text: item.thinking });
      else throw new FormatError(`${at} must be a text or thinking item.`, at, "invalid_field");
    });
  } else if (content !== undefined) {
    throw new FormatError(`${field}.content must be a string or a list of items.`, `${field}.content`, "invalid_field");
  }
  if (message.tool_plan !== undefined) {
    if (typeof message.tool_plan !== "string") throw new FormatError(`${field}.tool_plan must be a string.`, `${field}.tool_plan`, "invalid_field");
    if (message.tool_plan !== "") reasoning.push({ type: "thinking", text: message.tool_plan });
  }
  // Citations describe the assistant's own earlier text; other providers have no place for them.
  if (message.citations !== undefined && !Array.isArray(message.citations)) throw new FormatError(`${field}.citations must be a list.`, `${field}.citations`, "invalid_field");
  const out: Extract<ChatMessage, { role: "assistant" }> = { role: "assistant", content: text };
  if (message.tool_calls !== undefined) out.tool_calls = decodeToolCalls(message.tool_calls, `${field}.tool_calls`);
  if (reasoning.length > 0) out.reasoning = reasoning;
  return out;
}

function decodeToolCalls(value: unknown, field: string): ToolCall[] {
  if (!Array.isArray(value)) throw new FormatError(`${field} must be a list.`, field, "invalid_field");
  return value.map((call: unknown, index) => {
    const at = `${field}[${index}]`;
    const fn = isJsonObject(call) ? call.function : undefined;
    if (!isJsonObject(call) || typeof call.id !== "string" || !isJsonObject(fn) || typeof fn.name !== "string") {
      throw new FormatError(`${at} needs an id and a function with a name.`, at, "invalid_field");
    }
    if (fn.arguments !== undefined && typeof fn.arguments !== "string") throw new FormatError(`${at}.function.arguments must be JSON text.`, `${at}.function.arguments`, "invalid_field");
    return { id: call.id, type: "function", function: { name: fn.name, arguments: fn.arguments ?? "{}" } };
  });
}

function decodeTools(value: unknown, strict: unknown): ChatTool[] {
  if (!Array.isArray(value)) throw new FormatError("tools must be a list.", "tools", "invalid_field");
  if (strict !== undefined && typeof strict !== "boolean") throw new FormatError("strict_tools must be true or false.", "strict_tools", "invalid_field");
  return value.map((tool: unknown, index): ChatTool => {
    const field = `tools[${index}]`;
    const fn = isJsonObject(tool) ? tool.function : undefined;
    if (!isJsonObject(tool) || tool.type !== "function" || !isJsonObject(fn) || typeof fn.name !== "string") {
      throw new FormatError(`${field} must be a function tool with a name.`, field, "invalid_field");
    }
    if (fn.description !== undefined && typeof fn.description !== "string") throw new FormatError(`${field}.function.description must be a string.`, `${field}.function.description`, "invalid_field");
    if (fn.parameters !== undefined && !isJsonObject(fn.parameters)) throw new FormatError(`${field}.function.parameters must be a JSON schema object.`, `${field}.function.parameters`, "invalid_field");
    return {
      type: "function",
      function: {
        name: fn.name,
        ...(fn.description === undefined ? {} : { description: fn.description }),
        ...(fn.parameters === undefined ? {} : { parameters: fn.parameters }),
        ...(strict === true ? { strict: true } : {}),
      },
    };
  });
}

function decodeResponseFormat(value: unknown): ResponseFormat | undefined {
  if (!isJsonObject(value)) throw new FormatError("response_format must be an object.", "response_format", "invalid_field");
  if (value.type === "text") return undefined;
  if (value.type !== "json_object") throw new FormatError('response_format.type must be "text" or "json_object".', "response_format.type", "invalid_field");
  if (value.json_schema === undefined) return { type: "json_object" };
  if (!isJsonObject(value.json_schema)) throw new FormatError("response_format.json_schema must be a JSON schema object.", "response_format.json_schema", "invalid_field");
  return { type: "json_schema", json_schema: { name: "response", schema: value.json_schema } };
}

function decodeThinking(value: unknown): ChatRequest["reasoning"] {
  if (!isJsonObject(value)) throw new FormatError("thinking must be an object.", "thinking", "invalid_field");
  if (value.type === "disabled") return { budget_tokens: 0 };
  if (value.type !== "enabled") throw new FormatError('thinking.type must be "enabled" or "disabled".', "thinking.type", "invalid_field");
  const budget = value.token_budget;
  if (budget === undefined) return { include_thoughts: true };
  if (typeof budget !== "number" || !Number.isInteger(budget) || budget < 1) {
    throw new FormatError("thinking.token_budget must be a positive whole number of tokens.", "thinking.token_budget", "invalid_field");
  }
  return { budget_tokens: budget };
}
