/**
 * A fake Cohere over real HTTP, speaking the v2 API's wire format (JSON, and server-sent events
 * named like their JSON's `type`) closely enough for the official `cohere-ai` SDK's
 * `CohereClientV2` (`environment` = `origin`).
 *
 * Serves `POST …/v2/chat` and `POST …/v2/embed`, whatever comes before them. Like Cohere it answers
 * 401 `{"message": "invalid api token"}` without `Authorization: Bearer …`, and 400 `{message}` for
 * what the real API refuses and a translating gateway might get wrong: a field v2 chat does not
 * have, a role other than system/user/assistant/tool, an assistant message with neither content
 * nor tool calls, a tool message whose `tool_call_id` answers no earlier call, a tool without
 * parameters, `tool_choice` other than REQUIRED/NONE or without tools, `p` outside 0.01–0.99, `k`
 * outside 0–500, a thinking budget that is not a positive integer, and an embed request without
 * `input_type` or with neither `texts` nor `inputs`.
 *
 * What it answers:
 * - **text**: `content` (default FAKE_COHERE_CONTENT), streamed a word per content-delta, cut before
 *   the first of `stop_sequences` it contains (`STOP_SEQUENCE`) or after `max_tokens` words
 *   (`MAX_TOKENS`);
 * - **tool calls** when the request has `tools`, `tool_choice` is not NONE and the last message is
 *   not a tool result: a `tool_plan` (FAKE_COHERE_TOOL_PLAN) and a call to every tool offered, the
 *   arguments a value for every property of the tool's schema (`"fake-<name>"`, 1, true…), streamed
 *   as tool-plan-delta events, then tool-call-start and the arguments in three tool-call-delta
 *   pieces (`TOOL_CALL`). After a tool result it answers text;
 * - **thinking** when `thinking.type` is `enabled`: a `thinking` content item (FAKE_COHERE_THINKING)
 *   before the text;
 * - **citations** when the request has `documents`: one citation of the answer's first word, its
 *   source the first document (streamed as citation-start / citation-end after the text);
 * - **usage** from `usage`: `billed_units` and `tokens`, which differ as Cohere's do (tokens count
 *   the prompt template too). Streams report it in `message-end`'s `delta.usage`;
 * - **embeddings**: a deterministic vector of `output_dimension` (default 4) numbers per text, in
 *   each of `embedding_types` (default float), `meta.billed_units.input_tokens` one per word.
 *
 * Modes, by the `x-fake-mode` header or the model name's last `/` segment:
 *
 * | mode                  | behaviour                                                                     |
 * | --------------------- | ----------------------------------------------------------------------------- |
 * | `fake-error-<status>` | answers `<status>` (400, 401, 429, 500…) with Cohere's `{id, message}`          |
 * | `fake-stream-error`   | streams message-start and the first word, then `message-end` with `finish_reason: "ERROR"` and `delta.error`; non-streaming: 500 |
 */
import { createHash, randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { isJsonObject } from "@/lib/formats/json";
import { argumentsFor, modelMode, sendJson, startFakeServer, words, write, type RecordedRequest } from "./http";

export type FakeCohereRequest = RecordedRequest;

export interface FakeCohereUsage {
  billed_units: { input_tokens: number; output_tokens: number };
  tokens: { input_tokens: number; output_tokens: number };
}

export interface FakeCohere {
  /** `http://127.0.0.1:{port}`, the equivalent of `https://api.cohere.com` (the SDK's environment). */
  origin: string;
  requests: FakeCohereRequest[];
  /** Usage of every chat answer; change it per test if needed. */
  usage: FakeCohereUsage;
  /** The text of every answer. */
  content: string;
  waitForRequest(predicate?: (r: FakeCohereRequest) => boolean): Promise<FakeCohereRequest>;
  reset(): void;
  close(): Promise<void>;
}

export const FAKE_COHERE_USAGE: FakeCohereUsage = {
  billed_units: { input_tokens: 21, output_tokens: 9 },
  tokens: { input_tokens: 187, output_tokens: 11 },
};
export const FAKE_COHERE_CONTENT = "Hello from the fake Cohere, streamed word by word.";
export const FAKE_COHERE_THINKING = "The user greets me; I greet them back.";
export const FAKE_COHERE_TOOL_PLAN = "I will call the tools I was given.";
export const FAKE_COHERE_STREAM_ERROR = "internal server error, this has been reported to our developers";

const MODES = /^fake-(error-\d{3}|stream-error)$/;

const CHAT_FIELDS = new Set([
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

const MESSAGES_BY_STATUS: Record<number, string> = {
  400: "invalid request: the fake was asked to refuse it",
  401: "invalid api token",
  404: "model not found, make sure the correct model ID was used and that you have access to the model.",
  429: "You are using a Trial key, which is limited to 20 API calls / minute.",
  500: "internal server error, this has been reported to our developers",
};

interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

interface Answer {
  id: string;
  finish_reason: "COMPLETE" | "STOP_SEQUENCE" | "MAX_TOKENS" | "TOOL_CALL";
  thinking?: string;
  text?: string;
  tool_plan?: string;
  tool_calls: ToolCall[];
  citations: Record<string, unknown>[];
  usage: FakeCohereUsage;
}

class InvalidRequest extends Error {}

export async function startFakeCohere(): Promise<FakeCohere> {
  const server = await startFakeServer<FakeCohereRequest>(
    (base) => {
      const header = base.headers["x-fake-mode"];
      const model = typeof base.body?.model === "string" ? base.body.model : "";
      const mode = typeof header === "string" && MODES.test(header) ? header : modelMode(model, MODES);
      return { ...base, mode };
    },
    (request, res) => handle(request, res),
  );

  const fake: FakeCohere = {
    origin: server.origin,
    requests: server.requests,
    usage: structuredClone(FAKE_COHERE_USAGE),
    content: FAKE_COHERE_CONTENT,
    waitForRequest: server.waitForRequest,
    reset: () => void (server.requests.length = 0),
    close: server.close,
  };

  async function handle(request: FakeCohereRequest, res: ServerResponse) {
    const { headers, body, mode } = request;
    if (!/^Bearer \S+$/.test(String(headers.authorization ?? ""))) return sendError(res, 401, "invalid api token");
    const path = request.path.replace(/\/+$/, "");
    const chat = path.endsWith("/v2/chat");
    if (request.method !== "POST" || !(chat || path.endsWith("/v2/embed"))) return sendError(res, 404, `${request.method} ${request.path} not found`);
    if (!body) return sendError(res, 400, "invalid request: the body is not a JSON object");
    const status = /^fake-error-(\d{3})$/.exec(mode)?.[1];
    if (status) return sendError(res, Number(status), MESSAGES_BY_STATUS[Number(status)] ?? `fake error ${status}`);
    try {
      if (!chat) return sendJson(res, 200, embed(body), { "x-api-warning": "none" });
      validateChat(body);
    } catch (err) {
      if (err instanceof InvalidRequest) return sendError(res, 400, err.message);
      throw err;
    }
    const answer = answerFor(body);
    if (body.stream === true) return stream(res, answer, mode);
    if (mode === "fake-stream-error") return sendError(res, 500, FAKE_COHERE_STREAM_ERROR);
    sendJson(res, 200, wholeAnswer(answer));
  }

  function answerFor(body: Record<string, unknown>): Answer {
    const messages = body.messages as Array<Record<string, unknown>>;
    const base = { id: randomUUID(), tool_calls: [] as ToolCall[], citations: [] as Record<string, unknown>[], usage: structuredClone(fake.usage) };
    const thinking = isJsonObject(body.thinking) && body.thinking.type === "enabled" ? FAKE_COHERE_THINKING : undefined;
    const tools = Array.isArray(body.tools) ? (body.tools as Array<Record<string, Record<string, unknown>>>) : [];
    if (tools.length > 0 && body.tool_choice !== "NONE" && messages.at(-1)?.role !== "tool") {
      const tool_calls = tools.map((tool, index) => {
        const name = String(tool.function!.name);
        return { id: `${name}_${callSuffix(name, index)}`, type: "function" as const, function: { name, arguments: JSON.stringify(argumentsFor(tool.function!.parameters)) } };
      });
      return { ...base, thinking, tool_plan: FAKE_COHERE_TOOL_PLAN, tool_calls, finish_reason: "TOOL_CALL" };
    }
    let text = fake.content;
    let finish: Answer["finish_reason"] = "COMPLETE";
    const stops = Array.isArray(body.stop_sequences) ? body.stop_sequences.filter((s): s is string => typeof s === "string") : [];
    const hit = stops.map((s) => text.indexOf(s)).filter((at) => at >= 0).sort((a, b) => a - b)[0];
    if (hit !== undefined) {
      text = text.slice(0, hit);
      finish = "STOP_SEQUENCE";
    }
    if (typeof body.max_tokens === "number" && words(text).length > body.max_tokens) {
      text = words(text).slice(0, body.max_tokens).join("");
      finish = "MAX_TOKENS";
    }
    const citations: Record<string, unknown>[] = [];
    if (Array.isArray(body.documents) && body.documents.length > 0) {
      const first = body.documents[0] as unknown;
      const document = isJsonObject(first) ? first.data : { text: first };
      const cited = words(text)[0]?.trim() ?? "";
      citations.push({ start: 0, end: cited.length, text: cited, sources: [{ type: "document", id: "doc:0", document }], type: "TEXT_CONTENT" });
    }
    return { ...base, thinking, text, finish_reason: finish, citations };
  }

  function wholeAnswer(answer: Answer): Record<string, unknown> {
    const content: Record<string, unknown>[] = [];
    if (answer.thinking !== undefined) content.push({ type: "thinking", thinking: answer.thinking });
    if (answer.text !== undefined) content.push({ type: "text", text: answer.text });
    const message: Record<string, unknown> = { role: "assistant", content };
    if (answer.tool_plan !== undefined) message.tool_plan = answer.tool_plan;
    if (answer.tool_calls.length > 0) message.tool_calls = answer.tool_calls;
    if (answer.citations.length > 0) message.citations = answer.citations;
    return { id: answer.id, finish_reason: answer.finish_reason, message, usage: answer.usage };
  }

  async function stream(res: ServerResponse, answer: Answer, mode: string) {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    res.flushHeaders();
    const send = (type: string, data: Record<string, unknown>) => write(res, `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    const message = (m: Record<string, unknown>) => ({ delta: { message: m } });

    if (!(await send("message-start", { id: answer.id, ...message({ role: "assistant", content: [], tool_plan: "", tool_calls: [], citations: [] }) }))) return;
    let index = 0;
    if (answer.thinking !== undefined) {
      await send("content-start", { index, ...message({ content: { type: "thinking", thinking: "" } }) });
      for (const piece of words(answer.thinking)) await send("content-delta", { index, ...message({ content: { thinking: piece } }) });
      await send("content-end", { index });
      index++;
    }
    if (answer.text !== undefined) {
      await send("content-start", { index, ...message({ content: { type: "text", text: "" } }) });
      for (const piece of words(answer.text)) {
        if (!(await send("content-delta", { index, ...message({ content: { text: piece } }) }))) return;
        if (mode === "fake-stream-error") {
          await send("message-end", { id: answer.id, delta: { finish_reason: "ERROR", error: FAKE_COHERE_STREAM_ERROR } });
          res.end();
          return;
        }
      }
      await send("content-end", { index });
    }
    if (answer.tool_plan !== undefined) {
      for (const piece of words(answer.tool_plan)) await send("tool-plan-delta", message({ tool_plan: piece }));
    }
    for (const [i, call] of answer.tool_calls.entries()) {
      await send("tool-call-start", { index: i, ...message({ tool_calls: { id: call.id, type: "function", function: { name: call.function.name, arguments: "" } } }) });
      for (const piece of thirds(call.function.arguments)) await send("tool-call-delta", { index: i, ...message({ tool_calls: { function: { arguments: piece } } }) });
      await send("tool-call-end", { index: i });
    }
    for (const [i, citation] of answer.citations.entries()) {
      await send("citation-start", { index: i, ...message({ citations: citation }) });
      await send("citation-end", { index: i });
    }
    await send("message-end", { id: answer.id, delta: { finish_reason: answer.finish_reason, usage: answer.usage } });
    res.end();
  }

  return fake;
}

function sendError(res: ServerResponse, status: number, message: string) {
  sendJson(res, status, { id: randomUUID(), message });
}

/** Cohere's call ids are the function's name and a suffix of its own. */
function callSuffix(name: string, index: number): string {
  return createHash("sha256").update(`${name}:${index}:${randomUUID()}`).digest("hex").slice(0, 12);
}

/** JSON text in three pieces, as a model streams a call's arguments. */
function thirds(text: string): string[] {
  const size = Math.ceil(text.length / 3);
  return [text.slice(0, size), text.slice(size, 2 * size), text.slice(2 * size)].filter(Boolean);
}

function validateChat(body: Record<string, unknown>) {
  for (const key of Object.keys(body)) if (!CHAT_FIELDS.has(key)) throw new InvalidRequest(`invalid request: unknown field: parameter ${key} is not a valid field`);
  if (typeof body.model !== "string" || !body.model) throw new InvalidRequest("invalid request: model must be a string");
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw new InvalidRequest("invalid request: messages must not be empty");
  const callIds = new Set<string>();
  body.messages.forEach((message: unknown, i) => {
    if (!isJsonObject(message)) throw new InvalidRequest(`invalid request: messages[${i}] must be an object`);
    switch (message.role) {
      case "system":
      case "user":
        if (typeof message.content !== "string" && !Array.isArray(message.content)) throw new InvalidRequest(`invalid request: messages[${i}].content is required`);
        break;
      case "assistant": {
        const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
        const hasContent = typeof message.content === "string" ? message.content !== "" : Array.isArray(message.content) && message.content.length > 0;
        if (!hasContent && calls.length === 0) throw new InvalidRequest(`invalid request: messages[${i}]: an assistant message must have content or tool_calls`);
        for (const call of calls) {
          if (!isJsonObject(call) || typeof call.id !== "string" || !isJsonObject(call.function) || typeof call.function.name !== "string") {
            throw new InvalidRequest(`invalid request: messages[${i}].tool_calls: each call needs an id and a function name`);
          }
          callIds.add(call.id);
        }
        break;
      }
      case "tool":
        if (typeof message.tool_call_id !== "string" || !callIds.has(message.tool_call_id)) {
          throw new InvalidRequest(`invalid request: messages[${i}].tool_call_id ${JSON.stringify(message.tool_call_id)} does not match any tool call`);
        }
        break;
      default:
        throw new InvalidRequest(`invalid request: messages[${i}].role must be one of system, user, assistant, tool`);
    }
  });
  const tools = body.tools;
  if (tools !== undefined) {
    if (!Array.isArray(tools)) throw new InvalidRequest("invalid request: tools must be a list");
    tools.forEach((tool: unknown, i) => {
      if (!isJsonObject(tool) || tool.type !== "function" || !isJsonObject(tool.function) || typeof tool.function.name !== "string" || !isJsonObject(tool.function.parameters)) {
        throw new InvalidRequest(`invalid request: tools[${i}] must be a function with a name and parameters`);
      }
    });
  }
  if (body.tool_choice !== undefined) {
    if (body.tool_choice !== "REQUIRED" && body.tool_choice !== "NONE") throw new InvalidRequest("invalid request: tool_choice must be one of REQUIRED, NONE");
    if (!Array.isArray(tools) || tools.length === 0) throw new InvalidRequest("invalid request: tool_choice requires tools");
  }
  if (body.p !== undefined && (typeof body.p !== "number" || body.p < 0.01 || body.p > 0.99)) throw new InvalidRequest("invalid request: p must be between 0.01 and 0.99");
  if (body.k !== undefined && (typeof body.k !== "number" || body.k < 0 || body.k > 500)) throw new InvalidRequest("invalid request: k must be between 0 and 500");
  if (body.thinking !== undefined) {
    const thinking = isJsonObject(body.thinking) ? body.thinking : {};
    if (thinking.type !== "enabled" && thinking.type !== "disabled") throw new InvalidRequest("invalid request: thinking.type must be one of enabled, disabled");
    const budget = thinking.token_budget;
    if (budget !== undefined && (typeof budget !== "number" || !Number.isInteger(budget) || budget < 1)) throw new InvalidRequest("invalid request: thinking.token_budget must be a positive integer");
  }
  if (body.response_format !== undefined) {
    const format = isJsonObject(body.response_format) ? body.response_format : {};
    if (format.type !== "text" && format.type !== "json_object") throw new InvalidRequest("invalid request: response_format.type must be one of text, json_object");
  }
}

function embed(body: Record<string, unknown>): Record<string, unknown> {
  if (typeof body.model !== "string" || !body.model) throw new InvalidRequest("invalid request: model must be a string");
  if (typeof body.input_type !== "string") throw new InvalidRequest("invalid request: input_type is required for Embed v3 and later models");
  let texts: string[];
  if (Array.isArray(body.texts) && body.texts.every((t) => typeof t === "string")) texts = body.texts;
  else if (Array.isArray(body.inputs)) {
    texts = body.inputs.map((input: unknown) => {
      const content = isJsonObject(input) && Array.isArray(input.content) ? input.content : [];
      return content.map((item: unknown) => (isJsonObject(item) && typeof item.text === "string" ? item.text : "")).join(" ");
    });
  } else throw new InvalidRequest("invalid request: one of texts, images or inputs must be given");
  const size = typeof body.output_dimension === "number" ? body.output_dimension : 4;
  const types = Array.isArray(body.embedding_types) ? body.embedding_types.map(String) : ["float"];
  const vectors = texts.map((text) => Array.from({ length: size }, (_, i) => Number((((text.length + 1) * (i + 1)) % 97 / 97).toFixed(4))));
  const embeddings: Record<string, unknown> = {};
  for (const type of types) embeddings[type] = type === "float" ? vectors : vectors.map((v) => v.map((x) => Math.round(x * 127)));
  const tokens = texts.reduce((sum, text) => sum + words(text).length, 0);
  return {
    id: randomUUID(),
    texts,
    embeddings,
    meta: { api_version: { version: "2" }, billed_units: { input_tokens: tokens } },
    response_type: "embeddings_by_type",
  };
}
