import type { IncomingMessage, ServerResponse } from "node:http";
import { errorLine } from "@/lib/error-line";

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** A request handler that holds resources until closed. */
export interface LoadedHandler {
  handle: NodeHandler;
  close(): Promise<void>;
}

export interface LazyHandler {
  handle: NodeHandler;
  /** Closes the handler if it was loaded (waiting for a load under way); loads nothing. */
  close(): Promise<void>;
}

/**
 * A handler loaded by its first request instead of at start, so a process that never gets such a
 * request never pays for it. Requests that arrive while it loads wait for that one load. A load
 * that fails is logged once, answers its waiting requests 500 and is tried again by the next request.
 */
export function lazyHandler(what: string, load: () => Promise<LoadedHandler>): LazyHandler {
  let loading: Promise<LoadedHandler> | undefined;
  const loaded = () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      console.error(`${what} could not start: ${errorLine(error)}`);
      throw error;
    }));

  return {
    handle(req, res) {
      loaded().then(
        (handler) => handler.handle(req, res),
        () => {
          if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
          res.end(`${what} could not start; the server's log says why.\n`);
        },
      );
    },
    async close() {
      if (!loading) return;
      // A load that failed was already reported, and left nothing to close.
      const handler = await loading.catch(() => undefined);
      await handler?.close();
    },
  };
}
