import type {
  CacheControl,
  ChatMessage,
  ChatRequest,
  ChatTool,
  ReasoningEffort,
  ResponseFormat,
  TextPart,
  ToolChoice,
  UserContentPart,
} from "@/lib/formats/canonical";
import { FormatError, type EncodedRequest, type RequestHints } from "@/lib/formats/codec";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";
import { decodeReasoning, decodeToolCall, encodeToolCall } from "./response";

/**
 * Chat Completions requests ⇄ canonical. The canonical form is Chat Completions, so decoding is
 * mostly checking and narrowing:
 *
 * - `max_completion_tokens` (or the older `max_tokens`) → `max_tokens`; `reasoning_effort` →
 *   `reasoning.effort`, with `none` as a zero budget (no thinking) and `xhigh`/`max`, which no other
 *   provider has, refused; `stop` as a string → a list of one; `stream_options.include_usage` is
 *   kept (the stream encoder sends the usage chunk only when it was asked for).
 * - Cache hints: Anthropic-style `cache_control` on parts and tools is kept; OpenAI's own
 *   `prompt_cache_breakpoint` becomes `cache_control: {type: "ephemeral"}` (its ttl values, 30m and
 *   12h, are OpenAI's alone and are not carried: a hint that changes cost, not the answer).
 * - Ignored, as harmless to every target (they change billing, retention or routing at OpenAI, not
 *   the answer): `metadata`, `store`, `service_tier`, `prompt_cache_key`, `prompt_cache_retention`,
 *   `prompt_cache_options`, `stream_options.include_obfuscation`, `name` on system, developer and
 *   assistant messages, an earlier answer's `annotations` (output-only citations a client echoes
 *   back), and an image's `detail: "original"` (the others, auto/low/high, are kept).
 *   `safety_identifier` stands in for `user` when `user` is absent.
 * - Refused with a FormatError naming the field: audio and file parts, audio output (`audio`,
 *   `modalities` other than text), `logit_bias`, `prediction`, `web_search_options`, `verbosity`,
 *   `moderation`, the legacy `functions`/`function_call`, custom tools and `allowed_tools`, and any
 *   field Chat Completions does not define.
 *
 * Encoding for an OpenAI-family provider (path `chat/completions`):
 * - `max_tokens` goes out as `max_completion_tokens`, which OpenAI's reasoning models require; a
 *   provider that knows only `max_tokens` is a quirk of that provider (lib/providers).
 * - Reasoning blocks of earlier assistant turns are left out: OpenAI-family providers do not take
 *   prior reasoning back (it is not part of their input), so leaving it out changes nothing.
 *   A reasoning budget becomes an effort (see effortForBudget); `include_thoughts` has no Chat
 *   equivalent and is harmless to leave out (Chat never returns thoughts).
 * - Cache hints are left out: OpenAI-family providers cache prompts by themselves, and a hint
 *   changes cost, not the answer. Tool-call signatures (Gemini's) are left out: no OpenAI-family
 *   provider issued them or would read them.
 * - Refused: `n > 1` and `logprobs`/`top_logprobs` (the canonical answer has one choice and no
 *   logprobs, so what came back could not be carried), `top_k` (OpenAI has none).
 * - A stream asks for `stream_options.include_usage`, so the usage reaches the log.
 */

const IGNORED_FIELDS = new Set(["metadata", "store", "service_tier", "prompt_cache_key", "prompt_cache_retention", "prompt_cache_options", "safety_identifier"]);

const REFUSED_FIELDS: Readonly<Record<string, string>> = {
  audio: "audio output cannot be carried to other providers; remove it",
  logit_bias: "has no equivalent at other providers; remove it",
  prediction: "(predicted outputs) has no equivalent at other providers; remove it",
  web_search_options: "has no equivalent at other providers; remove it",
  verbosity: "has no equivalent at other providers; remove it",
  moderation: "has no equivalent at other providers; remove it",
  functions: "is the legacy function-calling API; send tools instead",
  function_call: "is the legacy function-calling API; send tool_choice instead",
};

const EFFORTS: Readonly<Record<string, ReasoningEffort>> = { minimal: "minimal", low: "low", medium: "medium", high: "high" };

export const OPENAI_CHAT_PATH = "chat/completions";

export function decodeRequest(body: JsonObject, hints: RequestHints = {}): ChatRequest {
  const model = body.model ?? hints.model;
  if (typeof model !== "string" || model === "") throw invalid("model", "is required: the model to answer with");
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw invalid("messages", "must be a non-empty list of messages");
  const stream = body.stream ?? hints.stream ?? false;
  if (typeof stream !== "boolean") throw invalid("stream", "must be true or false");
  const request: ChatRequest = { model, messages: body.messages.map((m, i) => decodeMessage(m, `messages[${i}]`)), stream };

  for (const [key, value] of Object.entries(body)) {
    if (value === null || value === undefined) continue;
    switch (key) {
      case "model":
      case "messages":
      case "stream":
        break;
      case "stream_options":
        if (!isJsonObject(value)) throw invalid(key, "must be an object");
        if (!stream) throw invalid(key, "is only allowed when stream is true");
        for (const option of Object.keys(value)) {
          if (option !== "include_usage" && option !== "include_obfuscation") throw unsupported(`stream_options.${option}`, "is not a Chat Completions stream option");
        }
        if (value.include_usage !== undefined && value.include_usage !== null) {
          request.stream_options = { include_usage: boolean(value.include_usage, "stream_options.include_usage") };
        }
        break;
      case "max_tokens":
      case "max_completion_tokens":
        // max_completion_tokens supersedes max_tokens when both are sent.
        if (key === "max_tokens" && body.max_completion_tokens !== undefined && body.max_completion_tokens !== null) break;
        request.max_tokens = integer(value, key, 1);
        break;
      case "temperature":
      case "top_p":
      case "presence_penalty":
      case "frequency_penalty":
        request[key] = number(value, key);
        break;
      case "top_k":
      case "seed":
      case "top_logprobs":
        request[key] = integer(value, key, key === "top_k" ? 1 : Number.MIN_SAFE_INTEGER);
        break;
      case "n":
        request.n = integer(value, key, 1);
        break;
      case "logprobs":
      case "parallel_tool_calls":
        request[key] = boolean(value, key);
        break;
      case "user":
        request.user = string(value, key);
        break;
      case "stop":
        request.stop = typeof value === "string" ? [value] : stringList(value, key);
        break;
      case "tools":
        if (!Array.isArray(value)) throw invalid(key, "must be a list of tools");
        request.tools = value.map((tool, i) => decodeTool(tool, `tools[${i}]`));
        break;
      case "tool_choice":
        request.tool_choice = decodeToolChoice(value);
        break;
      case "response_format":
        request.response_format = decodeResponseFormat(value);
        break;
      case "reasoning_effort":
        request.reasoning = decodeEffort(value);
        break;
      case "modalities":
        if (!Array.isArray(value) || value.some((m) => m !== "text")) throw unsupported(key, "can only be [\"text\"]: audio output cannot be carried to other providers");
        break;
      default:
        if (IGNORED_FIELDS.has(key)) break;
        if (key in REFUSED_FIELDS) throw unsupported(key, REFUSED_FIELDS[key]!);
        throw unsupported(key, "is not a Chat Completions field the gateway can carry; remove it");
    }
  }
  if (request.user === undefined && typeof body.safety_identifier === "string") request.user = body.safety_identifier;
  return request;
}

function decodeMessage(value: unknown, field: string): ChatMessage {
  if (!isJsonObject(value)) throw invalid(field, "must be a message object");
  const role = value.role;
  switch (role) {
    case "system":
    case "developer":
      known(value, field, ["role", "content", "name"]);
      return { role, content: textContent(value.content, `${field}.content`) };
    case "user": {
      known(value, field, ["role", "content", "name"]);
      const message: ChatMessage = { role, content: userContent(value.content, `${field}.content`) };
      if (value.name !== undefined && value.name !== null) message.name = string(value.name, `${field}.name`);
      return message;
    }
    case "assistant":
      return decodeAssistant(value, field);
    case "tool":
      known(value, field, ["role", "content", "tool_call_id"]);
      return { role, tool_call_id: string(value.tool_call_id, `${field}.tool_call_id`), content: textContent(value.content, `${field}.content`) };
    case "function":
      throw unsupported(`${field}.role`, "(function) is the legacy function-calling API; send tool messages instead");
    default:
      throw invalid(`${field}.role`, "must be system, developer, user, assistant or tool");
  }
}

function decodeAssistant(value: JsonObject, field: string): ChatMessage {
  known(value, field, ["role", "content", "name", "tool_calls", "refusal", "reasoning_content", "reasoning_details", "reasoning", "audio", "function_call", "annotations"]);
  if (value.audio !== undefined && value.audio !== null) throw unsupported(`${field}.audio`, "(an earlier audio answer) cannot be carried to other providers");
  if (value.function_call !== undefined && value.function_call !== null) {
    throw unsupported(`${field}.function_call`, "is the legacy function-calling API; send tool_calls instead");
  }
  let content: string | TextPart[] | null = null;
  let refusal = typeof value.refusal === "string" ? value.refusal : undefined;
  if (typeof value.content === "string") content = value.content;
  else if (Array.isArray(value.content)) {
    const texts: TextPart[] = [];
    value.content.forEach((part, j) => {
      const where = `${field}.content[${j}]`;
      if (isJsonObject(part) && part.type === "refusal") refusal = string(part.refusal, `${where}.refusal`);
      else texts.push(textPart(part, where));
    });
    content = texts;
  } else if (value.content !== undefined && value.content !== null) throw invalid(`${field}.content`, "must be a string, a list of text parts or null");
  const message: ChatMessage = { role: "assistant", content };
  if (Array.isArray(value.tool_calls) && value.tool_calls.length > 0) {
    message.tool_calls = value.tool_calls.map((call, i) => decodeToolCall(call, `${field}.tool_calls[${i}]`));
  } else if (value.tool_calls !== undefined && value.tool_calls !== null && !Array.isArray(value.tool_calls)) {
    throw invalid(`${field}.tool_calls`, "must be a list");
  }
  const reasoning = decodeReasoning(value, field);
  if (reasoning) message.reasoning = reasoning;
  if (refusal !== undefined) message.refusal = refusal;
  return message;
}

function textContent(value: unknown, field: string): string | TextPart[] {
  if (typeof value === "string") return value;
  if (!Array.isArray(value)) throw invalid(field, "must be a string or a list of text parts");
  return value.map((part, j) => textPart(part, `${field}[${j}]`));
}

function userContent(value: unknown, field: string): string | UserContentPart[] {
  if (typeof value === "string") return value;
  if (!Array.isArray(value)) throw invalid(field, "must be a string or a list of content parts");
  return value.map((part, j): UserContentPart => {
    const where = `${field}[${j}]`;
    if (!isJsonObject(part)) throw invalid(where, "must be a content part object");
    switch (part.type) {
      case "text":
        return textPart(part, where);
      case "image_url": {
        known(part, where, ["type", "image_url", "cache_control", "prompt_cache_breakpoint"]);
        const image = isJsonObject(part.image_url) ? part.image_url : undefined;
        if (typeof image?.url !== "string" || image.url === "") throw invalid(`${where}.image_url.url`, "must be an http(s) or data: URL");
        const out: UserContentPart = { type: "image_url", image_url: { url: image.url } };
        if (image.detail === "auto" || image.detail === "low" || image.detail === "high") out.image_url.detail = image.detail;
        else if (image.detail !== undefined && image.detail !== null && image.detail !== "original") {
          throw invalid(`${where}.image_url.detail`, "must be auto, low, high or original");
        }
        return withCache(out, part, where);
      }
      case "input_audio":
        throw unsupported(`${where}.type`, "(input_audio) cannot be carried to other providers; send text or images");
      case "file":
        throw unsupported(`${where}.type`, "(file) cannot be carried to other providers; send text or images");
      default:
        throw invalid(`${where}.type`, "must be text or image_url");
    }
  });
}

function textPart(value: unknown, field: string): TextPart {
  if (!isJsonObject(value) || value.type !== "text") throw invalid(`${field}.type`, "must be text");
  known(value, field, ["type", "text", "cache_control", "prompt_cache_breakpoint"]);
  return withCache({ type: "text", text: string(value.text, `${field}.text`) }, value, field);
}

/** A part's cache hint: Anthropic's `cache_control`, or OpenAI's `prompt_cache_breakpoint`. */
function withCache<T extends TextPart | UserContentPart>(out: T, part: JsonObject, field: string): T {
  const hint = cacheControl(part, field);
  if (hint) out.cache_control = hint;
  return out;
}

function cacheControl(part: JsonObject, field: string): CacheControl | undefined {
  if (part.cache_control !== undefined && part.cache_control !== null) {
    const hint = part.cache_control;
    if (!isJsonObject(hint) || hint.type !== "ephemeral") throw invalid(`${field}.cache_control`, "must be {\"type\": \"ephemeral\"}");
    return typeof hint.ttl === "string" ? { type: "ephemeral", ttl: hint.ttl } : { type: "ephemeral" };
  }
  if (part.prompt_cache_breakpoint !== undefined && part.prompt_cache_breakpoint !== null) return { type: "ephemeral" };
  return undefined;
}

function decodeTool(value: unknown, field: string): ChatTool {
  if (!isJsonObject(value)) throw invalid(field, "must be a tool object");
  if (value.type !== "function") throw unsupported(`${field}.type`, `(${JSON.stringify(value.type)}): only function tools can be carried to other providers`);
  known(value, field, ["type", "function", "cache_control"]);
  const fn = isJsonObject(value.function) ? value.function : undefined;
  if (!fn) throw invalid(`${field}.function`, "is required");
  known(fn, `${field}.function`, ["name", "description", "parameters", "strict"]);
  const tool: ChatTool = { type: "function", function: { name: string(fn.name, `${field}.function.name`) } };
  if (fn.description !== undefined && fn.description !== null) tool.function.description = string(fn.description, `${field}.function.description`);
  if (fn.parameters !== undefined && fn.parameters !== null) {
    if (!isJsonObject(fn.parameters)) throw invalid(`${field}.function.parameters`, "must be a JSON Schema object");
    tool.function.parameters = fn.parameters;
  }
  if (fn.strict !== undefined && fn.strict !== null) tool.function.strict = boolean(fn.strict, `${field}.function.strict`);
  const hint = cacheControl(value, field);
  if (hint) tool.cache_control = hint;
  return tool;
}

function decodeToolChoice(value: unknown): ToolChoice {
  if (value === "auto" || value === "none" || value === "required") return value;
  if (isJsonObject(value) && value.type === "function" && isJsonObject(value.function) && typeof value.function.name === "string") {
    return { type: "function", function: { name: value.function.name } };
  }
  if (isJsonObject(value) && (value.type === "allowed_tools" || value.type === "custom")) {
    throw unsupported("tool_choice.type", `(${value.type}) cannot be carried to other providers; use auto, none, required or a named function`);
  }
  throw invalid("tool_choice", "must be auto, none, required or {\"type\": \"function\", \"function\": {\"name\": …}}");
}

function decodeResponseFormat(value: unknown): ResponseFormat {
  if (!isJsonObject(value)) throw invalid("response_format", "must be an object");
  if (value.type === "text" || value.type === "json_object") return { type: value.type };
  if (value.type !== "json_schema") throw invalid("response_format.type", "must be text, json_object or json_schema");
  const spec = isJsonObject(value.json_schema) ? value.json_schema : undefined;
  if (!spec) throw invalid("response_format.json_schema", "is required for json_schema");
  const out: ResponseFormat = { type: "json_schema", json_schema: { name: string(spec.name, "response_format.json_schema.name") } };
  if (typeof spec.description === "string") out.json_schema.description = spec.description;
  if (spec.schema !== undefined && spec.schema !== null) {
    if (!isJsonObject(spec.schema)) throw invalid("response_format.json_schema.schema", "must be a JSON Schema object");
    out.json_schema.schema = spec.schema;
  }
  if (spec.strict !== undefined && spec.strict !== null) out.json_schema.strict = boolean(spec.strict, "response_format.json_schema.strict");
  return out;
}

function decodeEffort(value: unknown): ChatRequest["reasoning"] {
  if (value === "none") return { budget_tokens: 0 };
  const effort = typeof value === "string" ? EFFORTS[value] : undefined;
  if (!effort) throw unsupported("reasoning_effort", `(${JSON.stringify(value)}) can be none, minimal, low, medium or high when translated to another provider`);
  return { effort };
}

/** Canonical → a Chat Completions body for an OpenAI-family provider. */
export function encodeRequest(request: ChatRequest): EncodedRequest {
  if (request.n !== undefined && request.n > 1) throw unsupported("n", "above 1 cannot be carried back: the gateway translates one choice");
  if (request.logprobs) throw unsupported("logprobs", "cannot be carried back from this provider through the gateway's translation");
  if (request.top_logprobs !== undefined) throw unsupported("top_logprobs", "cannot be carried back from this provider through the gateway's translation");
  if (request.top_k !== undefined) throw unsupported("top_k", "has no equivalent at OpenAI-family providers; remove it");

  const body: JsonObject = { model: request.model, messages: request.messages.map(encodeMessage) };
  if (request.stream) body.stream = true;
  if (request.stream) body.stream_options = { include_usage: true };
  if (request.max_tokens !== undefined) body.max_completion_tokens = request.max_tokens;
  for (const key of ["temperature", "top_p", "seed", "user", "presence_penalty", "frequency_penalty", "parallel_tool_calls"] as const) {
    if (request[key] !== undefined) body[key] = request[key];
  }
  if (request.n !== undefined) body.n = request.n;
  if (request.stop?.length) body.stop = request.stop;
  if (request.tools?.length) {
    body.tools = request.tools.map(({ function: fn }) => ({ type: "function", function: { ...fn } }));
  }
  if (request.tool_choice !== undefined) body.tool_choice = request.tool_choice;
  if (request.response_format !== undefined) body.response_format = request.response_format;
  const effort = request.reasoning?.effort ?? effortForBudget(request.reasoning?.budget_tokens);
  if (effort !== undefined) body.reasoning_effort = effort;
  return { body, path: OPENAI_CHAT_PATH };
}

/**
 * A thinking budget (Anthropic's `budget_tokens`, Gemini's `thinkingBudget`) as an OpenAI effort:
 * 0 (no thinking) → minimal, the least OpenAI's reasoning models do; up to 2048 → low; up to
 * 16384 → medium; more → high.
 */
export function effortForBudget(budget: number | undefined): ReasoningEffort | undefined {
  if (budget === undefined) return undefined;
  if (budget === 0) return "minimal";
  if (budget <= 2048) return "low";
  if (budget <= 16384) return "medium";
  return "high";
}

function encodeMessage(message: ChatMessage): JsonObject {
  switch (message.role) {
    case "system":
    case "developer":
    case "tool":
      return { ...message, content: withoutCache(message.content) };
    case "user": {
      const out: JsonObject = {
        role: "user",
        content: typeof message.content === "string" ? message.content : message.content.map(({ cache_control: _, ...part }) => part),
      };
      if (message.name !== undefined) out.name = message.name;
      return out;
    }
    case "assistant": {
      const out: JsonObject = { role: "assistant", content: message.content === null ? null : withoutCache(message.content) };
      if (message.tool_calls?.length) out.tool_calls = message.tool_calls.map(({ signature: _, ...call }) => encodeToolCall(call));
      if (message.refusal) out.refusal = message.refusal;
      return out;
    }
  }
}

function withoutCache(content: string | TextPart[]): string | JsonObject[] {
  return typeof content === "string" ? content : content.map(({ type, text }) => ({ type, text }));
}

function known(object: JsonObject, field: string, fields: string[]) {
  const extra = Object.keys(object).find((k) => !fields.includes(k));
  if (extra !== undefined) throw unsupported(`${field}.${extra}`, "is not a Chat Completions field the gateway can carry; remove it");
}

function string(value: unknown, field: string): string {
  if (typeof value !== "string") throw invalid(field, "must be a string");
  return value;
}

function boolean(value: unknown, field: string): boolean {
  if (typeof value !== "boolean") throw invalid(field, "must be true or false");
  return value;
}

function number(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw invalid(field, "must be a number");
  return value;
}

function integer(value: unknown, field: string, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) throw invalid(field, min === 1 ? "must be a positive whole number" : "must be a whole number");
  return value;
}

function stringList(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.some((s) => typeof s !== "string")) throw invalid(field, "must be a string or a list of strings");
  return value as string[];
}

function invalid(field: string, what: string): FormatError {
  return new FormatError(`${field} ${what}`, field, "invalid_field");
}

function unsupported(field: string, what: string): FormatError {
  return new FormatError(`${field} ${what}`, field);
}
