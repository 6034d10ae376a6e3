/** Small HTTP helpers for talking to the gateway the way any client would: global fetch, real sockets. */

import { createServer } from "node:net";

export function chatBody(model: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model, messages: [{ role: "user", content: "Say hello." }], ...extra };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  init: RequestInit = {},
): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...init,
  });
}

/** Reads a JSON body, failing with the raw text when it is not JSON. */
export async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  const text = await res.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`expected JSON, got ${res.status}: ${text.slice(0, 500)}`);
  }
}

/**
 * Reads server-sent events one at a time as they arrive, so a test can act between events
 * (assert the upstream has not finished, abort, release a held stream).
 */
export class SseReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private buffer = "";
  /** Every `data:` payload read so far. */
  readonly events: string[] = [];

  constructor(res: Response) {
    if (!res.body) throw new Error("the response has no body");
    this.reader = res.body.getReader();
  }

  /** The next event's data, or undefined at the end of the stream. */
  async next(): Promise<string | undefined> {
    for (;;) {
      const boundary = this.buffer.search(/\r?\n\r?\n/);
      if (boundary >= 0) {
        const block = this.buffer.slice(0, boundary);
        this.buffer = this.buffer.slice(boundary).replace(/^\r?\n\r?\n/, "");
        const data = block
          .split(/\r?\n/)
          .filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).replace(/^ /, ""))
          .join("\n");
        if (!data) continue; // comments and keep-alives
        this.events.push(data);
        return data;
      }
      const { done, value } = await this.reader.read();
      if (done) {
        const rest = this.buffer.trim();
        this.buffer = "";
        if (rest.startsWith("data:")) {
          const data = rest.slice(5).trim();
          this.events.push(data);
          return data;
        }
        return undefined;
      }
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }

  /** Reads to the end and returns every event's data. */
  async rest(): Promise<string[]> {
    while ((await this.next()) !== undefined) {
      // keep reading
    }
    return this.events;
  }

  async cancel(): Promise<void> {
    await this.reader.cancel();
  }
}

/** Parsed JSON chunks of a finished Chat Completions stream, without the `[DONE]` sentinel. */
export function chunks(events: string[]): Array<Record<string, unknown>> {
  return events.filter((e) => e !== "[DONE]").map((e) => JSON.parse(e) as Record<string, unknown>);
}

export async function readSse(res: Response): Promise<string[]> {
  return new SseReader(res).rest();
}

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
