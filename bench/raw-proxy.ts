/**
 * The baseline: the least a Node proxy can do. node:http in, undici Pool out, body piped both
 * ways, no parsing. Whatever Switchyard does beyond this is its own cost.
 *
 *   tsx bench/raw-proxy.ts <port> <upstreamOrigin>
 */
import http from "node:http";
import { Pool } from "undici";

const port = Number(process.argv[2] ?? 9200);
// No cap on connections: a stream holds its connection for its whole length and the bench opens up
// to 1,024 at once; a cap of 256 queued the rest, which then waited a whole stream for their turn.
const upstream = new Pool(process.argv[3] ?? "http://127.0.0.1:9100", { connections: null, pipelining: 1 });

const server = http.createServer({ noDelay: true, keepAliveTimeout: 60_000 }, async (req, res) => {
  try {
    const { statusCode, headers, body } = await upstream.request({
      method: req.method as "POST",
      path: req.url!.replace(/^\/raw/, ""),
      headers: {
        "content-type": req.headers["content-type"] ?? "application/json",
        authorization: req.headers.authorization ?? "",
        // The fake upstream's stream length and pace.
        "x-bench-events": req.headers["x-bench-events"] ?? "",
        "x-bench-gap-ms": req.headers["x-bench-gap-ms"] ?? "",
      },
      body: req,
    });
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) if (k !== "connection" && k !== "keep-alive" && typeof v === "string") out[k] = v;
    res.writeHead(statusCode, out);
    for await (const part of body) res.write(part);
    res.end();
  } catch {
    res.writeHead(502).end();
  }
});
server.keepAliveTimeout = 60_000;
// A backlog above node's default 511: the bench opens up to 1,024 connections at once.
server.listen(port, "127.0.0.1", 2048, () => process.send?.("ready"));
