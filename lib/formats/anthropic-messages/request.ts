import type {
  CacheControl,
  ChatMessage,
  ChatRequest,
  ChatTool,
  ImagePart,
  ReasoningBlock,
  ReasoningEffort,
  TextPart,
  ToolCall,
  ToolChoice,
  UserContentPart,
} from "@/lib/formats/canonical";
import { FormatError, type EncodedRequest } from "@/lib/formats/codec";
import { isJsonObject, parseJsonObject, type JsonObject } from "@/lib/formats/json";
import { readToolUseId } from "./ids";

/**
 * Anthropic Messages requests (POST /v1/messages) ⇄ canonical.
 *
 * Choices worth knowing:
 * - Top-level `system` ⇄ the leading system/developer messages; a system message later in the
 *   conversation travels as a `role: "system"` entry of `messages`, which the API accepts in place.
 * - Anthropic wants user and assistant turns to alternate, so consecutive messages of one role are
 *   merged into one turn when encoding; canonical `tool` messages become `tool_result` blocks of a
 *   user turn (consecutive results, and a user message right after them, share that turn).
 * - In an assistant turn the order becomes: thinking blocks, text, tool calls. Thinking blocks
 *   without a signature came from another provider; Anthropic refuses them, and no model needs an
 *   earlier turn's reasoning except to verify its own signed blocks, so they are left out.
 * - Reasoning: a `budget_tokens` goes over as is (at least Anthropic's minimum, 1024); an `effort`
 *   becomes a budget from ANTHROPIC_THINKING_BUDGETS. Anthropic counts thinking inside
 *   `max_tokens` and wants the budget below it: without a `max_tokens` the budget is added to
 *   ANTHROPIC_DEFAULT_MAX_TOKENS; a `max_tokens` too small for an effort's budget halves the budget
 *   to fit (never below the minimum); an explicit budget that does not fit is a FormatError.
 * - `response_format` json_schema ⇄ `output_config.format` (Anthropic's structured outputs, always
 *   strict; the schema's name and description have no place there and are not sent). json_object
 *   has no Anthropic equivalent: a FormatError, never an emulation with a forced tool.
 * - Encoding leaves behind what Anthropic has no field for and needs none: an image's `detail`
 *   (Anthropic sizes images itself), a user message's `name`, `include_thoughts` without a budget
 *   or effort (Anthropic thinks only when given one, so there are no thoughts to include), a tool
 *   call's `signature` (Gemini's, meaningless to Anthropic) and a reasoning block's `id` (an OpenAI
 *   Responses item id; the block's signature is what Anthropic verifies).
 * - A tool call's signature reaches an Anthropic client in its tool_use id, and comes back from
 *   the client's tool_use and tool_result ids (ids.ts).
 * - Hints that change how Anthropic serves or bills a request but not the answer are ignored when
 *   decoding: `service_tier`, `diagnostics`, the top-level `cache_control`, `speed: "standard"`,
 *   a tool's `eager_input_streaming`, a text block's `citations`, a tool_result's `is_error` (its
 *   text already says what failed), and `cache_control` on tool_use and thinking blocks. Everything
 *   else canonical cannot carry is a FormatError naming it.
 */

/** Relative to the provider's base URL, as every codec's path is (the gateway joins them with a slash). */
export const ANTHROPIC_MESSAGES_PATH = "v1/messages";

/**
 * Anthropic refuses a request without `max_tokens`. The gateway fills it from the model catalog
 * before encoding; this is what a request that reached the encoder without one gets.
 */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

/** The thinking budget each canonical reasoning effort becomes. */
export const ANTHROPIC_THINKING_BUDGETS: Readonly<Record<ReasoningEffort, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 24576,
};

/** Anthropic's smallest thinking budget. */
const MIN_THINKING_BUDGET = 1024;

const IMAGE_MEDIA_TYPES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);

const DECODED_FIELDS = new Set([
  "model",
  "messages",
  "max_tokens",
  "system",
  "stream",
  "temperature",
  "top_p",
  "top_k",
  "stop_sequences",
  "metadata",
  "tools",
  "tool_choice",
  "thinking",
  "output_config",
]);

/** How Anthropic serves, bills or reports a request, never what it answers: safe to leave behind. */
const IGNORED_FIELDS = new Set(["service_tier", "diagnostics", "cache_control"]);

/** Structured outputs name no schema; this is the name canonical (OpenAI's shape) requires. */
const OUTPUT_SCHEMA_NAME = "output";

// ---------------------------------------------------------------------------------------------
// Decoding: an Anthropic client's request → canonical.

export function decodeRequest(body: JsonObject): ChatRequest {
  for (const key of Object.keys(body)) {
    if (DECODED_FIELDS.has(key) || IGNORED_FIELDS.has(key)) continue;
    if (key === "speed" && (body.speed === null || body.speed === "standard")) continue;
    throw unsupported(key, "has no equivalent at a provider other than Anthropic; remove it to use this model");
  }
  const model = body.model;
  if (typeof model !== "string" || model === "") throw invalid("model", "must be a non-empty string");
  const request: ChatRequest = { model, messages: [], stream: false };

  const system = body.system === undefined || body.system === null ? undefined : decodeSystemContent(body.system, "system");
  if (system !== undefined) request.messages.push({ role: "system", content: system });
  request.messages.push(...decodeMessages(body.messages));

  if (body.stream !== undefined && body.stream !== null) {
    if (typeof body.stream !== "boolean") throw invalid("stream", "must be a boolean");
    request.stream = body.stream;
  }
  const maxTokens = optionalNumber(body, "max_tokens");
  if (maxTokens !== undefined) {
    if (!Number.isInteger(maxTokens) || maxTokens < 1) throw invalid("max_tokens", "must be a positive integer");
    request.max_tokens = maxTokens;
  }
  const temperature = optionalNumber(body, "temperature");
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body, "top_p");
  if (topP !== undefined) request.top_p = topP;
  const topK = optionalNumber(body, "top_k");
  if (topK !== undefined) request.top_k = topK;
  if (body.stop_sequences !== undefined && body.stop_sequences !== null) {
    const stops = body.stop_sequences;
    if (!Array.isArray(stops) || !stops.every((stop) => typeof stop === "string")) {
      throw invalid("stop_sequences", "must be an array of strings");
    }
    if (stops.length > 0) request.stop = stops;
  }
  decodeMetadata(body.metadata, request);
  if (body.tools !== undefined && body.tools !== null) {
    if (!Array.isArray(body.tools)) throw invalid("tools", "must be an array");
    if (body.tools.length > 0) request.tools = body.tools.map((tool, i) => decodeTool(tool, `tools[${i}]`));
  }
  decodeToolChoice(body.tool_choice, request);
  decodeReasoning(body.thinking, body.output_config, request);
  return request;
}

function decodeMetadata(value: unknown, request: ChatRequest) {
  if (value === undefined || value === null) return;
  if (!isJsonObject(value)) throw invalid("metadata", "must be an object");
  for (const [key, entry] of Object.entries(value)) {
    if (key !== "user_id") throw unsupported(`metadata.${key}`, "is not an Anthropic metadata field; only user_id is");
    if (entry === null || entry === undefined) continue;
    if (typeof entry !== "string") throw invalid("metadata.user_id", "must be a string");
    request.user = entry;
  }
}

function decodeMessages(value: unknown): ChatMessage[] {
  if (!Array.isArray(value)) throw invalid("messages", "must be an array of messages");
  return value.flatMap((message: unknown, i): ChatMessage[] => {
    const field = `messages[${i}]`;
    if (!isJsonObject(message)) throw invalid(field, "must be an object with a role and content");
    switch (message.role) {
      case "user":
        return decodeUserTurn(message.content, field);
      case "assistant":
        return [decodeAssistantTurn(message.content, field)];
      case "system":
        return [{ role: "system", content: decodeSystemContent(message.content, `${field}.content`) }];
      default:
        throw invalid(`${field}.role`, 'must be "user", "assistant" or "system"');
    }
  });
}

function decodeSystemContent(value: unknown, field: string): string | TextPart[] {
  if (typeof value === "string") return value;
  if (!Array.isArray(value)) throw invalid(field, "must be a string or an array of text blocks");
  return value.map((block: unknown, i) => {
    const blockField = `${field}[${i}]`;
    if (!isJsonObject(block) || block.type !== "text") throw unsupported(`${blockField}.type`, "must be text: system prompts carry text only");
    return decodeTextBlock(block, blockField);
  });
}

/** A user turn: its tool results become canonical tool messages, ahead of whatever else it says. */
function decodeUserTurn(content: unknown, field: string): ChatMessage[] {
  if (typeof content === "string") return [{ role: "user", content }];
  if (!Array.isArray(content) || content.length === 0) throw invalid(`${field}.content`, "must be a string or a non-empty array of blocks");
  const results: ChatMessage[] = [];
  const parts: UserContentPart[] = [];
  content.forEach((block: unknown, j) => {
    const blockField = `${field}.content[${j}]`;
    if (!isJsonObject(block)) throw invalid(blockField, "must be a content block object");
    switch (block.type) {
      case "text":
        parts.push(decodeTextBlock(block, blockField));
        break;
      case "image":
        parts.push(decodeImageBlock(block, blockField));
        break;
      case "tool_result":
        results.push(decodeToolResult(block, blockField));
        break;
      default:
        throw unsupportedBlock(block.type, blockField);
    }
  });
  return parts.length === 0 ? results : [...results, { role: "user", content: parts }];
}

function decodeAssistantTurn(content: unknown, field: string): ChatMessage {
  if (typeof content === "string") return { role: "assistant", content };
  if (!Array.isArray(content)) throw invalid(`${field}.content`, "must be a string or an array of blocks");
  const texts: TextPart[] = [];
  const toolCalls: ToolCall[] = [];
  const reasoning: ReasoningBlock[] = [];
  content.forEach((block: unknown, j) => {
    const blockField = `${field}.content[${j}]`;
    if (!isJsonObject(block)) throw invalid(blockField, "must be a content block object");
    switch (block.type) {
      case "text":
        texts.push(decodeTextBlock(block, blockField));
        break;
      case "thinking":
        if (typeof block.thinking !== "string") throw invalid(`${blockField}.thinking`, "must be a string");
        if (typeof block.signature !== "string") throw invalid(`${blockField}.signature`, "must be a string");
        // An empty signature is what this gateway gives another provider's reasoning: it has none.
        reasoning.push({ type: "thinking", text: block.thinking, ...(block.signature === "" ? {} : { signature: block.signature }) });
        break;
      case "redacted_thinking":
        if (typeof block.data !== "string") throw invalid(`${blockField}.data`, "must be a string");
        reasoning.push({ type: "redacted", data: block.data });
        break;
      case "tool_use": {
        if (typeof block.id !== "string" || block.id === "") throw invalid(`${blockField}.id`, "must be a non-empty string");
        if (typeof block.name !== "string" || block.name === "") throw invalid(`${blockField}.name`, "must be a non-empty string");
        const { id, signature } = readToolUseId(block.id);
        toolCalls.push({ id, type: "function", function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) }, ...(signature === undefined ? {} : { signature }) });
        break;
      }
      default:
        throw unsupportedBlock(block.type, blockField);
    }
  });
  const keepParts = texts.some((part) => part.cache_control !== undefined);
  const message: ChatMessage = {
    role: "assistant",
    content: texts.length === 0 ? null : keepParts ? texts : texts.map((part) => part.text).join(""),
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning.length > 0) message.reasoning = reasoning;
  return message;
}

function decodeToolResult(block: JsonObject, field: string): ChatMessage {
  if (typeof block.tool_use_id !== "string" || block.tool_use_id === "") throw invalid(`${field}.tool_use_id`, "must be a non-empty string");
  const cacheControl = decodeCacheControl(block.cache_control, `${field}.cache_control`);
  let content: string | TextPart[];
  if (block.content === undefined || block.content === null) content = "";
  else if (typeof block.content === "string") content = block.content;
  else if (Array.isArray(block.content)) {
    content = block.content.map((inner: unknown, k) => {
      const innerField = `${field}.content[${k}]`;
      if (!isJsonObject(inner)) throw invalid(innerField, "must be a content block object");
      if (inner.type !== "text") {
        throw unsupported(`${innerField}.type`, `(${String(inner.type)}) cannot be translated: a tool result reaches other providers as text only`);
      }
      return decodeTextBlock(inner, innerField);
    });
  } else throw invalid(`${field}.content`, "must be a string or an array of blocks");
  // The canonical tool message has no cache hint of its own: the breakpoint rides on its last text,
  // the same position in the prompt, and the encoder lifts it back onto the tool_result block.
  if (cacheControl !== undefined) {
    const parts: TextPart[] = typeof content === "string" ? [{ type: "text", text: content }] : content;
    const last = parts.at(-1);
    if (last !== undefined) last.cache_control = cacheControl;
    content = parts;
  }
  return { role: "tool", tool_call_id: readToolUseId(block.tool_use_id).id, content };
}

function decodeTextBlock(block: JsonObject, field: string): TextPart {
  if (typeof block.text !== "string") throw invalid(`${field}.text`, "must be a string");
  return withCacheControl({ type: "text", text: block.text }, decodeCacheControl(block.cache_control, `${field}.cache_control`));
}

function decodeImageBlock(block: JsonObject, field: string): ImagePart {
  const source = block.source;
  if (!isJsonObject(source)) throw invalid(`${field}.source`, "must be an object");
  let url: string;
  if (source.type === "base64") {
    if (typeof source.media_type !== "string" || typeof source.data !== "string") {
      throw invalid(`${field}.source`, "needs a media_type and base64 data");
    }
    url = `data:${source.media_type};base64,${source.data}`;
  } else if (source.type === "url") {
    if (typeof source.url !== "string") throw invalid(`${field}.source.url`, "must be a string");
    url = source.url;
  } else {
    throw unsupported(`${field}.source.type`, `(${String(source.type)}) cannot be translated: send the image as base64 data or a URL`);
  }
  return withCacheControl({ type: "image_url", image_url: { url } }, decodeCacheControl(block.cache_control, `${field}.cache_control`));
}

function decodeCacheControl(value: unknown, field: string): CacheControl | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value) || value.type !== "ephemeral") throw invalid(field, 'must be {"type":"ephemeral"}');
  if (value.ttl === undefined || value.ttl === null) return { type: "ephemeral" };
  if (typeof value.ttl !== "string") throw invalid(`${field}.ttl`, "must be a string");
  return { type: "ephemeral", ttl: value.ttl };
}

const TOOL_FIELDS = new Set(["type", "name", "description", "input_schema", "cache_control", "strict", "eager_input_streaming"]);

function decodeTool(tool: unknown, field: string): ChatTool {
  if (!isJsonObject(tool)) throw invalid(field, "must be an object");
  if (tool.type !== undefined && tool.type !== null && tool.type !== "custom") {
    throw unsupported(`${field}.type`, `(${String(tool.type)}) is one of Anthropic's own tools, which other providers do not have`);
  }
  for (const key of Object.keys(tool)) {
    if (!TOOL_FIELDS.has(key)) throw unsupported(`${field}.${key}`, "has no equivalent at a provider other than Anthropic; remove it");
  }
  if (typeof tool.name !== "string" || tool.name === "") throw invalid(`${field}.name`, "must be a non-empty string");
  if (!isJsonObject(tool.input_schema)) throw invalid(`${field}.input_schema`, "must be a JSON schema object");
  const fn: ChatTool["function"] = { name: tool.name, parameters: tool.input_schema };
  if (typeof tool.description === "string") fn.description = tool.description;
  if (typeof tool.strict === "boolean") fn.strict = tool.strict;
  const decoded: ChatTool = { type: "function", function: fn };
  const cacheControl = decodeCacheControl(tool.cache_control, `${field}.cache_control`);
  if (cacheControl !== undefined) decoded.cache_control = cacheControl;
  return decoded;
}

function decodeToolChoice(value: unknown, request: ChatRequest) {
  if (value === undefined || value === null) return;
  if (!isJsonObject(value)) throw invalid("tool_choice", "must be an object");
  let choice: ToolChoice;
  switch (value.type) {
    case "auto":
      choice = "auto";
      break;
    case "any":
      choice = "required";
      break;
    case "none":
      choice = "none";
      break;
    case "tool":
      if (typeof value.name !== "string" || value.name === "") throw invalid("tool_choice.name", "must be a non-empty string");
      choice = { type: "function", function: { name: value.name } };
      break;
    default:
      throw invalid("tool_choice.type", 'must be "auto", "any", "tool" or "none"');
  }
  request.tool_choice = choice;
  if (value.disable_parallel_tool_use === true) request.parallel_tool_calls = false;
}

const EFFORTS_FROM_ANTHROPIC: Readonly<Record<string, ReasoningEffort>> = { low: "low", medium: "medium", high: "high" };

/**
 * `thinking` and `output_config` → canonical reasoning and response_format. Adaptive thinking
 * without an effort is Anthropic's default effort, high.
 */
function decodeReasoning(thinking: unknown, outputConfig: unknown, request: ChatRequest) {
  let effort: ReasoningEffort | undefined;
  if (outputConfig !== undefined && outputConfig !== null) {
    if (!isJsonObject(outputConfig)) throw invalid("output_config", "must be an object");
    for (const key of Object.keys(outputConfig)) {
      if (key !== "effort" && key !== "format") throw unsupported(`output_config.${key}`, "has no equivalent at a provider other than Anthropic; remove it");
    }
    if (outputConfig.effort !== undefined && outputConfig.effort !== null) {
      effort = EFFORTS_FROM_ANTHROPIC[String(outputConfig.effort)];
      if (effort === undefined) {
        throw unsupported("output_config.effort", `(${String(outputConfig.effort)}) has no equivalent elsewhere; use low, medium or high`);
      }
    }
    const format = outputConfig.format;
    if (format !== undefined && format !== null) {
      if (!isJsonObject(format) || format.type !== "json_schema" || !isJsonObject(format.schema)) {
        throw invalid("output_config.format", 'must be {"type":"json_schema","schema":{…}}');
      }
      request.response_format = { type: "json_schema", json_schema: { name: OUTPUT_SCHEMA_NAME, schema: format.schema, strict: true } };
    }
  }
  if (thinking !== undefined && thinking !== null) {
    if (!isJsonObject(thinking)) throw invalid("thinking", "must be an object");
    switch (thinking.type) {
      case "disabled":
        break;
      case "enabled": {
        const budget = thinking.budget_tokens;
        if (typeof budget !== "number" || !Number.isInteger(budget) || budget < 1) throw invalid("thinking.budget_tokens", "must be a positive integer");
        request.reasoning = { budget_tokens: budget };
        break;
      }
      case "adaptive":
        request.reasoning = { effort: effort ?? "high" };
        break;
      default:
        throw unsupported("thinking.type", `(${String(thinking.type)}) has no equivalent at a provider other than Anthropic; use enabled, adaptive or disabled`);
    }
    if (thinking.display === "omitted" && request.reasoning !== undefined) request.reasoning.include_thoughts = false;
  }
  if (effort !== undefined) request.reasoning = { ...request.reasoning, effort };
}

// ---------------------------------------------------------------------------------------------
// Encoding: canonical → a request Anthropic accepts.

type Block = JsonObject;
interface Turn {
  role: "user" | "assistant" | "system";
  blocks: Block[];
}

export function encodeRequest(request: ChatRequest): EncodedRequest {
  rejectInexpressible(request);
  const { system, turns } = encodeConversation(request.messages);
  const body: JsonObject = { model: request.model };
  const { thinking, maxTokens } = encodeThinking(request);
  body.max_tokens = maxTokens;
  const onlySystem = system.length === 1 ? system[0] : undefined;
  if (system.length > 0) body.system = onlySystem !== undefined && onlySystem.cache_control === undefined ? onlySystem.text : system;
  body.messages = turns.map((turn) => ({ role: turn.role, content: compactContent(turn.blocks) }));
  if (request.stream) body.stream = true;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== undefined) body.top_p = request.top_p;
  if (request.top_k !== undefined) body.top_k = request.top_k;
  if (request.stop !== undefined && request.stop.length > 0) body.stop_sequences = request.stop;
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  if (request.tools !== undefined && request.tools.length > 0) body.tools = request.tools.map(encodeTool);
  const toolChoice = encodeToolChoice(request);
  if (toolChoice !== undefined) body.tool_choice = toolChoice;
  if (thinking !== undefined) body.thinking = thinking;
  const format = request.response_format;
  if (format?.type === "json_schema") {
    if (format.json_schema.schema === undefined) {
      throw invalid("response_format.json_schema.schema", "is required: Anthropic's structured outputs need the schema itself");
    }
    body.output_config = { format: { type: "json_schema", schema: format.json_schema.schema } };
  }
  return { body, path: ANTHROPIC_MESSAGES_PATH };
}

function rejectInexpressible(request: ChatRequest) {
  if (request.n !== undefined && request.n !== 1) {
    throw unsupported("n", "above 1 cannot be sent to Anthropic, which returns one answer per request; send several requests instead");
  }
  if (request.seed !== undefined) throw unsupported("seed", "cannot be sent to Anthropic, which has no seed; remove it");
  if (request.logprobs === true) throw unsupported("logprobs", "cannot be sent to Anthropic, which returns no log probabilities; remove it");
  if (request.top_logprobs !== undefined && request.top_logprobs > 0) throw unsupported("top_logprobs", "cannot be sent to Anthropic, which returns no log probabilities; remove it");
  // A penalty of 0 is no penalty, and 0 top log probabilities none: some clients always send them.
  if (request.presence_penalty !== undefined && request.presence_penalty !== 0) {
    throw unsupported("presence_penalty", "cannot be sent to Anthropic, which has no presence penalty; remove it");
  }
  if (request.frequency_penalty !== undefined && request.frequency_penalty !== 0) {
    throw unsupported("frequency_penalty", "cannot be sent to Anthropic, which has no frequency penalty; remove it");
  }
  if (request.temperature !== undefined && request.temperature > 1) {
    throw unsupported("temperature", "above 1 cannot be sent to Anthropic, whose temperature ranges from 0 to 1");
  }
  if (request.response_format?.type === "json_object") {
    throw unsupported("response_format", "json_object cannot be sent to Anthropic, which has JSON output only with a schema; use json_schema");
  }
}

/** Leading system/developer messages → top-level `system`; the rest → alternating turns. */
function encodeConversation(messages: ChatMessage[]): { system: TextBlockWire[]; turns: Turn[] } {
  const system: TextBlockWire[] = [];
  let i = 0;
  for (; i < messages.length; i++) {
    const message = messages[i];
    if (message === undefined || (message.role !== "system" && message.role !== "developer")) break;
    system.push(...textBlocks(message.content));
  }
  const turns: Turn[] = [];
  for (; i < messages.length; i++) {
    const message = messages[i] as ChatMessage;
    const field = `messages[${i}]`;
    const turn = encodeMessage(message, field);
    if (turn.blocks.length === 0) continue;
    const last = turns.at(-1);
    if (last?.role === turn.role) last.blocks.push(...turn.blocks);
    else turns.push(turn);
  }
  return { system, turns };
}

function encodeMessage(message: ChatMessage, field: string): Turn {
  switch (message.role) {
    case "system":
    case "developer":
      return { role: "system", blocks: textBlocks(message.content) };
    case "user":
      return {
        role: "user",
        blocks:
          typeof message.content === "string"
            ? textBlocks(message.content)
            : message.content.flatMap((part, j) => (part.type === "text" ? textBlocks([part]) : [encodeImage(part, `${field}.content[${j}]`)])),
      };
    case "assistant":
      return { role: "assistant", blocks: encodeAssistant(message, field) };
    case "tool":
      return { role: "user", blocks: [encodeToolResult(message)] };
  }
}

function encodeAssistant(message: Extract<ChatMessage, { role: "assistant" }>, field: string): Block[] {
  const blocks: Block[] = [];
  for (const block of message.reasoning ?? []) {
    if (block.type === "redacted") blocks.push({ type: "redacted_thinking", data: block.data });
    else if (block.signature !== undefined && block.signature !== "") {
      blocks.push({ type: "thinking", thinking: block.text, signature: block.signature });
    }
  }
  if (message.content !== null) blocks.push(...textBlocks(message.content));
  else if (typeof message.refusal === "string") blocks.push(...textBlocks(message.refusal));
  (message.tool_calls ?? []).forEach((call, j) => {
    blocks.push({
      type: "tool_use",
      id: call.id,
      name: call.function.name,
      input: toolInput(call.function.arguments, `${field}.tool_calls[${j}].function.arguments`),
    });
  });
  return blocks;
}

/** Anthropic takes a tool call's input as an object; canonical holds it as JSON text. */
export function toolInput(argumentsText: string, field: string): JsonObject {
  if (argumentsText.trim() === "") return {};
  const input = parseJsonObject(argumentsText);
  if (input === undefined) throw invalid(field, "must be a JSON object: Anthropic takes a tool call's input as an object");
  return input;
}

function encodeToolResult(message: Extract<ChatMessage, { role: "tool" }>): Block {
  const block: Block = { type: "tool_result", tool_use_id: message.tool_call_id };
  if (typeof message.content === "string") {
    if (message.content !== "") block.content = message.content;
    return block;
  }
  // A cache breakpoint on the result's last text marks the end of the block: put it on the block.
  const blocks = textBlocks(message.content);
  const last = blocks.at(-1);
  if (last?.cache_control !== undefined) {
    block.cache_control = last.cache_control;
    delete last.cache_control;
  }
  if (blocks.length > 0) block.content = blocks;
  return block;
}

interface TextBlockWire extends JsonObject {
  type: "text";
  text: string;
  cache_control?: CacheControl;
}

/** Text as Anthropic blocks, without the empty ones it refuses. */
function textBlocks(content: string | TextPart[]): TextBlockWire[] {
  const parts = typeof content === "string" ? [{ type: "text" as const, text: content }] : content;
  return parts
    .filter((part) => part.text !== "")
    .map((part) => (part.cache_control === undefined ? { type: "text", text: part.text } : { type: "text", text: part.text, cache_control: { ...part.cache_control } }));
}

function encodeImage(part: ImagePart, field: string): Block {
  const url = part.image_url.url;
  const block: Block = { type: "image", source: imageSource(url, `${field}.image_url.url`) };
  if (part.cache_control !== undefined) block.cache_control = { ...part.cache_control };
  return block;
}

function imageSource(url: string, field: string): JsonObject {
  if (/^https?:\/\//i.test(url)) return { type: "url", url };
  const data = /^data:([^;,]+)((?:;[^;,]+)*);base64,(.*)$/s.exec(url);
  if (data === null) throw invalid(field, "must be an http(s) URL or a base64 data URL");
  const mediaType = (data[1] as string).toLowerCase();
  if (!IMAGE_MEDIA_TYPES.has(mediaType)) {
    throw unsupported(field, `is ${mediaType}; Anthropic takes images as image/jpeg, image/png, image/gif or image/webp`);
  }
  return { type: "base64", media_type: mediaType, data: data[3] };
}

/** A single plain text block is sent as a string, the form Anthropic's own examples use. */
function compactContent(blocks: Block[]): string | Block[] {
  const only = blocks.length === 1 ? blocks[0] : undefined;
  return only?.type === "text" && only.cache_control === undefined ? (only.text as string) : blocks;
}

function encodeTool(tool: ChatTool): Block {
  const wire: Block = { name: tool.function.name };
  if (tool.function.description !== undefined) wire.description = tool.function.description;
  wire.input_schema = tool.function.parameters ?? { type: "object", properties: {} };
  if (tool.function.strict !== undefined) wire.strict = tool.function.strict;
  if (tool.cache_control !== undefined) wire.cache_control = { ...tool.cache_control };
  return wire;
}

function encodeToolChoice(request: ChatRequest): JsonObject | undefined {
  const choice = request.tool_choice;
  const hasTools = request.tools !== undefined && request.tools.length > 0;
  if (!hasTools) {
    if (choice === "required" || typeof choice === "object") throw invalid("tool_choice", "asks for a tool call but the request has no tools");
    return undefined;
  }
  const parallel = request.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {};
  if (choice === "none") return { type: "none" };
  if (choice === "required") return { type: "any", ...parallel };
  if (typeof choice === "object") return { type: "tool", name: choice.function.name, ...parallel };
  if (choice === "auto" || request.parallel_tool_calls === false) return { type: "auto", ...parallel };
  return undefined;
}

function encodeThinking(request: ChatRequest): { thinking?: JsonObject; maxTokens: number } {
  const reasoning = request.reasoning;
  const explicit = reasoning?.budget_tokens;
  if (explicit !== undefined && (!Number.isInteger(explicit) || explicit < 0)) {
    throw invalid("reasoning.budget_tokens", "must be a non-negative integer");
  }
  const wanted = explicit ?? (reasoning?.effort === undefined ? undefined : ANTHROPIC_THINKING_BUDGETS[reasoning.effort]);
  // A budget of 0 is "do not think" (Gemini's way of saying it).
  if (wanted === undefined || wanted === 0) return { maxTokens: request.max_tokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS };
  let budget = Math.max(wanted, MIN_THINKING_BUDGET);
  const maxTokens = request.max_tokens ?? budget + ANTHROPIC_DEFAULT_MAX_TOKENS;
  if (budget >= maxTokens) {
    if (explicit !== undefined || maxTokens <= MIN_THINKING_BUDGET * 2) {
      throw unsupported(
        "max_tokens",
        `(${maxTokens}) must be above the thinking budget (${budget}) for Anthropic, which counts thinking inside max_tokens; raise max_tokens or lower the reasoning budget`,
      );
    }
    budget = Math.floor(maxTokens / 2);
  }
  const thinking: JsonObject = { type: "enabled", budget_tokens: budget };
  if (reasoning?.include_thoughts === false) thinking.display = "omitted";
  return { thinking, maxTokens };
}

// ---------------------------------------------------------------------------------------------

function optionalNumber(body: JsonObject, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) throw invalid(key, "must be a number");
  return value;
}

function withCacheControl<T extends TextPart | ImagePart>(part: T, cacheControl: CacheControl | undefined): T {
  if (cacheControl !== undefined) part.cache_control = cacheControl;
  return part;
}

function unsupportedBlock(type: unknown, field: string): FormatError {
  return unsupported(`${field}.type`, `(${String(type)}) blocks cannot be translated for a provider other than Anthropic`);
}

function invalid(field: string, what: string): FormatError {
  return new FormatError(`${field} ${what}`, field, "invalid_field");
}

function unsupported(field: string, why: string): FormatError {
  return new FormatError(`${field} ${why}`, field);
}
