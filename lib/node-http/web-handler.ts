import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";

export type WebHandler = (request: Request) => Promise<Response>;

/**
 * Serves a `(Request) => Promise<Response>` handler on node:http. We keep our own instead of
 * @hono/node-server's: before sending headers it waits a timer tick for a second body chunk (to
 * compute content-length), which cost about 1 ms on every proxied response (npm run bench).
 * Here headers go out with the first chunk, or at once for a stream, and body writes follow the
 * socket's backpressure. A client that disconnects aborts `request.signal`.
 */
export function toNodeListener(handler: WebHandler, onError: (error: unknown) => Response) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const aborter = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) aborter.abort();
    });
    let response: Response;
    try {
      response = await handler(toRequest(req, aborter.signal));
    } catch (error) {
      response = onError(error);
    }
    await send(response, res);
  };
}

function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    duplex: "half",
    signal,
  } as RequestInit);
}

async function send(response: Response, res: ServerResponse): Promise<void> {
  const headers: string[] = [];
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers.push(name, value);
  });
  for (const cookie of response.headers.getSetCookie()) headers.push("set-cookie", cookie);
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  // A stream's headers must not wait for its first event; a sized body's go out with it.
  if (!response.headers.has("content-length")) res.flushHeaders();
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await drained(res);
      if (res.destroyed) {
        await reader.cancel();
        return;
      }
    }
    res.end();
  } catch (error) {
    res.destroy(error as Error);
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}
