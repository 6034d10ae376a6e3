/**
 * The fake OpenAI-compatible upstream every contender is pointed at. Minimal on purpose: the
 * bench measures the gateways, so the upstream must cost as little CPU as possible.
 *
 *   tsx bench/upstream.ts <port> <delayMs>
 */
import http from "node:http";

const port = Number(process.argv[2] ?? 9100);
const delayMs = Number(process.argv[3] ?? 0);

const completion = (model: string) =>
  JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: "Hello from the bench upstream." }, finish_reason: "stop" }],
    usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
  });

function chunk(model: string, content: string): string {
  return `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"${model}","choices":[{"index":0,"delta":{"content":"${content}"},"finish_reason":null}]}\n\n`;
}

function stream(res: http.ServerResponse, model: string, events: number, gapMs: number, includeUsage: boolean) {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  let sent = 0;
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    res.write(chunk(model, `t${sent}`));
    if (++sent < events) return;
    clearInterval(timer);
    if (includeUsage) {
      res.write(`data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"${model}","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":${events},"total_tokens":${12 + events}}}\n\n`);
    }
    res.end("data: [DONE]\n\n");
  }, gapMs);
}

const server = http.createServer({ noDelay: true, keepAliveTimeout: 60_000 }, (req, res) => {
  const parts: Buffer[] = [];
  req.on("data", (p: Buffer) => parts.push(p));
  req.on("end", () => {
    let body: { model?: string; stream?: boolean; stream_options?: { include_usage?: boolean }; bench_events?: number; bench_gap_ms?: number } = {};
    try {
      body = JSON.parse(Buffer.concat(parts).toString() || "{}");
    } catch {
      // Non-JSON bodies get the default completion; the bench never sends them.
    }
    const model = body.model ?? "gpt-4o-mini";
    if (body.stream) return stream(res, model, body.bench_events ?? 64, body.bench_gap_ms ?? 20, !!body.stream_options?.include_usage);
    const send = () => {
      const payload = completion(model);
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
      res.end(payload);
    };
    if (delayMs > 0) setTimeout(send, delayMs);
    else send();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, "127.0.0.1", () => process.send?.("ready"));
