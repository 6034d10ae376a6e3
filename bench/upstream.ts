/**
 * The fake upstream every contender is pointed at: OpenAI's Chat Completions on any path, and
 * Anthropic's Messages API on POST /v1/messages (for the translated row). Minimal on purpose: the
 * bench measures the gateways, so the upstream must cost as little CPU as possible. It checks no
 * key and reads from the body only `model`, `stream` and `stream_options`.
 *
 * Bedrock's Converse API on POST /model/{id}/converse and /converse-stream (AWS's binary event
 * stream, frames encoded once at start) for the signed-passthrough and Converse-stream rows; the
 * signature is not checked, only the gateway's cost of making it is measured.
 *
 * A stream has `x-bench-events` text deltas (default 64) `x-bench-gap-ms` apart (default 20).
 * Headers, not body fields: a translating gateway refuses fields its format does not have, and
 * a proxy that drops them still gets the bench's own numbers.
 *
 *   tsx bench/upstream.ts <port> <delayMs>
 */
import http from "node:http";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";

const port = Number(process.argv[2] ?? 9100);
const delayMs = Number(process.argv[3] ?? 0);
const TEXT = "Hello from the bench upstream.";

interface Dialect {
  /** A whole answer. */
  answer(model: string): string;
  /** The SSE bytes of delta `i` of `events`: the first carries the stream's opening, the last its end. */
  event(model: string, i: number, events: number, includeUsage: boolean): string;
}

const openAiChat: Dialect = {
  answer: (model) =>
    JSON.stringify({
      id: "chatcmpl-bench",
      object: "chat.completion",
      created: 1_700_000_000,
      model,
      choices: [{ index: 0, message: { role: "assistant", content: TEXT }, finish_reason: "stop" }],
      usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
    }),
  event(model, i, events, includeUsage) {
    const head = `{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"${model}","choices":[`;
    let out = `data: ${head}{"index":0,"delta":{"content":" t${i}"},"finish_reason":null}]}\n\n`;
    if (i < events - 1) return out;
    if (includeUsage) out += `data: ${head}],"usage":{"prompt_tokens":12,"completion_tokens":${events},"total_tokens":${12 + events}}}\n\n`;
    return out + "data: [DONE]\n\n";
  },
};

/** Anthropic's Messages wire format: named events, usage in message_start and message_delta. */
const anthropicMessages: Dialect = {
  answer: (model) =>
    JSON.stringify({
      id: "msg_bench",
      type: "message",
      role: "assistant",
      model,
      content: [{ type: "text", text: TEXT }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 12, output_tokens: 7 },
    }),
  event(model, i, events) {
    let out = "";
    if (i === 0) {
      out +=
        `event: message_start\ndata: {"type":"message_start","message":{"id":"msg_bench","type":"message","role":"assistant","model":"${model}","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"output_tokens":1}}}\n\n` +
        `event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n`;
    }
    out += `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" t${i}"}}\n\n`;
    if (i < events - 1) return out;
    return (
      out +
      `event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n` +
      `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":${events}}}\n\n` +
      `event: message_stop\ndata: {"type":"message_stop"}\n\n`
    );
  },
};

const eventStream = new EventStreamCodec(toUtf8, fromUtf8);

function converseFrame(eventType: string, payload: unknown): Uint8Array {
  return eventStream.encode({
    headers: {
      ":event-type": { type: "string", value: eventType },
      ":content-type": { type: "string", value: "application/json" },
      ":message-type": { type: "string", value: "event" },
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

const CONVERSE_ANSWER = JSON.stringify({
  output: { message: { role: "assistant", content: [{ text: TEXT }] } },
  stopReason: "end_turn",
  usage: { inputTokens: 12, outputTokens: 7, totalTokens: 19 },
  metrics: { latencyMs: 1 },
});
const CONVERSE_START = converseFrame("messageStart", { role: "assistant" });
const converseDelta = (i: number) => converseFrame("contentBlockDelta", { contentBlockIndex: 0, delta: { text: ` t${i}` } });
const converseEnd = (events: number) =>
  Buffer.concat([
    converseFrame("contentBlockStop", { contentBlockIndex: 0 }),
    converseFrame("messageStop", { stopReason: "end_turn" }),
    converseFrame("metadata", { usage: { inputTokens: 12, outputTokens: events, totalTokens: 12 + events }, metrics: { latencyMs: 1 } }),
  ]);

/** Bedrock's Converse: the model is in the path, a stream is its own method. */
function converse(res: http.ServerResponse, method: string, headers: http.IncomingHttpHeaders) {
  if (method === "converse") {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(CONVERSE_ANSWER) });
    return res.end(CONVERSE_ANSWER);
  }
  const events = positive(headers["x-bench-events"], 64);
  res.writeHead(200, { "content-type": "application/vnd.amazon.eventstream" });
  res.write(CONVERSE_START);
  let sent = 0;
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    const delta = converseDelta(sent);
    if (++sent < events) return void res.write(delta);
    clearInterval(timer);
    res.end(Buffer.concat([delta, converseEnd(events)]));
  }, positive(headers["x-bench-gap-ms"], 20));
}

function stream(res: http.ServerResponse, dialect: Dialect, model: string, events: number, gapMs: number, includeUsage: boolean) {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  let sent = 0;
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    const bytes = dialect.event(model, sent, events, includeUsage);
    if (++sent < events) return void res.write(bytes);
    clearInterval(timer);
    res.end(bytes);
  }, gapMs);
}

function positive(value: string | string[] | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

const server = http.createServer({ noDelay: true, keepAliveTimeout: 60_000 }, (req, res) => {
  const parts: Buffer[] = [];
  req.on("data", (p: Buffer) => parts.push(p));
  req.on("end", () => {
    let body: { model?: string; stream?: boolean; stream_options?: { include_usage?: boolean } } = {};
    try {
      body = JSON.parse(Buffer.concat(parts).toString() || "{}");
    } catch {
      // Non-JSON bodies get the default answer; the bench never sends them.
    }
    const path = req.url?.split("?")[0] ?? "";
    const converseMethod = /^\/model\/[^/]+\/(converse|converse-stream)$/.exec(path)?.[1];
    if (converseMethod) return converse(res, converseMethod, req.headers);
    const anthropic = path === "/v1/messages";
    const dialect = anthropic ? anthropicMessages : openAiChat;
    const model = body.model ?? (anthropic ? "claude-haiku-4-5" : "gpt-4o-mini");
    if (body.stream) {
      const events = positive(req.headers["x-bench-events"], 64);
      return stream(res, dialect, model, events, positive(req.headers["x-bench-gap-ms"], 20), !!body.stream_options?.include_usage);
    }
    const send = () => {
      const payload = dialect.answer(model);
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
      res.end(payload);
    };
    if (delayMs > 0) setTimeout(send, delayMs);
    else send();
  });
});
server.keepAliveTimeout = 60_000;
// A backlog above node's default 511: the bench opens up to 1,024 connections at once.
server.listen(port, "127.0.0.1", 2048, () => process.send?.("ready"));
