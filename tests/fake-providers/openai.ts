/**
 * A fake OpenAI over real HTTP, speaking the Chat Completions, Embeddings and Models wire format
 * (JSON and server-sent events), with slow, failing, hanging and malformed modes.
 *
 * Any path ending in `chat/completions`, `embeddings`, `responses`, `moderations` or (GET) `models` is served,
 * whatever comes before it, because the gateway appends provider-specific paths to a key's base URL.
 * `responses` (the Responses API) answers text only, whole or streamed, in the normal and error modes;
 * like OpenAI it refuses a few Chat Completions fields (`stop`, `messages`, `n`…) as unknown parameters.
 *
 * `moderations` flags the categories `FAKE_HARMS` (llama-guard.ts) finds in each input, as the fake
 * Llama Guard judges the same text.
 *
 * Chat Completions and Responses requests with `tools`, `tool_choice` other than `none` and no tool result last are
 * answered with a call of every tool offered (parallel calls), or only of the one `tool_choice`
 * names, or only the first with `parallel_tool_calls: false`, as the fake Anthropic and Gemini do;
 * the arguments hold a value for every property of the tool's schema and are streamed in two pieces.
 * A Chat Completions answer stops before the first of `stop` it contains, as OpenAI's does.
 *
 * Behaviour is picked per request, first by the `x-fake-mode` request header (when the gateway
 * forwards it: passthrough), else by the model name — its last `/`-separated segment, so
 * `openai/fake-slow` and `custom-x/fake-slow` pick the same mode. Every other model is answered
 * normally, echoing the model it was asked for.
 *
 * | mode                    | behaviour                                                                 |
 * | ----------------------- | ------------------------------------------------------------------------- |
 * | (none)                  | a normal completion / stream / embedding                                  |
 * | `fake-slow`             | streams `slow.events` content events `slow.intervalMs` apart (also `fake-slow-<events>-<ms>`) |
 * | `fake-gated`            | streams the role event and one content event, then waits for `release()` before the rest |
 * | `fake-error-<status>`   | answers `<status>` (401, 403, 404, 429, 500, 503…) with OpenAI's error body |
 * | `fake-hang`             | never answers (the socket stays open until the client or `close()` ends it) |
 * | `fake-drop`             | sends part of the response (half the JSON, or the role event and one content event), waits for `release()`, then destroys the socket |
 * | `fake-malformed`        | 200 with broken JSON (non-streaming) or a broken `data:` event (streaming) |
 * | `fake-no-usage`         | a stream without usage even when `stream_options.include_usage` asks, as some self-hosted servers answer |
 * | `fake-reset-<n>`        | streams `<n>` events (the role event first), then half of the next one, then resets the connection (TCP RST); non-streaming: half the JSON, then the reset |
 *
 * Without an `Authorization: Bearer …` header it answers 401 as OpenAI does.
 *
 * Faults for one key (tests keep apart by their keys): `fail(key, …faults)` queues what the
 * next requests with that key get, one fault each, before they are answered as their mode says;
 * a `sticky` fault stays for every later request. A fault is an error status (with OpenAI's body
 * for it and a chosen `Retry-After`, or none), headers that wait `delayMs` before the normal
 * answer, `hang` (never answers), or `reset` (the connection reset before any byte).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { argumentsFor } from "./http";
import { FAKE_HARMS } from "./llama-guard";

export interface FakeRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** The raw query string including `?`, or "" when there is none. */
  search: string;
  query: Record<string, string>;
  /** Lower-cased names, as node:http gives them. */
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** Parsed JSON body, or undefined when there is none or it is not JSON. */
  body: Record<string, unknown> | undefined;
  mode: string;
  /**
   * Settles when the response's connection is done with: `true` if the fake finished the response,
   * `false` if the socket closed first (the gateway gave up on the call, or a deliberate drop).
   */
  responded: Promise<boolean>;
  /** Lets a `fake-gated` or `fake-drop` response go on past its hold point; a no-op otherwise. */
  release(): void;
  /** `performance.now()` when its body had arrived: the gaps between attempts. */
  receivedAt: number;
}

/** What one request with a key gets instead of (or before) its answer; see `FakeOpenAI.fail`. */
export type FakeFault = (
  | { status: number; retryAfter?: string }
  | { delayMs: number }
  | { hang: true }
  | { reset: true }
) & { sticky?: boolean };

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
}

export type StreamOutcome = "finished" | "client-closed" | "dropped";

/** One streaming response the fake served (or is serving). */
export interface StreamRecord {
  request: FakeRequest;
  /** `data:` events written so far (including `[DONE]`). */
  eventsSent: number;
  /** True once the last event (`data: [DONE]`) has been written. */
  finished: boolean;
  outcome: StreamOutcome | undefined;
  /** Settles when the response ends: normally, by the client going away, or by a deliberate drop. */
  ended: Promise<StreamOutcome>;
  /** Same as `request.release()`. */
  release(): void;
}

export interface FakeOpenAI {
  /** `http://127.0.0.1:{port}` */
  origin: string;
  /** `{origin}/v1`, the equivalent of `https://api.openai.com/v1`. */
  baseUrl: string;
  requests: FakeRequest[];
  streams: StreamRecord[];
  /** Usage reported by every response; change it per test if needed. */
  usage: FakeUsage;
  /** Defaults for `fake-slow`. */
  slow: { events: number; intervalMs: number };
  /** The content of every completion; streamed one word per event. */
  content: string;
  /** Resolves with the first request (past or future) matching the predicate. */
  waitForRequest(predicate?: (r: FakeRequest) => boolean): Promise<FakeRequest>;
  /** Resolves with the first streaming response (past or future) matching the predicate. */
  waitForStream(predicate?: (s: StreamRecord) => boolean): Promise<StreamRecord>;
  /** Queues faults for the next requests carrying `Authorization: Bearer {key}`. */
  fail(key: string, ...faults: FakeFault[]): void;
  /** Forgets recorded requests and streams. */
  reset(): void;
  close(): Promise<void>;
}

export const FAKE_DEFAULT_USAGE: FakeUsage = { prompt_tokens: 21, completion_tokens: 7, cached_tokens: 5 };
export const FAKE_DEFAULT_CONTENT = "Hello from the fake provider, streamed word by word.";

/** Chat Completions fields the Responses API refuses as unknown parameters, as OpenAI does. */
const CHAT_ONLY_FIELDS = ["messages", "stop", "n", "response_format", "max_tokens"];

const MODES = /^fake-(no-usage|slow(?:-\d+-\d+)?|gated|error-\d{3}|hang|drop|malformed|reset-\d+)$/;

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const requests: FakeRequest[] = [];
  const streams: StreamRecord[] = [];
  const requestWaiters: Array<{ predicate: (r: FakeRequest) => boolean; resolve: (r: FakeRequest) => void }> = [];
  const streamWaiters: Array<{ predicate: (s: StreamRecord) => boolean; resolve: (s: StreamRecord) => void }> = [];
  const sockets = new Set<Socket>();
  const pendingTimers = new Set<NodeJS.Timeout>();
  const faults = new Map<string, FakeFault[]>();

  const fake: FakeOpenAI = {
    origin: "",
    baseUrl: "",
    requests,
    streams,
    usage: { ...FAKE_DEFAULT_USAGE },
    slow: { events: 5, intervalMs: 20 },
    content: FAKE_DEFAULT_CONTENT,
    waitForRequest(predicate = () => true) {
      const found = requests.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => requestWaiters.push({ predicate, resolve }));
    },
    waitForStream(predicate = () => true) {
      const found = streams.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => streamWaiters.push({ predicate, resolve }));
    },
    fail(key, ...queued) {
      faults.set(key, [...(faults.get(key) ?? []), ...queued]);
    },
    reset() {
      requests.length = 0;
      streams.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const t of pendingTimers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        pendingTimers.delete(t);
        resolve();
      }, ms);
      pendingTimers.add(t);
    });

  function record(req: FakeRequest) {
    requests.push(req);
    for (const w of [...requestWaiters]) {
      if (w.predicate(req)) {
        requestWaiters.splice(requestWaiters.indexOf(w), 1);
        w.resolve(req);
      }
    }
  }

  function recordStream(s: StreamRecord) {
    streams.push(s);
    for (const w of [...streamWaiters]) {
      if (w.predicate(s)) {
        streamWaiters.splice(streamWaiters.indexOf(w), 1);
        w.resolve(s);
      }
    }
  }

  const server = createServer({ noDelay: true, keepAlive: true }, (req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, "server_error", `fake provider failure: ${String(err)}`, null);
      else res.destroy();
    });
  });
  server.on("connection", (socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const responded = new Promise<boolean>((resolve) => res.on("close", () => resolve(res.writableFinished)));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? "/", "http://fake.invalid");
    let body: Record<string, unknown> | undefined;
    if (rawBody) {
      try {
        const parsed: unknown = JSON.parse(rawBody);
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
      } catch {
        body = undefined;
      }
    }
    const model = typeof body?.model === "string" ? body.model : "";
    const headerMode = typeof req.headers["x-fake-mode"] === "string" ? req.headers["x-fake-mode"] : "";
    const modelMode = model.split("/").pop() ?? "";
    const mode = MODES.test(headerMode) ? headerMode : MODES.test(modelMode) ? modelMode : "";
    const request: FakeRequest = {
      responded,
      release: () => release(),
      method: req.method ?? "GET",
      path: url.pathname,
      search: url.search,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      rawBody,
      body,
      mode,
      receivedAt: performance.now(),
    };
    record(request);

    const auth = req.headers.authorization;
    if (!auth || !/^Bearer \S+/.test(auth)) {
      return sendError(
        res,
        401,
        "invalid_request_error",
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        null,
      );
    }

    const queued = faults.get(auth.slice("Bearer ".length));
    const fault = queued?.[0];
    if (fault && !fault.sticky) queued!.shift();
    if (fault && "status" in fault) {
      const e = fakeErrorResponse(fault.status, model);
      const headers = { ...e.headers };
      delete headers["retry-after"];
      if (fault.retryAfter) headers["retry-after"] = fault.retryAfter;
      return sendJson(res, e.status, e.body, headers);
    }
    if (fault && "hang" in fault) return;
    if (fault && "reset" in fault) return req.socket.resetAndDestroy();
    if (fault && "delayMs" in fault) await sleep(fault.delayMs);

    const errorStatus = /^fake-error-(\d{3})$/.exec(mode)?.[1];
    if (errorStatus) {
      const e = fakeErrorResponse(Number(errorStatus), model);
      return sendJson(res, e.status, e.body, e.headers);
    }
    if (mode === "fake-hang") return; // never answer

    const path = url.pathname.replace(/\/+$/, "");
    if (req.method === "POST" && path.endsWith("chat/completions")) {
      if (!body) return sendError(res, 400, "invalid_request_error", "We could not parse the JSON body of your request.", null);
      if (!model) return sendError(res, 400, "invalid_request_error", "you must provide a model parameter", null);
      if (!Array.isArray(body.messages)) return sendInvalidType(res, "messages", "an array of objects", body.messages);
      if (body.stream === true) return streamCompletion(res, request, released, body, model, mode);
      return completion(res, released, model, mode, toolCallsFor(body), answerText(body, fake.content));
    }
    if (req.method === "POST" && path.endsWith("/responses")) {
      if (!body) return sendError(res, 400, "invalid_request_error", "We could not parse the JSON body of your request.", null);
      if (!model) return sendError(res, 400, "invalid_request_error", "Missing required parameter: 'model'.", "model");
      if (typeof body.input !== "string" && !Array.isArray(body.input)) return sendInvalidType(res, "input", "one of a string or array of input items", body.input);
      const chatOnly = CHAT_ONLY_FIELDS.find((field) => field in body);
      if (chatOnly) return sendJson(res, 400, { error: { message: `Unknown parameter: '${chatOnly}'.`, type: "invalid_request_error", param: chatOnly, code: "unknown_parameter" } });
      const calls = toolCallsFor(body);
      return body.stream === true ? streamResponse(res, model, calls) : sendJson(res, 200, responseObject(newId(), model, "completed", calls));
    }
    if (req.method === "POST" && path.endsWith("embeddings")) {
      if (!body) return sendError(res, 400, "invalid_request_error", "We could not parse the JSON body of your request.", null);
      return embeddings(res, body, model);
    }
    if (req.method === "POST" && path.endsWith("moderations")) {
      if (!body) return sendError(res, 400, "invalid_request_error", "We could not parse the JSON body of your request.", null);
      const input = body.input;
      if (typeof input !== "string" && !(Array.isArray(input) && input.every((item) => typeof item === "string"))) {
        return sendInvalidType(res, "input", "a string or an array of strings", input);
      }
      const texts = typeof input === "string" ? [input] : input;
      const json = JSON.stringify({ id: `modr-${newId()}`, model: model || "omni-moderation-latest", results: texts.map(moderationResult) });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(mode === "fake-malformed" ? json.slice(0, Math.floor(json.length / 2)) : json);
      return;
    }
    if (req.method === "GET" && path.endsWith("models")) {
      return sendJson(res, 200, {
        object: "list",
        data: ["gpt-4o-mini", "gpt-4o", "text-embedding-3-small"].map((id) => ({
          id,
          object: "model",
          created: 1_700_000_000,
          owned_by: "fake",
        })),
      });
    }
    return sendError(res, 404, "invalid_request_error", `Invalid URL (${req.method} ${url.pathname})`, null);
  }

  function usageJson() {
    const u = fake.usage;
    return {
      prompt_tokens: u.prompt_tokens,
      completion_tokens: u.completion_tokens,
      total_tokens: u.prompt_tokens + u.completion_tokens,
      prompt_tokens_details: { cached_tokens: u.cached_tokens, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    };
  }

  /** A Responses API `response` object; `output` and `usage` only once it is completed. */
  function responseObject(id: string, model: string, status: "in_progress" | "completed", calls: FakeToolCall[] = []) {
    const u = fake.usage;
    const done = status === "completed";
    return {
      id: `resp_${id}`,
      object: "response",
      created_at: Math.floor(Date.now() / 1000),
      status,
      error: null,
      incomplete_details: null,
      instructions: null,
      model,
      output: !done
        ? []
        : calls.length
          ? calls.map(functionCallItem)
          : [
            {
              type: "message",
              id: `msg_${id}`,
              status: "completed",
              role: "assistant",
              content: [{ type: "output_text", text: fake.content, annotations: [], logprobs: [] }],
            },
          ],
      parallel_tool_calls: true,
      tool_choice: "auto",
      tools: [],
      usage: done
        ? {
            input_tokens: u.prompt_tokens,
            input_tokens_details: { cached_tokens: u.cached_tokens },
            output_tokens: u.completion_tokens,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: u.prompt_tokens + u.completion_tokens,
          }
        : null,
    };
  }

  /**
   * The Responses API's named events for one text message, a word per delta, or for function calls,
   * their arguments in two deltas each; usage in response.completed.
   */
  function streamResponse(res: ServerResponse, model: string, calls: FakeToolCall[]) {
    const id = newId();
    const itemId = `msg_${id}`;
    let sequence = 0;
    const send = (type: string, fields: Record<string, unknown>) =>
      res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...fields })}\n\n`);
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
    send("response.created", { response: responseObject(id, model, "in_progress") });
    send("response.in_progress", { response: responseObject(id, model, "in_progress") });
    if (calls.length) {
      for (const [outputIndex, call] of calls.entries()) {
        const done = functionCallItem(call);
        send("response.output_item.added", { output_index: outputIndex, item: { ...done, arguments: "", status: "in_progress" } });
        const args = call.function.arguments;
        for (const delta of [args.slice(0, Math.ceil(args.length / 2)), args.slice(Math.ceil(args.length / 2))]) {
          send("response.function_call_arguments.delta", { item_id: done.id, output_index: outputIndex, delta });
        }
        send("response.function_call_arguments.done", { item_id: done.id, output_index: outputIndex, arguments: args });
        send("response.output_item.done", { output_index: outputIndex, item: done });
      }
      send("response.completed", { response: responseObject(id, model, "completed", calls) });
      res.end();
      return;
    }
    const item = { type: "message", id: itemId, status: "in_progress", role: "assistant", content: [] };
    send("response.output_item.added", { output_index: 0, item });
    const part = { type: "output_text", text: "", annotations: [], logprobs: [] };
    send("response.content_part.added", { item_id: itemId, output_index: 0, content_index: 0, part });
    fake.content.split(/(?<= )/).forEach((delta) => {
      send("response.output_text.delta", { item_id: itemId, output_index: 0, content_index: 0, delta, logprobs: [] });
    });
    send("response.output_text.done", { item_id: itemId, output_index: 0, content_index: 0, text: fake.content, logprobs: [] });
    const whole = responseObject(id, model, "completed");
    send("response.content_part.done", { item_id: itemId, output_index: 0, content_index: 0, part: { ...part, text: fake.content } });
    send("response.output_item.done", { output_index: 0, item: whole.output[0] });
    send("response.completed", { response: whole });
    res.end();
  }

  async function completion(res: ServerResponse, released: Promise<void>, model: string, mode: string, calls: FakeToolCall[], text: string) {
    const id = newId();
    const json = JSON.stringify({
      id,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [
        {
          index: 0,
          message: calls.length
            ? { role: "assistant", content: null, refusal: null, annotations: [], tool_calls: calls }
            : { role: "assistant", content: text, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: calls.length ? "tool_calls" : "stop",
        },
      ],
      usage: usageJson(),
      service_tier: "default",
      system_fingerprint: "fp_fake",
    });
    if (mode === "fake-malformed") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(json.slice(0, Math.floor(json.length / 2)));
      return;
    }
    if (mode.startsWith("fake-reset-")) {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(json)) });
      await writeThenReset(res, json.slice(0, Math.floor(json.length / 2)));
      return;
    }
    if (mode === "fake-drop") {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(json)) });
      res.write(json.slice(0, Math.floor(json.length / 2)));
      await released;
      res.destroy();
      return;
    }
    sendJson(res, 200, JSON.parse(json), { "x-request-id": `req_${id}`, "openai-processing-ms": "12" });
  }

  async function streamCompletion(
    res: ServerResponse,
    request: FakeRequest,
    released: Promise<void>,
    body: Record<string, unknown>,
    model: string,
    mode: string,
  ) {
    const streamOptions = body.stream_options as { include_usage?: unknown } | undefined;
    const includeUsage = streamOptions?.include_usage === true && mode !== "fake-no-usage";
    const id = newId();
    const created = Math.floor(Date.now() / 1000);

    let settle!: (o: StreamOutcome) => void;
    const ended = new Promise<StreamOutcome>((resolve) => (settle = resolve));
    const rec: StreamRecord = {
      request,
      eventsSent: 0,
      finished: false,
      outcome: undefined,
      ended,
      release: () => request.release(),
    };
    const end = (o: StreamOutcome) => {
      if (rec.outcome) return;
      rec.outcome = o;
      settle(o);
    };
    res.on("close", () => end(rec.finished ? "finished" : "client-closed"));
    recordStream(rec);

    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-request-id": `req_${id}`,
    });
    res.flushHeaders();

    const chunk = (delta: Record<string, unknown>, finishReason: string | null) => ({
      id,
      object: "chat.completion.chunk",
      created,
      model,
      service_tier: "default",
      system_fingerprint: "fp_fake",
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      // OpenAI puts `usage: null` on every chunk but the last when usage was asked for.
      ...(includeUsage ? { usage: null } : {}),
    });
    const resetAfter = /^fake-reset-(\d+)$/.exec(mode)?.[1];
    const write = (data: string) =>
      new Promise<boolean>((resolve) => {
        if (res.destroyed || res.writableEnded) return resolve(false);
        res.write(`data: ${data}\n\n`, (err) => {
          if (!err) rec.eventsSent++;
          resolve(!err);
        });
      });
    /** Writes one event; false when the response is over (the client left, or the fake cut it here). */
    const send = async (data: string) => {
      if (!(await write(data))) return false;
      if (rec.eventsSent !== Number(resetAfter)) return true;
      end("dropped");
      await writeThenReset(res, `data: {"id":"${id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"cut`);
      return false;
    };

    let words = answerText(body, fake.content).split(/(?<= )/);
    let intervalMs = 0;
    if (mode.startsWith("fake-slow")) {
      const custom = /^fake-slow-(\d+)-(\d+)$/.exec(mode);
      const events = custom ? Number(custom[1]) : fake.slow.events;
      intervalMs = custom ? Number(custom[2]) : fake.slow.intervalMs;
      words = Array.from({ length: events }, (_, i) => `word${i} `);
    }

    if (!(await send(JSON.stringify(chunk({ role: "assistant", content: "", refusal: null }, null))))) return;
    const calls = toolCallsFor(body);
    if (calls.length) words = [];
    for (const [index, call] of calls.entries()) {
      const { id: callId, type, function: fn } = call;
      const half = Math.ceil(fn.arguments.length / 2);
      if (!(await send(JSON.stringify(chunk({ tool_calls: [{ index, id: callId, type, function: { name: fn.name, arguments: "" } }] }, null))))) return;
      for (const piece of [fn.arguments.slice(0, half), fn.arguments.slice(half)]) {
        if (!(await send(JSON.stringify(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }, null))))) return;
      }
    }
    for (let i = 0; i < words.length; i++) {
      if (i > 0 && intervalMs > 0) await sleep(intervalMs);
      if (!(await send(JSON.stringify(chunk({ content: words[i] }, null))))) return;
      if (i === 0 && (mode === "fake-gated" || mode === "fake-drop")) {
        await Promise.race([released, ended]);
        if (rec.outcome) return;
      }
      if (i === 0 && mode === "fake-drop") {
        end("dropped");
        res.destroy();
        return;
      }
      if (i === 0 && mode === "fake-malformed") {
        if (!(await send('{"id":"' + id + '","object":"chat.completion.chunk","choices":[{"delta":{"content":'))) return;
      }
    }
    if (!(await send(JSON.stringify(chunk({}, calls.length ? "tool_calls" : "stop"))))) return;
    if (includeUsage) {
      const last = { id, object: "chat.completion.chunk", created, model, service_tier: "default", system_fingerprint: "fp_fake", choices: [], usage: usageJson() };
      if (!(await send(JSON.stringify(last)))) return;
    }
    if (!(await send("[DONE]"))) return;
    rec.finished = true;
    res.end();
  }

  function embeddings(res: ServerResponse, body: Record<string, unknown>, model: string) {
    const input = body.input;
    const inputs = Array.isArray(input) ? input : [input];
    if (input === undefined || inputs.length === 0) {
      return sendError(res, 400, "invalid_request_error", "'input' is a required property", "input");
    }
    const promptTokens = inputs.reduce<number>((n, s) => n + String(s).split(/\s+/).filter(Boolean).length, 0);
    sendJson(res, 200, {
      object: "list",
      data: inputs.map((s, index) => ({
        object: "embedding",
        index,
        embedding: Array.from({ length: 8 }, (_, i) => Number(Math.sin(index + i + String(s).length).toFixed(6))),
      })),
      model: model || "text-embedding-3-small",
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  fake.origin = `http://127.0.0.1:${port}`;
  fake.baseUrl = `${fake.origin}/v1`;
  return fake;
}

interface FakeToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** `content` cut before the first of the request's stop sequences it contains. */
function answerText(body: Record<string, unknown>, content: string): string {
  const stops = (Array.isArray(body.stop) ? body.stop : [body.stop]).filter((s): s is string => typeof s === "string" && s !== "");
  const cut = Math.min(...stops.map((s) => content.indexOf(s)).filter((i) => i >= 0));
  return Number.isFinite(cut) ? content.slice(0, cut) : content;
}

type FakeTool = { name?: unknown; parameters?: unknown; function?: { name?: unknown; parameters?: unknown } };

/**
 * The tool calls a Chat Completions or Responses request is answered with (see the header), or
 * none. Chat nests a tool's name and parameters under `function`, Responses does not; a tool result
 * last is a `tool` message (Chat) or a `function_call_output` item (Responses).
 */
function toolCallsFor(body: Record<string, unknown>): FakeToolCall[] {
  const tools = Array.isArray(body.tools) ? (body.tools as FakeTool[]).map((t) => t.function ?? t) : [];
  const turns = (Array.isArray(body.messages) ? body.messages : Array.isArray(body.input) ? body.input : []) as { role?: unknown; type?: unknown }[];
  const last = turns.at(-1);
  if (tools.length === 0 || body.tool_choice === "none" || last?.role === "tool" || last?.type === "function_call_output") return [];
  const choice = body.tool_choice as FakeTool | undefined;
  const named = typeof choice === "object" && choice !== null ? (choice.function ?? choice).name : undefined;
  let offered = tools.filter((t) => typeof t.name === "string" && (named === undefined || t.name === named));
  if (body.parallel_tool_calls === false) offered = offered.slice(0, 1);
  return offered.map((t) => ({
    id: `call_${newId()}`,
    type: "function",
    function: { name: String(t.name), arguments: JSON.stringify(argumentsFor(t.parameters)) },
  }));
}

/** A Responses API function_call output item for a call. */
function functionCallItem(call: FakeToolCall) {
  return { type: "function_call", id: `fc_${call.id.slice("call_".length)}`, call_id: call.id, name: call.function.name, arguments: call.function.arguments, status: "completed" };
}

/** What a `fake-error-<status>` model gets: status, OpenAI's error body and headers. */
export function fakeErrorResponse(
  status: number,
  model: string,
): { status: number; body: { error: { message: string; type: string; param: null; code: string | null } }; headers: Record<string, string> } {
  const make = (type: string, message: string, code: string | null, headers: Record<string, string> = {}) => ({
    status,
    body: { error: { message, type, param: null, code } },
    headers,
  });
  switch (status) {
    case 401:
      return make("invalid_request_error", "Incorrect API key provided: sk-fake***. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_api_key");
    case 403:
      return make("invalid_request_error", "Project does not have access to this model.", "model_not_found");
    case 404:
      return make("invalid_request_error", `The model \`${model}\` does not exist or you do not have access to it.`, "model_not_found");
    case 429:
      return make(
        "requests",
        `Rate limit reached for ${model} in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.`,
        "rate_limit_exceeded",
        { "retry-after": "20", "x-ratelimit-limit-requests": "3", "x-ratelimit-remaining-requests": "0" },
      );
    case 500:
      return make("server_error", "The server had an error while processing your request. Sorry about that!", null);
    case 503:
      return make("server_error", "The engine is currently overloaded, please try again later.", null);
    default:
      return make("invalid_request_error", `fake error ${status}`, null);
  }
}

/**
 * Writes `partial`, then resets the connection. The reset waits until the kernel has taken the
 * bytes: on loopback they are then in the peer's receive queue, which it reads before the reset.
 */
async function writeThenReset(res: ServerResponse, partial: string): Promise<void> {
  await new Promise<void>((resolve) => res.write(partial, () => resolve()));
  res.socket?.resetAndDestroy();
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(json)),
    ...headers,
  });
  res.end(json);
}

function sendError(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  code: string | null,
  headers: Record<string, string> = {},
) {
  sendJson(res, status, { error: { message, type, param: null, code } }, headers);
}

/** OpenAI's 400 for a field of the wrong type, naming it in `param` as OpenAI does. */
/** OpenAI's moderation categories, in its order. */
const MODERATION_CATEGORIES = [
  "harassment",
  "harassment/threatening",
  "hate",
  "hate/threatening",
  "illicit",
  "illicit/violent",
  "self-harm",
  "self-harm/intent",
  "self-harm/instructions",
  "sexual",
  "sexual/minors",
  "violence",
  "violence/graphic",
];

/** One input's moderation result: the categories `FAKE_HARMS` finds in it flagged, the rest not. */
function moderationResult(text: string) {
  const found = new Set<string>(FAKE_HARMS.filter((harm) => harm.phrase.test(text)).flatMap((harm) => harm.openAi));
  const each = <T>(value: (category: string) => T) => Object.fromEntries(MODERATION_CATEGORIES.map((category) => [category, value(category)]));
  return {
    flagged: found.size > 0,
    categories: each((category) => found.has(category)),
    category_scores: each((category) => (found.has(category) ? 0.9 : 0.0001)),
    category_applied_input_types: each(() => ["text"]),
  };
}

function sendInvalidType(res: ServerResponse, param: string, expected: string, got: unknown) {
  const actual = got === undefined ? "nothing" : Array.isArray(got) ? "an array" : `a ${typeof got}`;
  const message = `Invalid type for '${param}': expected ${expected}, but got ${actual} instead.`;
  sendJson(res, 400, { error: { message, type: "invalid_request_error", param, code: "invalid_type" } });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

let counter = 0;
function newId(): string {
  counter++;
  return `chatcmpl-fake${Date.now().toString(36)}${counter.toString(36)}`;
}
