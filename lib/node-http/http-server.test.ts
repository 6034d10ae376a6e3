import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import type { HttpLimits } from "@/lib/config";
import { createHttpServer } from "./http-server";

const LIMITS: HttpLimits = { maxHeaderBytes: 1024, headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 5_000 };

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A server that reads the whole body, then streams `events` events, one per 100 ms. */
async function start(events: number): Promise<number> {
  server = createHttpServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      let sent = 0;
      const timer = setInterval(() => {
        res.write(`data: ${sent++}\n\n`);
        if (sent === events) {
          clearInterval(timer);
          res.end();
        }
      }, 100);
    });
  }, LIMITS);
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return (server!.address() as AddressInfo).port;
}

/** Writes `bytes` on a raw socket and reads until the server closes it. */
function exchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(bytes));
    let received = "";
    socket.on("data", (chunk) => (received += chunk.toString("latin1")));
    socket.on("error", reject);
    socket.on("close", () => resolve(received));
  });
}

function parse(raw: string): { status: number; headers: string; body: { error: { message: string; type: string } } } {
  const [head = "", body = ""] = raw.split("\r\n\r\n");
  return { status: Number(head.split(" ")[1]), headers: head.toLowerCase(), body: JSON.parse(body) as never };
}

describe("createHttpServer", () => {
  it("answers headers over the limit with 431 naming the limit and its setting, then closes", async () => {
    const port = await start(1);
    const answer = parse(await exchange(port, `GET / HTTP/1.1\r\nHost: x\r\nx-big: ${"a".repeat(2_000)}\r\n\r\n`));
    expect(answer.status).toBe(431);
    expect(answer.headers).toContain("connection: close");
    expect(answer.body.error.message).toContain("1024");
    expect(answer.body.error.message).toContain("SWITCHYARD_MAX_HEADER_BYTES");
    expect(answer.body.error.type).toBe("invalid_request_error");
  });

  it("answers bad framing with 400 and the parser's reason", async () => {
    const port = await start(1);
    const answer = parse(await exchange(port, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"));
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^Malformed request: /);
  });

  it("answers a client too slow with its headers, or with its body, with 408", async () => {
    const port = await start(1);
    expect(parse(await exchange(port, "GET / HTTP/1.1\r\nHost: x\r\n")).status).toBe(408);
    expect(parse(await exchange(port, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab")).status).toBe(408);
  });

  it("lets a response stream longer than the request timeout once the request is in", async () => {
    const port = await start(15);
    const res = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "x" });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text.match(/^data: /gm)).toHaveLength(15);
  });
});
