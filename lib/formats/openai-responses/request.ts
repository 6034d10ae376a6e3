import type {
  ChatMessage,
  ChatRequest,
  ChatTool,
  ImagePart,
  ReasoningBlock,
  ReasoningEffort,
  ResponseFormat,
  TextPart,
  ToolCall,
  ToolChoice,
  UserContentPart,
} from "@/lib/formats/canonical";
import type { EncodedRequest, RequestHints } from "@/lib/formats/codec";
import type { JsonObject } from "@/lib/formats/json";
import { isGatewayReasoningItemId, isRedactedReasoningItemId, signatureInFunctionCallItemId } from "./ids";
import {
  invalid,
  objectAt,
  optionalArray,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalObject,
  optionalString,
  requiredString,
  unsupported,
} from "./read";

/**
 * POST /v1/responses bodies ⇄ the canonical request.
 *
 * Decoding a client's body, each top-level field is carried, ignored because it cannot change the
 * answer (IGNORED_FIELDS, with the reason beside each), or refused with a FormatError that names it:
 * OpenAI's server-side state (`previous_response_id`, `conversation`, `background`, stored `prompt`
 * templates) and its built-in tools exist only at OpenAI, so they cannot go to another provider.
 */

const DECODED_FIELDS = new Set([
  "model",
  "input",
  "instructions",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "text",
  "reasoning",
  "max_output_tokens",
  "temperature",
  "top_p",
  "user",
  "safety_identifier",
  "stream",
  "service_tier",
  "truncation",
  "background",
  "include",
]);

/** Fields that only tune how OpenAI itself keeps, caches or labels the response: the answer is the same without them. */
const IGNORED_FIELDS = new Set([
  // Whether OpenAI keeps the response for later retrieval; the gateway keeps its own log.
  "store",
  // Labels stored with the response at OpenAI.
  "metadata",
  // OpenAI's prompt-cache routing and retention hints; other providers cache on their own terms.
  "prompt_cache_key",
  "prompt_cache_retention",
  // Stream obfuscation padding, an OpenAI transport detail.
  "stream_options",
  // Caps calls to built-in tools, which are refused below.
  "max_tool_calls",
]);

const REFUSED_FIELDS: Record<string, string> = {
  previous_response_id:
    "needs the conversation OpenAI stored for that response, which the gateway does not have; send the earlier turns in input instead",
  conversation:
    "needs a conversation stored at OpenAI, which the gateway does not have; send the earlier turns in input instead",
  prompt: "refers to a prompt template stored at OpenAI; send its text in instructions and input instead",
  top_logprobs: "cannot be carried: log probabilities are not translated between providers",
  // Chat Completions parameters a client may send here by habit: say what the Responses API calls them.
  messages: "is a Chat Completions field; the Responses API takes the conversation in input",
  max_tokens: "is a Chat Completions field; the Responses API calls it max_output_tokens",
  max_completion_tokens: "is a Chat Completions field; the Responses API calls it max_output_tokens",
  response_format: "is a Chat Completions field; the Responses API takes it as text.format",
  reasoning_effort: "is a Chat Completions field; the Responses API takes it as reasoning.effort",
  stop: "is a Chat Completions field the Responses API does not have; send it to /chat/completions",
  seed: "is a Chat Completions field the Responses API does not have; send it to /chat/completions",
  n: "is a Chat Completions field the Responses API does not have: it returns one answer",
};

const EFFORTS: readonly ReasoningEffort[] = ["minimal", "low", "medium", "high"];

export function decodeResponsesRequest(body: JsonObject, hints?: RequestHints): ChatRequest {
  for (const key of Object.keys(body)) {
    if (body[key] === null || DECODED_FIELDS.has(key) || IGNORED_FIELDS.has(key)) continue;
    throw unsupported(key, REFUSED_FIELDS[key] ?? "is not supported when an OpenAI Responses request goes to another provider");
  }
  refuseServerSideOptions(body);

  const model = optionalString(body, "model", "") ?? hints?.model;
  if (model === undefined) throw invalid("model", "is required");

  const messages: ChatMessage[] = [];
  const instructions = optionalString(body, "instructions", "");
  if (instructions !== undefined) messages.push({ role: "system", content: instructions });
  messages.push(...decodeInput(body.input));

  const request: ChatRequest = { model, messages, stream: optionalBoolean(body, "stream", "") ?? hints?.stream ?? false };
  // A Responses stream always ends with its usage, in response.completed.
  if (request.stream) request.stream_options = { include_usage: true };
  const maxTokens = optionalInteger(body, "max_output_tokens", "");
  if (maxTokens !== undefined) request.max_tokens = maxTokens;
  const temperature = optionalNumber(body, "temperature", "");
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body, "top_p", "");
  if (topP !== undefined) request.top_p = topP;
  const user = decodeUser(body);
  if (user !== undefined) request.user = user;

  const tools = optionalArray(body, "tools", "");
  if (tools !== undefined && tools.length > 0) request.tools = tools.map(decodeTool);
  if (body.tool_choice !== undefined && body.tool_choice !== null) request.tool_choice = decodeToolChoice(body.tool_choice);
  const parallel = optionalBoolean(body, "parallel_tool_calls", "");
  if (parallel !== undefined) request.parallel_tool_calls = parallel;

  const text = optionalObject(body, "text", "");
  if (text !== undefined) {
    const format = decodeTextConfig(text);
    if (format !== undefined) request.response_format = format;
  }
  const reasoning = optionalObject(body, "reasoning", "");
  if (reasoning !== undefined) {
    const decoded = decodeReasoningConfig(reasoning);
    if (decoded !== undefined) request.reasoning = decoded;
  }
  return request;
}

/** Options whose default is harmless but whose other values ask OpenAI for something only it does. */
function refuseServerSideOptions(body: JsonObject): void {
  if (optionalBoolean(body, "background", "") === true) {
    throw unsupported("background", "runs the response on OpenAI's side to be polled later, which the gateway cannot do; leave it unset");
  }
  const tier = optionalString(body, "service_tier", "");
  if (tier !== undefined && tier !== "auto" && tier !== "default") {
    throw unsupported("service_tier", `"${tier}" is an OpenAI processing tier other providers do not offer; leave it unset`);
  }
  const truncation = optionalString(body, "truncation", "");
  if (truncation !== undefined && truncation !== "disabled") {
    throw unsupported("truncation", `"${truncation}" asks OpenAI to drop turns to fit its context window; trim input instead`);
  }
  const include = optionalArray(body, "include", "") ?? [];
  include.forEach((entry, index) => {
    // The gateway returns reasoning's encrypted content (or another provider's signature) whenever there is one.
    if (entry !== "reasoning.encrypted_content") {
      throw unsupported(`include[${index}]`, `${JSON.stringify(entry)} is output only OpenAI produces; remove it`);
    }
  });
}

function decodeUser(body: JsonObject): string | undefined {
  const user = optionalString(body, "user", "");
  const safetyIdentifier = optionalString(body, "safety_identifier", "");
  // Both name the end user; OpenAI's newer name is safety_identifier, and the canonical form has one field.
  if (user !== undefined && safetyIdentifier !== undefined && user !== safetyIdentifier) {
    throw unsupported("safety_identifier", "and user differ, and other providers take one end-user id; send one of them");
  }
  return user ?? safetyIdentifier;
}

function decodeTool(value: unknown, index: number): ChatTool {
  const path = `tools[${index}]`;
  const tool = objectAt(value, path);
  const type = requiredString(tool, "type", `${path}.`);
  if (type !== "function") {
    throw unsupported(`${path}.type`, `"${type}" is a tool OpenAI runs itself; other providers cannot run it, so only function tools can be translated`);
  }
  for (const key of Object.keys(tool)) {
    if (tool[key] === null || ["type", "name", "description", "parameters", "strict"].includes(key)) continue;
    throw unsupported(`${path}.${key}`, "is an OpenAI-only function tool option; remove it");
  }
  const fn: ChatTool["function"] = { name: requiredString(tool, "name", `${path}.`) };
  const description = optionalString(tool, "description", `${path}.`);
  if (description !== undefined) fn.description = description;
  const parameters = optionalObject(tool, "parameters", `${path}.`);
  if (parameters !== undefined) fn.parameters = parameters;
  const strict = optionalBoolean(tool, "strict", `${path}.`);
  if (strict !== undefined) fn.strict = strict;
  return { type: "function", function: fn };
}

function decodeToolChoice(value: unknown): ToolChoice {
  if (value === "auto" || value === "none" || value === "required") return value;
  if (typeof value === "string") throw invalid("tool_choice", 'must be "auto", "none", "required" or a function');
  const choice = objectAt(value, "tool_choice");
  const type = requiredString(choice, "type", "tool_choice.");
  if (type !== "function") {
    throw unsupported("tool_choice.type", `"${type}" names an OpenAI-only tool choice; use "auto", "none", "required" or a function`);
  }
  return { type: "function", function: { name: requiredString(choice, "name", "tool_choice.") } };
}

function decodeTextConfig(text: JsonObject): ResponseFormat | undefined {
  // "medium" is OpenAI's default, what every other provider does anyway.
  const verbosity = optionalString(text, "verbosity", "text.");
  if (verbosity !== undefined && verbosity !== "medium") {
    throw unsupported("text.verbosity", `"${verbosity}" is an OpenAI-only setting other providers cannot follow; remove it`);
  }
  const format = optionalObject(text, "format", "text.");
  if (format === undefined) return undefined;
  const type = requiredString(format, "type", "text.format.");
  if (type === "text" || type === "json_object") return { type };
  if (type !== "json_schema") throw invalid("text.format.type", 'must be "text", "json_object" or "json_schema"');
  const schema: Extract<ResponseFormat, { type: "json_schema" }>["json_schema"] = {
    name: requiredString(format, "name", "text.format."),
  };
  const description = optionalString(format, "description", "text.format.");
  if (description !== undefined) schema.description = description;
  const jsonSchema = optionalObject(format, "schema", "text.format.");
  if (jsonSchema === undefined) throw invalid("text.format.schema", "is required");
  schema.schema = jsonSchema;
  const strict = optionalBoolean(format, "strict", "text.format.");
  if (strict !== undefined) schema.strict = strict;
  return { type: "json_schema", json_schema: schema };
}

function decodeReasoningConfig(reasoning: JsonObject): ChatRequest["reasoning"] {
  const decoded: NonNullable<ChatRequest["reasoning"]> = {};
  const effort = optionalString(reasoning, "effort", "reasoning.");
  if (effort !== undefined) {
    if (!(EFFORTS as readonly string[]).includes(effort)) {
      throw unsupported("reasoning.effort", `"${effort}" has no equivalent at other providers; use minimal, low, medium or high`);
    }
    decoded.effort = effort as ReasoningEffort;
  }
  // A summary request means the client wants to see the reasoning: other providers' thoughts then come back.
  const summary = optionalString(reasoning, "summary", "reasoning.") ?? optionalString(reasoning, "generate_summary", "reasoning.");
  if (summary !== undefined) decoded.include_thoughts = true;
  const context = optionalString(reasoning, "context", "reasoning.");
  if (context !== undefined && context !== "auto") {
    throw unsupported("reasoning.context", `"${context}" is an OpenAI-only setting; leave it unset`);
  }
  const mode = optionalString(reasoning, "mode", "reasoning.");
  if (mode !== undefined && mode !== "standard") {
    throw unsupported("reasoning.mode", `"${mode}" is an OpenAI-only setting; leave it unset`);
  }
  return Object.keys(decoded).length > 0 ? decoded : undefined;
}

/**
 * The input list is flat: an assistant turn arrives as reasoning items, message items and
 * function_call items in a row. They gather into one canonical assistant message until a
 * user, system or tool item ends the turn, or an item comes that must start a new one
 * (reasoning after text or calls, text after calls).
 */
function decodeInput(value: unknown): ChatMessage[] {
  if (typeof value === "string") return [{ role: "user", content: value }];
  if (value === undefined || value === null) throw invalid("input", "is required");
  if (!Array.isArray(value)) throw invalid("input", "must be a string or a list of items");

  const messages: ChatMessage[] = [];
  let turn: Extract<ChatMessage, { role: "assistant" }> | undefined;
  const assistantTurn = (starts: "reasoning" | "text" | "call") => {
    const hasText = turn !== undefined && (turn.content !== null || turn.refusal !== undefined);
    const hasCalls = turn?.tool_calls !== undefined;
    if (turn === undefined || (starts === "reasoning" && (hasText || hasCalls)) || (starts === "text" && hasCalls)) {
      turn = { role: "assistant", content: null };
      messages.push(turn);
    }
    return turn;
  };

  value.forEach((raw, index) => {
    const path = `input[${index}]`;
    const item = objectAt(raw, path);
    const type = optionalString(item, "type", `${path}.`) ?? "message";
    if (type === "message") {
      const role = requiredString(item, "role", `${path}.`);
      if (role === "assistant") {
        const target = assistantTurn("text");
        const { text, refusal } = decodeAssistantContent(item.content, `${path}.content`);
        if (text !== undefined) target.content = target.content === null ? text : joinText(target.content, text);
        if (refusal !== undefined) target.refusal = (target.refusal ?? "") + refusal;
        return;
      }
      turn = undefined;
      messages.push(decodeMessage(role, item.content, path));
    } else if (type === "function_call") {
      const target = assistantTurn("call");
      (target.tool_calls ??= []).push(decodeFunctionCall(item, path));
    } else if (type === "reasoning") {
      const block = decodeReasoningItem(item, path);
      if (block !== undefined) (assistantTurn("reasoning").reasoning ??= []).push(block);
    } else if (type === "function_call_output") {
      turn = undefined;
      messages.push({
        role: "tool",
        tool_call_id: requiredString(item, "call_id", `${path}.`),
        content: decodeToolOutput(item.output, `${path}.output`),
      });
    } else {
      throw unsupported(`${path}.type`, `"${type}" is an item only OpenAI understands; only messages, reasoning, function calls and their outputs can be translated`);
    }
  });
  return messages;
}

function joinText(previous: string | TextPart[], next: string | TextPart[]): TextPart[] {
  const parts = (content: string | TextPart[]): TextPart[] => (typeof content === "string" ? [{ type: "text", text: content }] : content);
  return [...parts(previous), ...parts(next)];
}

function decodeMessage(role: string, content: unknown, path: string): ChatMessage {
  if (role === "user") return { role, content: decodeUserContent(content, `${path}.content`) };
  if (role === "system" || role === "developer") {
    const parts = decodeUserContent(content, `${path}.content`);
    if (typeof parts === "string") return { role, content: parts };
    const text = parts.map((part, index) => {
      if (part.type !== "text") throw unsupported(`${path}.content[${index}].type`, `in a ${role} message cannot be carried; send images in a user message`);
      return part;
    });
    return { role, content: text };
  }
  throw invalid(`${path}.role`, 'must be "user", "assistant", "system" or "developer"');
}

function decodeUserContent(content: unknown, path: string): string | UserContentPart[] {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) throw invalid(path, "must be a string or a list of content parts");
  return content.map((raw, index) => {
    const partPath = `${path}[${index}]`;
    const part = objectAt(raw, partPath);
    const type = requiredString(part, "type", `${partPath}.`);
    if (type === "input_text") return withCacheHint<TextPart>({ type: "text", text: requiredString(part, "text", `${partPath}.`) }, part);
    if (type === "input_image") return withCacheHint(decodeImage(part, partPath), part);
    throw unsupported(`${partPath}.type`, `"${type}" cannot be carried to other providers; send text or images`);
  });
}

/**
 * OpenAI's explicit cache breakpoint marks where a cached prefix ends, as Anthropic's cache_control
 * does; its lifetimes (30m, 12h) are OpenAI's own, so the provider's default lifetime applies.
 */
function withCacheHint<Part extends TextPart | ImagePart>(decoded: Part, part: JsonObject): Part {
  if (part.prompt_cache_breakpoint !== undefined && part.prompt_cache_breakpoint !== null) decoded.cache_control = { type: "ephemeral" };
  return decoded;
}

function decodeImage(part: JsonObject, path: string): ImagePart {
  if (part.file_id !== undefined && part.file_id !== null) {
    throw unsupported(`${path}.file_id`, "refers to a file stored at OpenAI; send the image as image_url (an https or data URL)");
  }
  const url = requiredString(part, "image_url", `${path}.`);
  const detail = optionalString(part, "detail", `${path}.`);
  if (detail === undefined) return { type: "image_url", image_url: { url } };
  if (detail !== "auto" && detail !== "low" && detail !== "high") {
    throw unsupported(`${path}.detail`, `"${detail}" has no equivalent at other providers; use auto, low or high`);
  }
  return { type: "image_url", image_url: { url, detail } };
}

/** An assistant message's content: text parts (output_text as OpenAI returned them, or input_text) and refusals. */
function decodeAssistantContent(content: unknown, path: string): { text?: string | TextPart[]; refusal?: string } {
  if (typeof content === "string") return { text: content };
  if (!Array.isArray(content)) throw invalid(path, "must be a string or a list of content parts");
  const text: TextPart[] = [];
  let refusal: string | undefined;
  content.forEach((raw, index) => {
    const partPath = `${path}[${index}]`;
    const part = objectAt(raw, partPath);
    const type = requiredString(part, "type", `${partPath}.`);
    // Annotations and logprobs on earlier output describe it; the model does not read them back.
    if (type === "output_text" || type === "input_text") text.push({ type: "text", text: requiredString(part, "text", `${partPath}.`) });
    else if (type === "refusal") refusal = (refusal ?? "") + requiredString(part, "refusal", `${partPath}.`);
    else throw unsupported(`${partPath}.type`, `"${type}" cannot be carried in an assistant message; send output_text`);
  });
  return { ...(text.length > 0 ? { text } : {}), ...(refusal !== undefined ? { refusal } : {}) };
}

export function decodeFunctionCall(item: JsonObject, path: string): ToolCall {
  if (item.namespace !== undefined && item.namespace !== null) {
    throw unsupported(`${path}.namespace`, "names an OpenAI tool namespace; other providers call plain functions");
  }
  const call: ToolCall = {
    id: requiredString(item, "call_id", `${path}.`),
    type: "function",
    function: { name: requiredString(item, "name", `${path}.`), arguments: requiredString(item, "arguments", `${path}.`) },
  };
  const itemId = optionalString(item, "id", `${path}.`);
  const signature = itemId === undefined ? undefined : signatureInFunctionCallItemId(itemId);
  if (signature !== undefined) call.signature = signature;
  return call;
}

function decodeToolOutput(output: unknown, path: string): string | TextPart[] {
  if (typeof output === "string") return output;
  if (!Array.isArray(output)) throw invalid(path, "must be a string or a list of content parts");
  return output.map((raw, index) => {
    const partPath = `${path}[${index}]`;
    const part = objectAt(raw, partPath);
    const type = requiredString(part, "type", `${partPath}.`);
    if (type !== "input_text") throw unsupported(`${partPath}.type`, `"${type}" in a function call output cannot be carried; send text`);
    return { type: "text", text: requiredString(part, "text", `${partPath}.`) };
  });
}

/**
 * A reasoning item → one reasoning block: its raw reasoning text if it has some, else its summaries
 * (joined by blank lines), and its encrypted content as the signature that goes back next turn.
 * An item the gateway itself made from another provider's redacted block becomes that block again.
 * An item with neither text nor encrypted content (OpenAI's, when no summary was asked for) holds
 * nothing another provider or an unstored response could use: undefined.
 */
export function decodeReasoningItem(item: JsonObject, path: string): ReasoningBlock | undefined {
  const id = optionalString(item, "id", `${path}.`);
  const encrypted = optionalString(item, "encrypted_content", `${path}.`);
  const texts = (key: "content" | "summary") =>
    (optionalArray(item, key, `${path}.`) ?? []).map((raw, index) =>
      requiredString(objectAt(raw, `${path}.${key}[${index}]`), "text", `${path}.${key}[${index}].`),
    );
  const content = texts("content");
  const text = (content.length > 0 ? content : texts("summary")).join("\n\n");
  if (id !== undefined && isRedactedReasoningItemId(id) && encrypted !== undefined) return { type: "redacted", data: encrypted };
  if (text === "" && encrypted === undefined) return undefined;
  const block: ReasoningBlock = { type: "thinking", text };
  if (encrypted !== undefined) block.signature = encrypted;
  if (id !== undefined) block.id = id;
  return block;
}

export function encodeResponsesRequest(request: ChatRequest): EncodedRequest {
  refuseUnexpressible(request);
  const body: JsonObject = { model: request.model, input: request.messages.flatMap(encodeMessage), stream: request.stream };
  // The gateway keeps its own log; OpenAI need not store translated conversations.
  body.store = false;
  // stream_options has no counterpart: a Responses stream always ends with its usage.
  if (request.max_tokens !== undefined) body.max_output_tokens = request.max_tokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== undefined) body.top_p = request.top_p;
  if (request.user !== undefined) body.user = request.user;
  if (request.tools !== undefined) body.tools = request.tools.map(encodeTool);
  if (request.tool_choice !== undefined) {
    const choice = request.tool_choice;
    body.tool_choice = typeof choice === "string" ? choice : { type: "function", name: choice.function.name };
  }
  if (request.parallel_tool_calls !== undefined) body.parallel_tool_calls = request.parallel_tool_calls;
  if (request.response_format !== undefined) body.text = { format: encodeResponseFormat(request.response_format) };
  const effort = request.reasoning?.effort ?? effortForBudget(request.reasoning?.budget_tokens);
  const summary = request.reasoning?.include_thoughts === true;
  if (effort !== undefined || summary) {
    body.reasoning = { ...(effort !== undefined ? { effort } : {}), ...(summary ? { summary: "auto" } : {}) };
    // Without store, reasoning goes back next turn only as its encrypted content. Asked for only
    // when reasoning is, since models that do not reason refuse it.
    body.include = ["reasoning.encrypted_content"];
  }
  return { body, path: "responses" };
}

function refuseUnexpressible(request: ChatRequest): void {
  const why = "cannot be carried: the OpenAI Responses API has no such parameter";
  if (request.stop !== undefined && request.stop.length > 0) throw unsupported("stop", why);
  if (request.seed !== undefined) throw unsupported("seed", why);
  if (request.n !== undefined && request.n !== 1) throw unsupported("n", "must be 1: the OpenAI Responses API returns one answer");
  if (request.presence_penalty !== undefined) throw unsupported("presence_penalty", why);
  if (request.frequency_penalty !== undefined) throw unsupported("frequency_penalty", why);
  if (request.top_k !== undefined) throw unsupported("top_k", why);
  if (request.logprobs === true) throw unsupported("logprobs", "cannot be carried: log probabilities are not translated between providers");
  if (request.top_logprobs !== undefined) throw unsupported("top_logprobs", "cannot be carried: log probabilities are not translated between providers");
}

/**
 * A thinking budget (Anthropic's, Gemini's) as an OpenAI effort: no budget is minimal; up to 4k
 * tokens low; up to 16k medium; more high. Anthropic's smallest budget is 1024 and Gemini's
 * dynamic budget is -1 (the model decides), which reads as medium.
 */
function effortForBudget(budget: number | undefined): ReasoningEffort | undefined {
  if (budget === undefined) return undefined;
  if (budget < 0) return "medium";
  if (budget === 0) return "minimal";
  if (budget <= 4096) return "low";
  if (budget <= 16384) return "medium";
  return "high";
}

function encodeMessage(message: ChatMessage, index: number): JsonObject[] {
  const path = `messages[${index}]`;
  switch (message.role) {
    case "system":
    case "developer":
      return [{ role: message.role, content: encodeUserContent(message.content) }];
    case "user":
      if (message.name !== undefined) throw unsupported(`${path}.name`, "cannot be carried: the OpenAI Responses API has no message names");
      return [{ role: "user", content: encodeUserContent(message.content) }];
    case "tool":
      return [
        {
          type: "function_call_output",
          call_id: message.tool_call_id,
          output: typeof message.content === "string" ? message.content : message.content.map((part) => ({ type: "input_text", text: part.text })),
        },
      ];
    case "assistant": {
      const items: JsonObject[] = [];
      for (const block of message.reasoning ?? []) {
        // Reasoning without an OpenAI id came from another provider, and reasoning without its encrypted
        // content cannot be read back from an unstored response: OpenAI answers without either.
        if (block.type !== "thinking" || block.id === undefined || isGatewayReasoningItemId(block.id) || block.signature === undefined) continue;
        const summary = block.text === "" ? [] : [{ type: "summary_text", text: block.text }];
        items.push({ type: "reasoning", id: block.id, summary, encrypted_content: block.signature });
      }
      // A refusal in history is what the assistant said; OpenAI takes it back as text.
      const text = [typeof message.content === "string" ? message.content : (message.content ?? []).map((part) => part.text).join(""), message.refusal ?? ""].join("");
      if (text !== "") items.push({ role: "assistant", content: text });
      // A call's signature is Gemini's, meaningless to OpenAI.
      for (const call of message.tool_calls ?? []) {
        items.push({ type: "function_call", call_id: call.id, name: call.function.name, arguments: call.function.arguments });
      }
      return items;
    }
  }
}

/** cache_control hints are not sent: OpenAI caches prompt prefixes by itself. */
function encodeUserContent(content: string | UserContentPart[]): string | JsonObject[] {
  if (typeof content === "string") return content;
  return content.map((part) =>
    part.type === "text"
      ? { type: "input_text", text: part.text }
      : { type: "input_image", image_url: part.image_url.url, detail: part.image_url.detail ?? "auto" },
  );
}

function encodeTool(tool: ChatTool): JsonObject {
  return {
    type: "function",
    name: tool.function.name,
    ...(tool.function.description !== undefined ? { description: tool.function.description } : {}),
    parameters: tool.function.parameters ?? { type: "object", properties: {} },
    // Chat Completions' default; stated, since the Responses API makes functions strict unless told.
    strict: tool.function.strict ?? false,
  };
}

function encodeResponseFormat(format: ResponseFormat): JsonObject {
  if (format.type !== "json_schema") return { type: format.type };
  const { name, description, schema, strict } = format.json_schema;
  if (schema === undefined) throw invalid("response_format.json_schema.schema", "is required by the OpenAI Responses API");
  return { type: "json_schema", name, schema, ...(description !== undefined ? { description } : {}), ...(strict !== undefined ? { strict } : {}) };
}
