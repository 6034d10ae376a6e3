import type { IncomingMessage, ServerResponse } from "node:http";

export type WebHandler = (request: Request) => Promise<Response>;

/** `request`: node's request could not be made a Request (the client's fault); `handler`: the handler threw. */
export type FailurePhase = "request" | "handler";

/**
 * Serves a `(Request) => Promise<Response>` handler on node:http. We keep our own instead of
 * @hono/node-server's: before sending headers it waits a timer tick for a second body chunk (to
 * compute content-length), which cost about 1 ms on every proxied response (npm run bench).
 * Here headers go out with the first chunk, or at once for a stream, and body writes follow the
 * socket's backpressure. A client that disconnects aborts `request.signal`.
 */
export function toNodeListener(handler: WebHandler, onError: (error: unknown, phase: FailurePhase) => Response) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const aborter = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) aborter.abort();
    });
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : requestBody(req);
    let request: Request;
    try {
      request = toRequest(req, body?.stream, aborter.signal);
    } catch (error) {
      await send(onError(error, "request"), res);
      body?.discardRest();
      return;
    }
    let response: Response;
    try {
      response = await handler(request);
    } catch (error) {
      response = onError(error, "handler");
    }
    await send(response, res);
    body?.discardRest();
  };
}

function toRequest(req: IncomingMessage, body: ReadableStream<Uint8Array> | undefined, signal: AbortSignal): Request {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
    method: req.method,
    headers,
    body,
    duplex: "half",
    signal,
  } as RequestInit);
}

/**
 * The request body as a web stream, read from the socket as the handler pulls. Unlike
 * `Readable.toWeb`, what the handler left unread once it answered (a body refused by its declared
 * size, or never looked at) can be discarded: read off the wire and dropped, as node does for its
 * own handlers. Left paused, it would stall the keep-alive connection: the next request on it is
 * never read.
 */
function requestBody(req: IncomingMessage): { stream: ReadableStream<Uint8Array>; discardRest(): void } {
  let open = true;
  let onData: (chunk: Buffer) => void = () => {};
  const discardRest = () => {
    if (!open) return;
    open = false;
    req.off("data", onData);
    req.resume();
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      onData = (chunk) => {
        controller.enqueue(chunk);
        if ((controller.desiredSize ?? 1) <= 0) req.pause();
      };
      req.on("data", onData);
      req.once("end", () => {
        if (!open) return;
        open = false;
        controller.close();
      });
      req.on("error", (error) => {
        if (!open) return;
        open = false;
        controller.error(error);
      });
    },
    pull() {
      req.resume();
    },
    cancel: discardRest,
  });
  return { stream, discardRest };
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
      // A client gone before or while the body was read: nothing more may be written to it.
      if (res.destroyed) {
        await reader.cancel();
        return;
      }
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.destroyed && !res.write(value)) await drained(res);
    }
    res.end();
  } catch (error) {
    res.destroy(error as Error);
  }
}

function drained(res: ServerResponse): Promise<void> {
  // Its `close` has already been emitted; waiting for it would never end.
  if (res.destroyed) return Promise.resolve();
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
