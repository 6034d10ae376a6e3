/**
 * A fake Anthropic over real HTTP, speaking the Messages API's wire format (JSON, and server-sent
 * events with Anthropic's named events) closely enough for the official `@anthropic-ai/sdk`.
 *
 * Serves `POST …/v1/messages` and `POST …/v1/messages/count_tokens`, whatever comes before them.
 * Like Anthropic it answers 401 without a key (`x-api-key`, or `Authorization: Bearer`, which the
 * 1.x SDK sends), 400 without a known `anthropic-version`, and 400 (`invalid_request_error`, naming
 * the field) for what the real API refuses and a translating gateway might get wrong: sampling
 * parameters under version 2026-10-21 (see ANTHROPIC_VERSIONS), no `max_tokens`, a `system` role inside `messages`, a thinking budget
 * under 1024 or not below `max_tokens`, forced tool use with thinking, a `tool_result` without its
 * `tool_use` in the message before, a thinking block whose signature this fake did not issue, and
 * (with thinking on) tool results answering an assistant turn that did not come back with its
 * thinking block first.
 *
 * What it answers:
 * - **text**: `content` (default FAKE_ANTHROPIC_CONTENT), streamed a word per delta, cut before the
 *   first of `stop_sequences` it contains (`stop_reason: "stop_sequence"`) or after `max_tokens`
 *   words (`"max_tokens"`);
 * - **tool use** when the request has `tools`, `tool_choice` is not `none` and the last user
 *   message holds no `tool_result`: a `tool_use` block for every tool offered (parallel calls), or
 *   only for the one `tool_choice` names, or only the first with `disable_parallel_tool_use`; the
 *   input has a value for every property of the tool's schema (`"fake-<name>"`, 1, true…) and is
 *   streamed as `input_json_delta` pieces. After a `tool_result`, it answers text;
 * - **thinking** when `thinking.type` is `enabled` or `adaptive`: a thinking block first, with a
 *   signature only this fake issues (`fakeThinkingSignature`); when the last user message contains
 *   ANTHROPIC_REDACTED_THINKING_TRIGGER (Anthropic's own test string) a `redacted_thinking` block instead;
 * - **usage** from `usage`; `cache_read_input_tokens` and `cache_creation_input_tokens` are non-zero
 *   only when the request has `cache_control` somewhere (top level, system, messages or tools).
 *   Streams report input and cache counts in `message_start` and the output count in `message_delta`.
 *
 * Modes, by the `x-fake-mode` header or the model name's last `/` segment:
 *
 * | mode                  | behaviour                                                                      |
 * | --------------------- | ------------------------------------------------------------------------------ |
 * | `fake-error-<status>` | answers `<status>` (400, 401, 403, 404, 413, 429, 500, 529…) in Anthropic's error shape |
 * | `fake-overloaded`     | streams: message_start, a text block's first delta, then `event: error` (overloaded_error) and the end; non-streaming: 529 |
 * | `fake-slow`           | waits `slow.intervalMs` before answering, or streams `slow.events` deltas that far apart (also `fake-slow-<events>-<ms>`) |
 * | `fake-reset-<n>`      | streams `<n>` events, half of the next, then a TCP reset; non-streaming: half the JSON, then the reset |
 * | `fake-hang`           | never answers                                                                  |
 */
import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { isJsonObject } from "@/lib/formats/json";
import {
  argumentsFor,
  modelMode,
  sendJson,
  startFakeServer,
  words,
  write,
  writeThenReset,
  type RecordedRequest,
} from "./http";

export type FakeAnthropicRequest = RecordedRequest;

export interface FakeAnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

export interface FakeAnthropic {
  /** `http://127.0.0.1:{port}`, the equivalent of `https://api.anthropic.com` (the SDK's baseURL). */
  origin: string;
  requests: FakeAnthropicRequest[];
  /** Usage of every answer; change it per test if needed. */
  usage: FakeAnthropicUsage;
  /** The text of every answer. */
  content: string;
  /** The text of every thinking block. */
  thinking: string;
  slow: { events: number; intervalMs: number };
  waitForRequest(predicate?: (r: FakeAnthropicRequest) => boolean): Promise<FakeAnthropicRequest>;
  reset(): void;
  close(): Promise<void>;
}

export const FAKE_ANTHROPIC_USAGE: FakeAnthropicUsage = {
  input_tokens: 25,
  output_tokens: 9,
  cache_read_input_tokens: 12,
  cache_creation_input_tokens: 6,
};
export const FAKE_ANTHROPIC_CONTENT = "Hello from the fake Anthropic, streamed word by word.";
export const FAKE_ANTHROPIC_THINKING = "The user greets me; a short greeting back will do.";
/** Anthropic's documented string that makes a model answer with a redacted_thinking block. */
export const ANTHROPIC_REDACTED_THINKING_TRIGGER =
  "ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_46C9A13E193C177646C7398A98432ECCCE4C1253";

/** The signature this fake gives a thinking block, and requires on it when it comes back. */
export function fakeThinkingSignature(thinking: string): string {
  return createHash("sha256").update(`fake-anthropic-thinking:${thinking}`).digest("base64");
}

/**
 * The API versions it knows. The official SDK (1.x) sends `2026-10-21`, which removed `temperature`,
 * `top_p` and `top_k` (a 400 even at their defaults), document blocks in assistant messages and
 * citations on user text blocks; `2023-06-01` still takes them.
 */
export const ANTHROPIC_VERSIONS = ["2023-06-01", "2026-10-21"];

const MODES = /^fake-(error-\d{3}|overloaded|slow(?:-\d+-\d+)?|reset-\d+|hang)$/;

type Block =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

type Usage = FakeAnthropicUsage;

interface Message {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: Block[];
  stop_reason: "end_turn" | "max_tokens" | "stop_sequence" | "tool_use";
  stop_sequence: string | null;
  usage: Usage;
}

class InvalidRequest extends Error {}

export async function startFakeAnthropic(): Promise<FakeAnthropic> {
  const server = await startFakeServer<FakeAnthropicRequest>(
    (base) => {
      const header = base.headers["x-fake-mode"];
      const model = typeof base.body?.model === "string" ? base.body.model : "";
      const mode = typeof header === "string" && MODES.test(header) ? header : modelMode(model, MODES);
      return { ...base, mode };
    },
    (request, res) => handle(request, res),
  );

  const fake: FakeAnthropic = {
    origin: server.origin,
    requests: server.requests,
    usage: { ...FAKE_ANTHROPIC_USAGE },
    content: FAKE_ANTHROPIC_CONTENT,
    thinking: FAKE_ANTHROPIC_THINKING,
    slow: { events: 5, intervalMs: 20 },
    waitForRequest: server.waitForRequest,
    reset: () => void (server.requests.length = 0),
    close: server.close,
  };

  async function handle(request: FakeAnthropicRequest, res: ServerResponse) {
    const { headers, body, mode } = request;
    const bearer = /^Bearer \S+$/.test(String(headers.authorization ?? ""));
    if (!bearer && (typeof headers["x-api-key"] !== "string" || !headers["x-api-key"])) {
      return sendError(res, 401, "authentication_error", "x-api-key header is required");
    }
    const version = headers["anthropic-version"];
    if (typeof version !== "string") return sendError(res, 400, "invalid_request_error", "anthropic-version: header is required");
    if (!ANTHROPIC_VERSIONS.includes(version)) {
      return sendError(res, 400, "invalid_request_error", `anthropic-version: invalid value '${version}'; use one of ${ANTHROPIC_VERSIONS.join(", ")}`);
    }
    const path = request.path.replace(/\/+$/, "");
    const countTokens = path.endsWith("/v1/messages/count_tokens");
    if (request.method !== "POST" || !(countTokens || path.endsWith("/v1/messages"))) {
      return sendError(res, 404, "not_found_error", "Not Found");
    }
    if (!body) return sendError(res, 400, "invalid_request_error", "There was an issue with your request body: it is not a JSON object");
    const status = /^fake-error-(\d{3})$/.exec(mode)?.[1];
    if (status) return sendFakeError(res, Number(status), String(body.model));
    if (mode === "fake-hang") return;

    try {
      validate(body, countTokens, version);
    } catch (err) {
      if (err instanceof InvalidRequest) return sendError(res, 400, "invalid_request_error", err.message);
      throw err;
    }
    const cached = hasCacheControl(body);
    if (countTokens) return sendJson(res, 200, { input_tokens: totalInput(cached) });
    const message = answer(body, cached);
    if (body.stream === true) return stream(res, message, mode);

    if (mode === "fake-overloaded") return sendFakeError(res, 529, message.model);
    const json = JSON.stringify(message);
    if (mode.startsWith("fake-slow")) await server.sleep(slowSettings(mode).intervalMs);
    if (mode.startsWith("fake-reset-")) {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(json)) });
      return writeThenReset(res, json.slice(0, json.length >> 1));
    }
    sendJson(res, 200, message, { "request-id": requestId() });
  }

  function totalInput(cached: boolean): number {
    const u = fake.usage;
    return u.input_tokens + (cached ? u.cache_read_input_tokens + u.cache_creation_input_tokens : 0);
  }

  function answer(body: Record<string, unknown>, cached: boolean): Message {
    const messages = body.messages as Array<Record<string, unknown>>;
    const lastUser = [...messages].reverse().find((m) => m.role === "user");
    const lastBlocks = blocksOf(lastUser?.content);
    const content: Block[] = [];
    const thinking = isJsonObject(body.thinking) && (body.thinking.type === "enabled" || body.thinking.type === "adaptive");
    if (thinking) {
      const redacted = lastBlocks.some((b) => b.type === "text" && String(b.text).includes(ANTHROPIC_REDACTED_THINKING_TRIGGER));
      content.push(
        redacted
          ? { type: "redacted_thinking", data: Buffer.from(`fake-redacted:${fake.thinking}`).toString("base64") }
          : { type: "thinking", thinking: fake.thinking, signature: fakeThinkingSignature(fake.thinking) },
      );
    }

    const u = fake.usage;
    const usage: Usage = {
      input_tokens: u.input_tokens,
      output_tokens: u.output_tokens,
      cache_read_input_tokens: cached ? u.cache_read_input_tokens : 0,
      cache_creation_input_tokens: cached ? u.cache_creation_input_tokens : 0,
    };
    const base = { id: `msg_fake${requestId().slice(4)}`, type: "message" as const, role: "assistant" as const, model: String(body.model), usage };

    const calls = toolCalls(body, lastBlocks);
    if (calls.length > 0) return { ...base, content: [...content, ...calls], stop_reason: "tool_use", stop_sequence: null };

    let text = fake.content;
    let stopReason: Message["stop_reason"] = "end_turn";
    let stopSequence: string | null = null;
    const stops = Array.isArray(body.stop_sequences) ? body.stop_sequences.filter((s): s is string => typeof s === "string") : [];
    const hit = stops.map((s) => ({ s, at: text.indexOf(s) })).filter((h) => h.at >= 0).sort((a, b) => a.at - b.at)[0];
    if (hit) {
      text = text.slice(0, hit.at);
      stopReason = "stop_sequence";
      stopSequence = hit.s;
    }
    const maxTokens = Number(body.max_tokens);
    if (words(text).length > maxTokens) {
      text = words(text).slice(0, maxTokens).join("");
      stopReason = "max_tokens";
      stopSequence = null;
      usage.output_tokens = maxTokens;
    }
    content.push({ type: "text", text });
    return { ...base, content, stop_reason: stopReason, stop_sequence: stopSequence };
  }

  async function stream(res: ServerResponse, message: Message, mode: string) {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "request-id": requestId(),
    });
    res.flushHeaders();
    const slow = mode.startsWith("fake-slow") ? slowSettings(mode) : undefined;
    const resetAfter = Number(/^fake-reset-(\d+)$/.exec(mode)?.[1] ?? NaN);
    let sent = 0;
    /** Writes one event; false when the response is over (the client left, or the fake cut it here). */
    const send = async (event: string, data: Record<string, unknown>) => {
      if (!(await write(res, `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`))) return false;
      if (++sent !== resetAfter) return true;
      await writeThenReset(res, `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"cut`);
      return false;
    };

    const { content, usage, ...rest } = message;
    const startUsage = { ...usage, output_tokens: 1 };
    if (!(await send("message_start", { type: "message_start", message: { ...rest, content: [], stop_reason: null, stop_sequence: null, usage: startUsage } }))) return;
    for (const [index, block] of content.entries()) {
      if (!(await send("content_block_start", { type: "content_block_start", index, content_block: emptyBlock(block) }))) return;
      if (index === 0 && !(await send("ping", { type: "ping" }))) return;
      const deltas = blockDeltas(block, slow?.events);
      for (const [i, delta] of deltas.entries()) {
        if (slow && i > 0) await server.sleep(slow.intervalMs);
        if (!(await send("content_block_delta", { type: "content_block_delta", index, delta }))) return;
        if (mode === "fake-overloaded" && block.type === "text") {
          await write(res, `event: error\ndata: ${JSON.stringify(errorBody("overloaded_error", "Overloaded"))}\n\n`);
          res.end();
          return;
        }
      }
      if (!(await send("content_block_stop", { type: "content_block_stop", index }))) return;
    }
    const delta = { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence };
    if (!(await send("message_delta", { type: "message_delta", delta, usage: { output_tokens: usage.output_tokens } }))) return;
    if (!(await send("message_stop", { type: "message_stop" }))) return;
    res.end();
  }

  function slowSettings(mode: string) {
    const custom = /^fake-slow-(\d+)-(\d+)$/.exec(mode);
    return custom ? { events: Number(custom[1]), intervalMs: Number(custom[2]) } : fake.slow;
  }

  return fake;
}

/** The request checks Anthropic makes that a translating gateway could fail; throws InvalidRequest. */
function validate(body: Record<string, unknown>, countTokens: boolean, version: string) {
  if (version === "2026-10-21") {
    for (const removed of ["temperature", "top_p", "top_k"]) {
      if (body[removed] !== undefined) {
        throw new InvalidRequest(`${removed}: Extra inputs are not permitted in API version 2026-10-21; remove it, or send anthropic-version: 2023-06-01`);
      }
    }
  }
  if (typeof body.model !== "string" || !body.model) throw new InvalidRequest("model: Field required");
  if (!countTokens && (typeof body.max_tokens !== "number" || !Number.isInteger(body.max_tokens) || body.max_tokens < 1)) {
    throw new InvalidRequest("max_tokens: Field required");
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw new InvalidRequest("messages: Field required");
  if (body.system !== undefined && typeof body.system !== "string" && !Array.isArray(body.system)) {
    throw new InvalidRequest("system: Input should be a valid string or a list of text blocks");
  }
  const toolUseIds = new Map<number, Set<string>>();
  body.messages.forEach((message: unknown, i) => {
    if (!isJsonObject(message)) throw new InvalidRequest(`messages.${i}: Input should be a valid dictionary`);
    if (message.role !== "user" && message.role !== "assistant") {
      throw new InvalidRequest(`messages.${i}.role: Input should be 'user' or 'assistant'`);
    }
    if (typeof message.content !== "string" && !Array.isArray(message.content)) {
      throw new InvalidRequest(`messages.${i}.content: Input should be a valid string or list`);
    }
    const ids = new Set<string>();
    blocksOf(message.content).forEach((block, j) => {
      const where = `messages.${i}.content.${j}`;
      switch (block.type) {
        case "text":
          if (typeof block.text !== "string") throw new InvalidRequest(`${where}.text: Field required`);
          if (message.role === "user" && version === "2026-10-21" && Array.isArray(block.citations) && block.citations.length > 0) {
            throw new InvalidRequest(`${where}.citations: citations on user text blocks are not allowed in API version 2026-10-21`);
          }
          break;
        case "image": {
          const source = isJsonObject(block.source) ? block.source : {};
          const base64 = source.type === "base64" && typeof source.data === "string" && /^image\/(jpeg|png|gif|webp)$/.test(String(source.media_type));
          if (!base64 && !(source.type === "url" && typeof source.url === "string")) {
            throw new InvalidRequest(`${where}.source: an image source is {type: "base64", media_type: image/jpeg|png|gif|webp, data} or {type: "url", url}`);
          }
          break;
        }
        case "tool_use":
          if (message.role !== "assistant") throw new InvalidRequest(`${where}: tool_use blocks are only allowed in assistant messages`);
          if (typeof block.id !== "string" || typeof block.name !== "string" || !isJsonObject(block.input)) {
            throw new InvalidRequest(`${where}: tool_use needs id, name and an input object`);
          }
          ids.add(block.id);
          break;
        case "tool_result": {
          if (message.role !== "user") throw new InvalidRequest(`${where}: tool_result blocks are only allowed in user messages`);
          if (!toolUseIds.get(i - 1)?.has(String(block.tool_use_id))) {
            throw new InvalidRequest(
              `${where}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
            );
          }
          break;
        }
        case "thinking":
          if (message.role !== "assistant") throw new InvalidRequest(`${where}: thinking blocks are only allowed in assistant messages`);
          if (typeof block.thinking !== "string" || block.signature !== fakeThinkingSignature(block.thinking)) {
            throw new InvalidRequest(`${where}: Invalid \`signature\` in \`thinking\` block`);
          }
          break;
        case "redacted_thinking":
          if (typeof block.data !== "string") throw new InvalidRequest(`${where}.data: Field required`);
          break;
        case "document":
          if (message.role === "assistant" && version === "2026-10-21") {
            throw new InvalidRequest(`${where}: document blocks are not allowed in assistant messages in API version 2026-10-21`);
          }
          break;
        default:
          throw new InvalidRequest(`${where}.type: Input tag '${String(block.type)}' found using 'type' does not match any of the expected tags`);
      }
    });
    toolUseIds.set(i, ids);
  });
  const thinking = isJsonObject(body.thinking) ? body.thinking : undefined;
  if (thinking?.type === "enabled") {
    const budget = thinking.budget_tokens;
    if (typeof budget !== "number" || budget < 1024) throw new InvalidRequest("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
    if (!countTokens && budget >= Number(body.max_tokens)) {
      throw new InvalidRequest("`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size");
    }
    const choice = isJsonObject(body.tool_choice) ? body.tool_choice.type : undefined;
    if (choice === "any" || choice === "tool") throw new InvalidRequest("Thinking may not be enabled when tool_choice forces tool use.");
  }
  if (thinking?.type === "enabled" || thinking?.type === "adaptive") {
    // In a tool-use loop, the assistant turn being answered must come back with its thinking first.
    const messages = body.messages as Array<Record<string, unknown>>;
    const last = messages.length - 1;
    const assistant = messages[last - 1];
    const answersTools = blocksOf(messages[last]?.content).some((b) => b.type === "tool_result");
    const first = blocksOf(assistant?.content)[0];
    if (answersTools && assistant?.role === "assistant" && first?.type !== "thinking" && first?.type !== "redacted_thinking") {
      throw new InvalidRequest(
        `messages.${last - 1}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(first?.type)}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks).`,
      );
    }
  }
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools)) throw new InvalidRequest("tools: Input should be a valid list");
    body.tools.forEach((tool: unknown, i) => {
      if (!isJsonObject(tool) || typeof tool.name !== "string") throw new InvalidRequest(`tools.${i}.name: Field required`);
      if (tool.type === undefined && !isJsonObject(tool.input_schema)) throw new InvalidRequest(`tools.${i}.input_schema: Field required`);
    });
  }
}

function toolCalls(body: Record<string, unknown>, lastUserBlocks: Array<Record<string, unknown>>): Block[] {
  const tools = Array.isArray(body.tools) ? body.tools.filter(isJsonObject) : [];
  const choice = isJsonObject(body.tool_choice) ? body.tool_choice : { type: "auto" };
  if (tools.length === 0 || choice.type === "none" || lastUserBlocks.some((b) => b.type === "tool_result")) return [];
  let chosen = choice.type === "tool" ? tools.filter((t) => t.name === choice.name) : tools;
  if (choice.disable_parallel_tool_use === true) chosen = chosen.slice(0, 1);
  return chosen.map((tool, i) => ({
    type: "tool_use",
    id: `toolu_fake${requestId().slice(4)}${i}`,
    name: String(tool.name),
    input: argumentsFor(tool.input_schema),
  }));
}

function blocksOf(content: unknown): Array<Record<string, unknown>> {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return Array.isArray(content) ? content.map((b) => (isJsonObject(b) ? b : { type: String(b) })) : [];
}

function hasCacheControl(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasCacheControl);
  if (!isJsonObject(value)) return false;
  return isJsonObject(value.cache_control) || Object.values(value).some(hasCacheControl);
}

/** A block as `content_block_start` announces it, before its deltas. */
function emptyBlock(block: Block): Record<string, unknown> {
  switch (block.type) {
    case "text":
      return { type: "text", text: "" };
    case "thinking":
      return { type: "thinking", thinking: "", signature: "" };
    case "redacted_thinking":
      return block;
    case "tool_use":
      return { type: "tool_use", id: block.id, name: block.name, input: {} };
  }
}

function blockDeltas(block: Block, slowEvents: number | undefined): Array<Record<string, unknown>> {
  switch (block.type) {
    case "text": {
      const pieces = slowEvents === undefined ? words(block.text) : Array.from({ length: slowEvents }, (_, i) => `word${i} `);
      return pieces.map((text) => ({ type: "text_delta", text }));
    }
    case "thinking":
      return [...words(block.thinking).map((thinking) => ({ type: "thinking_delta", thinking })), { type: "signature_delta", signature: block.signature }];
    case "redacted_thinking":
      return [];
    case "tool_use": {
      const json = JSON.stringify(block.input);
      const pieces = [""];
      for (let at = 0; at < json.length; at += 7) pieces.push(json.slice(at, at + 7));
      return pieces.map((partial_json) => ({ type: "input_json_delta", partial_json }));
    }
  }
}

function errorBody(type: string, message: string) {
  return { type: "error", error: { type, message }, request_id: requestId() };
}

function sendError(res: ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}) {
  sendJson(res, status, errorBody(type, message), { "request-id": requestId(), ...headers });
}

/** What a `fake-error-<status>` model gets, in Anthropic's words. */
function sendFakeError(res: ServerResponse, status: number, model: string) {
  switch (status) {
    case 400:
      return sendError(res, 400, "invalid_request_error", "messages: text content blocks must be non-empty");
    case 401:
      return sendError(res, 401, "authentication_error", "invalid x-api-key");
    case 403:
      return sendError(res, 403, "permission_error", "Your API key does not have permission to use the specified resource.");
    case 404:
      return sendError(res, 404, "not_found_error", `model: ${model}`);
    case 413:
      return sendError(res, 413, "request_too_large", "Request exceeds the maximum allowed number of bytes.");
    case 429:
      return sendError(res, 429, "rate_limit_error", "This request would exceed the rate limit for your organization of 50 requests per minute.", { "retry-after": "20" });
    case 500:
      return sendError(res, 500, "api_error", "Internal server error");
    case 529:
      return sendError(res, 529, "overloaded_error", "Overloaded");
    default:
      return sendError(res, status, "api_error", `fake error ${status}`);
  }
}

let counter = 0;
function requestId(): string {
  return `req_${Date.now().toString(36)}${(++counter).toString(36)}`;
}
