import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { GatewayRequest, GatewayResponse } from "@/lib/gateway/contract";
import { GatewayError } from "@/lib/gateway/errors";
import { countingBodySource } from "@/lib/gateway/testing";
import { serveGateway, type GatewayServe } from "./gateway";

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function listen(serve: GatewayServe): Promise<number> {
  server = createServer((req, res) => serveGateway(serve, req, res));
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** A relayed body of `total` bytes in 64 KiB chunks, written as fast as the sink takes it. */
const relayed = (total: number) => countingBodySource(total, 64 * 1024);

const until = async (done: () => boolean) => {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(done()).toBe(true);
};

describe("serveGateway", () => {
  it("relays a body at the client's pace: it waits while the socket is full and goes on when it drains", async () => {
    const total = 16 * 1024 * 1024;
    const { state, source } = relayed(total);
    const port = await listen(async () => ({ status: 200, headers: { "content-type": "application/octet-stream" }, body: source }));
    let received = 0;
    const ended = new Promise<void>((resolve, reject) => {
      request({ port, host: "127.0.0.1", path: "/v1/t/g/openai/x" }, (res) => {
        res.pause();
        // Not read for a while: the source must stop well short of the whole body.
        void until(() => state.pauses > 0).then(() => {
          expect(state.written).toBeLessThan(total);
          res.on("data", (chunk: Buffer) => (received += chunk.byteLength));
          res.on("end", resolve);
          res.resume();
        }, reject);
      })
        .on("error", reject)
        .end();
    });
    await ended;
    expect(received).toBe(total);
    expect(state.resumes).toBeGreaterThan(0);
  });

  it("aborts the request's signal and cancels the relayed body when the client leaves", async () => {
    const { state, source } = relayed(64 * 1024 * 1024);
    let signal: AbortSignal | undefined;
    const port = await listen(async (req) => {
      signal = req.signal;
      return { status: 200, headers: {}, body: source };
    });
    await new Promise<void>((resolve) => {
      const req = request({ port, host: "127.0.0.1", path: "/v1/t/g/openai/x" }, (res) => {
        res.once("data", () => {
          req.destroy();
          resolve();
        });
      });
      req.on("error", () => {});
      req.end();
    });
    await until(() => state.cancelled && signal?.aborted === true);
  });

  it("reads the body, and refuses one that grows past the limit while the connection keeps serving", async () => {
    const limit = 1024;
    const port = await listen(async (req: GatewayRequest): Promise<GatewayResponse> => {
      try {
        const body = await req.readBody(limit);
        return { status: 200, headers: {}, body: `read ${body?.byteLength ?? 0} ${req.path} ${req.query}` };
      } catch (error) {
        return { status: (error as GatewayError).httpCode, headers: {}, body: "refused" };
      }
    });
    const chunked = (size: number) => `${size.toString(16)}\r\n${"x".repeat(size)}\r\n`;
    const raw =
      // Chunked, so only reading it tells its size.
      `POST /v1/a?x=1 HTTP/1.1\r\nHost: h\r\ntransfer-encoding: chunked\r\n\r\n${chunked(800)}${chunked(800)}${chunked(800)}0\r\n\r\n` +
      `POST /v1/b HTTP/1.1\r\nHost: h\r\ncontent-length: 5\r\n\r\nhello` +
      `GET /v1/c HTTP/1.1\r\nHost: h\r\nconnection: close\r\n\r\n`;
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => socket.write(raw));
      let out = "";
      socket.on("data", (chunk: Buffer) => (out += chunk.toString()));
      socket.on("end", () => resolve(out));
      socket.on("error", reject);
    });
    expect(text.match(/HTTP\/1\.1 \d{3}/g)).toEqual(["HTTP/1.1 413", "HTTP/1.1 200", "HTTP/1.1 200"]);
    expect(text).toContain("read 5 /v1/b ");
    expect(text).toContain("read 0 /v1/c ");
  });
});
