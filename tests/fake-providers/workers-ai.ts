/**
 * A fake Cloudflare Workers AI over real HTTP, under `/client/v4/accounts/{accountId}/ai/` as
 * Cloudflare serves it, so a test proves the account id of a stored key reaches the URL. Every
 * request needs `Authorization: Bearer {apiToken}` (else 401 with Cloudflare's code 10000).
 *
 * - `POST …/ai/run/@cf/{author}/{model}`: the native text-generation input (`messages` or
 *   `prompt`, `max_tokens`, `tools`, `stream`…; unknown fields such as Chat Completions' `model` or
 *   `stream_options` are refused with code 5006, as Workers AI's schema check does). It answers in
 *   Cloudflare's envelope `{result: {response, tool_calls?, usage}, success, errors, messages}`,
 *   or streamed: `data: {"response": "<word>"}` per word, the tool calls in one event, the usage in
 *   a last event with an empty response, then `data: [DONE]`. With `tools` and no tool message
 *   last it calls every tool offered (`{name, arguments}`, arguments from the tool's schema).
 * - `…/ai/v1/chat/completions` and `…/ai/v1/embeddings`, Workers AI's OpenAI-compatible endpoints:
 *   forwarded to a fake OpenAI (`openai`), whose behaviour and modes they share.
 *
 * Modes by the model's last segment: `fake-error-<status>` answers `<status>` in the error envelope.
 */
import type { ServerResponse } from "node:http";
import { request as undiciRequest } from "undici";
import { isJsonObject } from "@/lib/formats/json";
import { argumentsFor, modelMode, sendJson, startFakeServer, words, write, type RecordedRequest } from "./http";
import { startFakeOpenAI, type FakeOpenAI } from "./openai";

export interface FakeWorkersAiRequest extends RecordedRequest {
  /** The account id in the path; "" when the path is not under `/client/v4/accounts/{id}/ai/`. */
  accountId: string;
  /** The path after `…/ai/` (`run/@cf/meta/llama-3.1-8b-instruct`, `v1/chat/completions`). */
  endpoint: string;
}

export interface FakeWorkersAi {
  origin: string;
  accountId: string;
  apiToken: string;
  /** `{origin}/client/v4/accounts/{accountId}/ai`, what a key's account id implies. */
  baseUrl: string;
  requests: FakeWorkersAiRequest[];
  /** The fake OpenAI behind the OpenAI-compatible endpoints. */
  openai: FakeOpenAI;
  usage: { prompt_tokens: number; completion_tokens: number };
  content: string;
  waitForRequest(predicate?: (r: FakeWorkersAiRequest) => boolean): Promise<FakeWorkersAiRequest>;
  reset(): void;
  close(): Promise<void>;
}

export const FAKE_WORKERS_AI_USAGE = { prompt_tokens: 17, completion_tokens: 9 };
export const FAKE_WORKERS_AI_CONTENT = "Hello from the fake Workers AI, streamed word by word.";

const MODES = /^fake-error-\d{3}$/;
const PREFIX = /^\/client\/v4\/accounts\/([^/]+)\/ai\/(.*)$/;
const INPUT_FIELDS = new Set([
  "messages", "prompt", "stream", "max_tokens", "temperature", "top_p", "top_k", "seed", "repetition_penalty",
  "frequency_penalty", "presence_penalty", "tools", "tool_choice", "functions", "response_format", "raw", "lora", "stop",
]);

export async function startFakeWorkersAi(options: { accountId?: string; apiToken?: string } = {}): Promise<FakeWorkersAi> {
  const accountId = options.accountId ?? "0123456789abcdef0123456789abcdef";
  const apiToken = options.apiToken ?? "fake-cloudflare-api-token";
  const openai = await startFakeOpenAI();
  const server = await startFakeServer<FakeWorkersAiRequest>(
    (base) => {
      const [, account = "", endpoint = ""] = PREFIX.exec(base.path) ?? [];
      return { ...base, accountId: account, endpoint, mode: modelMode(endpoint, MODES) };
    },
    (request, res) => handle(request, res),
  );

  const fake: FakeWorkersAi = {
    origin: server.origin,
    accountId,
    apiToken,
    baseUrl: `${server.origin}/client/v4/accounts/${accountId}/ai`,
    requests: server.requests,
    openai,
    usage: { ...FAKE_WORKERS_AI_USAGE },
    content: FAKE_WORKERS_AI_CONTENT,
    waitForRequest: server.waitForRequest,
    reset: () => {
      server.requests.length = 0;
      openai.reset();
    },
    close: async () => {
      await Promise.all([server.close(), openai.close()]);
    },
  };

  async function handle(request: FakeWorkersAiRequest, res: ServerResponse) {
    if (request.accountId !== accountId) return sendError(res, 404, 7003, "Could not route to this path: no such account");
    if (request.headers.authorization !== `Bearer ${apiToken}`) return sendError(res, 401, 10000, "Authentication error");
    if (request.endpoint.startsWith("v1/")) return forward(request, res);
    if (request.method !== "POST" || !request.endpoint.startsWith("run/@")) return sendError(res, 404, 7003, `No route for ${request.path}`);
    const status = /^fake-error-(\d{3})$/.exec(request.mode)?.[1];
    if (status) return sendError(res, Number(status), Number(status) === 429 ? 3040 : 5006, `AiError: fake error ${status}`);
    const body = request.body;
    if (!body) return sendError(res, 400, 5006, "AiError: Bad input: the body is not a JSON object");
    const unknown = Object.keys(body).find((key) => !INPUT_FIELDS.has(key));
    if (unknown !== undefined) return sendError(res, 400, 5006, `AiError: Bad input: Type mismatch: unexpected property '${unknown}'`);
    const hasMessages = Array.isArray(body.messages) && body.messages.length > 0;
    if (hasMessages === (typeof body.prompt === "string")) {
      return sendError(res, 400, 5006, "AiError: Bad input: required properties at '/' are one of 'prompt', 'messages'");
    }

    const calls = toolCalls(body);
    const text = calls.length > 0 ? "" : fake.content;
    const usage = { ...fake.usage, total_tokens: fake.usage.prompt_tokens + fake.usage.completion_tokens };
    if (body.stream !== true) {
      const result: Record<string, unknown> = { response: text, usage };
      if (calls.length > 0) result.tool_calls = calls;
      return sendJson(res, 200, { result, success: true, errors: [], messages: [] });
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    for (const word of words(text)) {
      if (!(await write(res, `data: ${JSON.stringify({ response: word, p: "abcdef" })}\n\n`))) return;
    }
    if (calls.length > 0) await write(res, `data: ${JSON.stringify({ response: "", tool_calls: calls })}\n\n`);
    await write(res, `data: ${JSON.stringify({ response: "", usage })}\n\n`);
    await write(res, "data: [DONE]\n\n");
    res.end();
  }

  /** The OpenAI-compatible endpoints: the fake OpenAI answers, at the same path. */
  async function forward(request: FakeWorkersAiRequest, res: ServerResponse) {
    const search = new URLSearchParams(request.query).toString();
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter((entry): entry is [string, string] => typeof entry[1] === "string" && entry[0] !== "host" && entry[0] !== "content-length"),
    );
    const answer = await undiciRequest(`${openai.origin}${request.path}${search ? `?${search}` : ""}`, {
      method: request.method as "POST",
      headers,
      body: request.rawBody === "" ? undefined : request.rawBody,
    });
    res.writeHead(answer.statusCode, { "content-type": String(answer.headers["content-type"] ?? "application/json") });
    for await (const chunk of answer.body) {
      if (!(await write(res, (chunk as Buffer).toString("utf8")))) return;
    }
    res.end();
  }

  return fake;
}

/** A call of every tool offered, unless the conversation ends with a tool's result. */
function toolCalls(body: Record<string, unknown>): { name: string; arguments: Record<string, unknown> }[] {
  if (!Array.isArray(body.tools) || body.tools.length === 0) return [];
  const last: unknown = Array.isArray(body.messages) ? body.messages.at(-1) : undefined;
  if (isJsonObject(last) && last.role === "tool") return [];
  return body.tools.flatMap((tool: unknown) => {
    if (!isJsonObject(tool)) return [];
    const fn = isJsonObject(tool.function) ? tool.function : tool;
    return typeof fn.name === "string" ? [{ name: fn.name, arguments: argumentsFor(fn.parameters) }] : [];
  });
}

function sendError(res: ServerResponse, status: number, code: number, message: string): void {
  sendJson(res, status, { result: null, success: false, errors: [{ code, message }], messages: [] });
}
