import { readRequestBody } from "./body";
import { isBodySource, type BodySource, type GatewayRequest, type GatewayResponse } from "./contract";

/**
 * The gateway on WHATWG Request and Response, for Next's route handlers and the playground, which
 * hand the gateway a Request. server.ts's own path does without them (lib/node-http/gateway.ts).
 */
export function fromWebRequest(req: Request): GatewayRequest {
  const url = new URL(req.url);
  return {
    method: req.method,
    path: url.pathname,
    query: url.search,
    headers: req.headers,
    signal: req.signal,
    readBody: (limit) => readRequestBody(req, limit),
  };
}

/** `clientGone`: the request's signal, which also cancels a relayed body its reader stopped reading. */
export function toWebResponse({ status, headers: fields, body }: GatewayResponse, clientGone?: AbortSignal): Response {
  const headers = new Headers();
  for (const name in fields) {
    const value = fields[name]!;
    if (typeof value === "string") headers.append(name, value);
    else for (const item of value) headers.append(name, item);
  }
  if (isBodySource(body)) {
    // Neither the stream slot nor the log row may wait on a reader that will never read again.
    clientGone?.addEventListener("abort", () => body.cancel(), { once: true });
    return new Response(webStream(body), { status, headers });
  }
  return new Response((body ?? null) as BodyInit | null, { status, headers });
}

/** A relayed body as a web stream: written as the source reads it, paused while the reader has a chunk waiting. */
function webStream(source: BodySource): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      source.start({
        write(chunk) {
          controller.enqueue(chunk);
          return (controller.desiredSize ?? 1) > 0;
        },
        end: () => controller.close(),
        abort: (error) => controller.error(error),
      });
    },
    pull: () => source.resume(),
    cancel: () => source.cancel(),
  });
}
