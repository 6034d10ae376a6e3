/**
 * The HTTP machinery the fake Anthropic and Gemini providers share: a node:http server on
 * 127.0.0.1 (port 0) that records every request it receives before a handler answers it, waiters
 * for tests, timers and sockets that `close()` cleans up, and the low-level writes (JSON, a write
 * followed by a TCP reset).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { isJsonObject, parseJsonObject } from "@/lib/formats/json";

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased names, as node:http gives them. */
  headers: IncomingHttpHeaders;
  /** The body as it arrived, byte for byte (binary uploads). */
  bytes: Buffer;
  rawBody: string;
  /** Parsed JSON body, or undefined when there is none or it is not a JSON object. */
  body: Record<string, unknown> | undefined;
  /** The fake behaviour picked for this request ("" for a normal answer). */
  mode: string;
  /** Settles when the response's connection is done with: `true` if the fake finished it, `false` if the socket closed first. */
  responded: Promise<boolean>;
}

export interface FakeServer<R extends RecordedRequest> {
  origin: string;
  requests: R[];
  waitForRequest(predicate?: (r: R) => boolean): Promise<R>;
  /** Waits `ms`, or until `close()`. */
  sleep(ms: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a server; `describe` turns each incoming request into the record to keep (it picks the
 * mode), `handle` answers it. A handler that throws before answering gets a bare 500.
 */
export async function startFakeServer<R extends RecordedRequest>(
  describe: (base: Omit<RecordedRequest, "mode">) => R,
  handle: (request: R, res: ServerResponse) => Promise<void> | void,
): Promise<FakeServer<R>> {
  const requests: R[] = [];
  const waiters: Array<{ predicate: (r: R) => boolean; resolve: (r: R) => void }> = [];
  const sockets = new Set<Socket>();
  const timers = new Map<NodeJS.Timeout, () => void>();

  const server = createServer({ noDelay: true, keepAlive: true }, (req, res) => {
    void receive(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: `fake provider failure: ${String(err)}` });
      else res.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function receive(req: IncomingMessage, res: ServerResponse) {
    const responded = new Promise<boolean>((resolve) => res.on("close", () => resolve(res.writableFinished)));
    const bytes = await readBody(req);
    const rawBody = bytes.toString("utf8");
    const url = new URL(req.url ?? "/", "http://fake.invalid");
    const request = describe({
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      bytes,
      rawBody,
      body: parseJsonObject(rawBody),
      responded,
    });
    requests.push(request);
    for (const w of [...waiters]) {
      if (w.predicate(request)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(request);
      }
    }
    await handle(request, res);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    waitForRequest(predicate = () => true) {
      const found = requests.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const done = () => {
          timers.delete(timer);
          resolve();
        };
        const timer = setTimeout(done, ms);
        timers.set(timer, done);
      }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const [timer, done] of timers) {
          clearTimeout(timer);
          done();
        }
        for (const s of sockets) s.destroy();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(json)), ...headers });
  res.end(json);
}

/** Writes `text`; false when the response is already over (the client went away). */
export function write(res: ServerResponse, text: string): Promise<boolean> {
  return new Promise((resolve) => {
    if (res.destroyed || res.writableEnded) return resolve(false);
    res.write(text, (err) => resolve(!err));
  });
}

/**
 * Writes `partial`, then resets the connection. The reset waits until the kernel has taken the
 * bytes: on loopback they are then in the peer's receive queue, which it reads before the reset.
 */
export async function writeThenReset(res: ServerResponse, partial: string): Promise<void> {
  await write(res, partial);
  res.socket?.resetAndDestroy();
}

/** The last `/`-separated segment of a model name, where the fakes read their mode. */
export function modelMode(model: string, modes: RegExp): string {
  const last = model.split("/").pop() ?? "";
  return modes.test(last) ? last : "";
}

/** Words of `text` with their trailing spaces, as streamed one per event. */
export function words(text: string): string[] {
  return text.split(/(?<= )/).filter(Boolean);
}

/** A deterministic value for each property a JSON schema declares, as a model's tool arguments. */
export function argumentsFor(schema: unknown): Record<string, unknown> {
  const properties = isJsonObject(schema) && isJsonObject(schema.properties) ? schema.properties : {};
  return Object.fromEntries(Object.entries(properties).map(([name, prop]) => [name, valueFor(name, prop)]));
}

function valueFor(name: string, schema: unknown): unknown {
  const type = isJsonObject(schema) ? String(schema.type ?? "string").toLowerCase() : "string";
  if (isJsonObject(schema) && Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (type === "integer" || type === "number") return 1;
  if (type === "boolean") return true;
  if (type === "array") return [];
  if (type === "object") return argumentsFor(schema);
  return `fake-${name}`;
}


function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
