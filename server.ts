import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { getRequestListener } from "@hono/node-server";
import next from "next";
import { database } from "@/db/client";
import { config, type Config } from "@/lib/config";
import { isGatewayPath } from "@/lib/gateway/paths";
import { processGateway, shutdownGateway } from "@/lib/gateway/process";

const rootDir = path.dirname(fileURLToPath(import.meta.url));

/** How long a shutdown waits for in-flight requests (streams included) before cutting them off. */
const SHUTDOWN_GRACE_MS = 10_000;

export interface RunningServer {
  url: string;
  /** Stops accepting, lets in-flight requests finish (up to a grace period) and flushes the gateway's logs. */
  close(): Promise<void>;
}

/**
 * Serves gateway paths straight from node:http through a thin Request/Response adapter and
 * everything else through Next, so the data plane pays for none of Next's routing.
 */
export async function startServer({ port, hostname }: { port: number; hostname?: string }): Promise<RunningServer> {
  // Next picks React's production runtime from NODE_ENV; a custom server has no `next start` to set it.
  (process.env as Record<string, string | undefined>).NODE_ENV ??= "production";

  const app = next({ dev: false, dir: rootDir });
  const [gateway] = await Promise.all([processGateway(), app.prepare()]);
  const handleNext = app.getRequestHandler();

  // Keep the real global Request/Response: Next runs in this process and relies on them.
  const handleGateway = getRequestListener((request) => gateway.handle(request), {
    overrideGlobalObjects: false,
    errorHandler: (error) => {
      console.error("gateway handler failed:", error);
      return Response.json({ error: { message: "Internal gateway error", type: "server_error" } }, { status: 500 });
    },
  });

  const server = createServer({ noDelay: true }, (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "/";
    const query = url.indexOf("?");
    if (isGatewayPath(query === -1 ? url : url.slice(0, query))) {
      void handleGateway(req, res);
      return;
    }
    handleNext(req, res).catch((error: unknown) => {
      console.error("next request handler failed:", error);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("Internal Server Error");
    });
  });
  // Outlive the 60 s idle timeout of common load balancers so they never reuse a socket we just closed.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });

  const { port: boundPort } = server.address() as AddressInfo;
  const urlHost = !hostname || hostname === "0.0.0.0" || hostname === "::" ? "localhost" : hostname;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost.includes(":") ? `[${urlHost}]` : urlHost}:${boundPort}`,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Keep-alive sockets turn idle between requests; close them as they do so the wait ends early.
        const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
        const deadline = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
        server.closeIdleConnections();
        await closed;
        clearInterval(idleSweep);
        clearTimeout(deadline);
        await shutdownGateway();
        await app.close();
      })();
      return closing;
    },
  };
}

function describeDatabase(cfg: Config): string {
  if (cfg.databaseDriver === "pglite") return `embedded PGlite at ${path.join(cfg.dataDir, "db")}`;
  const url = new URL(cfg.databaseUrl ?? "");
  const where = `${url.host}${url.pathname}`;
  return cfg.databaseDriver === "neon" ? `Neon at ${where}` : `Postgres at ${where}`;
}

/** Migrates, serves on PORT and shuts down gracefully on SIGINT/SIGTERM. */
export async function main(): Promise<void> {
  const cfg = config();
  const db = await database();
  const running = await startServer({ port: cfg.port });
  console.log(`Switchyard listening on ${running.url} (database: ${describeDatabase(cfg)})`);

  let stoppingSince: number | undefined;
  const stop = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      // One Ctrl+C arrives several times (from the terminal and relayed by npm); only a later one forces the exit.
      if (Date.now() - stoppingSince < 1_000) return;
      console.log(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stoppingSince = Date.now();
    console.log(`${signal} received: finishing in-flight requests, flushing logs…`);
    running
      .close()
      .then(() => db.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error("shutdown failed:", error);
          process.exit(1);
        },
      );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
