import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import type { Database } from "@/db/client";
import type { MasterKeyring } from "@/lib/crypto/master-keys";
import { createGateway } from "@/lib/gateway";
import { isGatewayPath } from "@/lib/gateway/paths";
import { LogQueue } from "@/lib/logs/queue";
import { writeLogBatch } from "@/lib/logs/writer";
import { testKeyring } from "./keyring";

export interface GatewayServer {
  /** `http://127.0.0.1:{port}`, without a trailing slash. */
  url: string;
  logs: LogQueue;
  /** Writes every log event enqueued so far. */
  flushLogs(): Promise<void>;
  close(): Promise<void>;
}

export interface GatewayServerOptions {
  db: Database;
  /** The fake providers listen on 127.0.0.1, so tests allow private upstreams unless they test the guard. */
  allowPrivateUpstreams?: boolean;
  maxBodyBytes?: number;
  keyring?: MasterKeyring;
}

/**
 * The real gateway behind a real node:http server, mounted the way server.ts mounts it: gateway
 * paths go through @hono/node-server's adapter to `createGateway(…).handle`; everything else
 * (Next's, in production) is a 404 here.
 */
export async function startGatewayServer({
  db,
  allowPrivateUpstreams = true,
  maxBodyBytes = 1024 * 1024,
  keyring = testKeyring,
}: GatewayServerOptions): Promise<GatewayServer> {
  const logs = new LogQueue({ write: (events) => writeLogBatch(db, events) });
  const gateway = createGateway({ db, logs, keyring, allowPrivateUpstreams, maxBodyBytes });
  const handleGateway = getRequestListener((request) => gateway.handle(request), {
    overrideGlobalObjects: false,
    errorHandler: (error) => {
      console.error("gateway handler failed:", error);
      return Response.json({ error: { message: "Internal gateway error", type: "server_error" } }, { status: 500 });
    },
  });
  const server = createServer({ noDelay: true }, (req, res) => {
    const url = req.url ?? "/";
    const query = url.indexOf("?");
    if (isGatewayPath(query === -1 ? url : url.slice(0, query))) {
      void handleGateway(req, res);
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not a gateway path");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    logs,
    flushLogs: () => logs.flush(),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      await gateway.close();
      await logs.close();
    },
  };
}
