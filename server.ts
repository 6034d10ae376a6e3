import cluster, { type Worker } from "node:cluster";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { database, openDatabase } from "@/db/client";
import { config, type Config } from "@/lib/config";
import { errorLine } from "@/lib/error-line";
import { startLogMaintenance } from "@/lib/logs/maintenance";
import { MethodNotAllowedError, renderOpenAiError, type GatewayError } from "@/lib/gateway/errors";
import { isGatewayPath } from "@/lib/gateway/paths";
import { processGateway, processMetrics, shutdownGateway } from "@/lib/gateway/process";
import { clusterMetrics, relayClusterMetrics } from "@/lib/metrics/cluster";
import { createHttpServer } from "@/lib/node-http/http-server";
import { lazyHandler } from "@/lib/node-http/lazy-handler";
import { requestLineRefusal } from "@/lib/node-http/request-target";
import { serveGateway, type GatewayServe } from "@/lib/node-http/gateway";
import { METRICS_PATH, metricsHandler } from "@/lib/metrics/http";
import { HEALTH_PATH, serveHealth } from "@/lib/health/health";

const rootDir = path.dirname(fileURLToPath(import.meta.url));

/** How long a shutdown waits for in-flight requests (streams included) before cutting them off. */
const SHUTDOWN_GRACE_MS = 10_000;

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface RunningServer {
  url: string;
  /** Stops accepting, lets in-flight requests finish (up to a grace period) and flushes the gateway's logs. */
  close(): Promise<void>;
}

/**
 * Routes each request: gateway paths straight to the gateway core on node:http (the data plane
 * pays for none of Next's routing, nor for WHATWG Request and Response), `/metrics` to the metrics
 * endpoint, `/api/health` to the health check, everything else to Next.
 */
export function createRequestListener(handlers: { gateway: GatewayServe; metrics: NodeHandler; health: NodeHandler; next: NodeHandler }): NodeHandler {
  return (req, res) => {
    const refusal = requestLineRefusal(req);
    if (refusal) {
      refuse(res, refusal);
      return;
    }
    const pathname = pathOf(req.url);
    if (isGatewayPath(pathname)) {
      serveGateway(handlers.gateway, req, res);
    } else if (pathname === METRICS_PATH) {
      handlers.metrics(req, res);
    } else if (pathname === HEALTH_PATH) {
      handlers.health(req, res);
    } else {
      handlers.next(req, res);
    }
  };
}

/** A refusal before any handler, in OpenAI's error shape whatever the path: gateway clients read it, and so do people. */
function refuse(res: ServerResponse, refusal: GatewayError): void {
  const body = renderOpenAiError(refusal);
  const headers: Record<string, string | number> = { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
  if (refusal instanceof MethodNotAllowedError) headers.allow = refusal.allow;
  res.writeHead(refusal.httpCode, headers).end(body);
}

/** Serves gateway paths, `/metrics` and, through Next, everything else on one node:http server. */
export async function startServer({ port, hostname }: { port: number; hostname?: string }): Promise<RunningServer> {
  // Next picks React's production runtime from NODE_ENV; a custom server has no `next start` to set it.
  (process.env as Record<string, string | undefined>).NODE_ENV ??= "production";

  // Next is loaded by the first request for it: a process that only serves the gateway and
  // /metrics (a cluster worker behind a dashboard elsewhere, a benchmark) never holds it in memory.
  const nextApp = lazyHandler("the dashboard (Next.js)", async () => {
    const { default: next } = await import("next");
    // Without its own port and host, Next builds request.url and redirects on localhost:3000.
    const app = next({ dev: false, dir: rootDir, port, hostname: hostname ?? "localhost" });
    try {
      await app.prepare();
    } catch (error) {
      // The next request prepares a new one; this one must not keep what it had opened.
      await app.close().catch(() => undefined);
      throw error;
    }
    const handleNext = app.getRequestHandler();
    return {
      handle: (req, res) => {
        handleNext(req, res).catch((error: unknown) => {
          console.error(`next request handler failed (${req.method} ${pathOf(req.url)}): ${errorLine(error)}`);
          if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
          res.end("Internal Server Error");
        });
      },
      close: () => app.close(),
    };
  });
  const gateway = await processGateway();

  const listener = createRequestListener({
    gateway: (request) => gateway.serve(request),
    // A scrape hits one worker; in a cluster that worker gathers every worker's metrics.
    metrics: metricsHandler(config().metricsToken, cluster.isWorker ? clusterMetrics(processMetrics) : processMetrics),
    health: serveHealth,
    next: nextApp.handle,
  });
  const server = createHttpServer(listener, config().http);

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });

  const { port: boundPort } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: serverUrl(hostname, boundPort),
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
        await nextApp.close();
      })();
      return closing;
    },
  };
}

/** The request target without its query, which may carry secrets and is no part of routing. */
function pathOf(url: string | undefined): string {
  const target = url ?? "/";
  const query = target.indexOf("?");
  return query === -1 ? target : target.slice(0, query);
}

function serverUrl(hostname: string | null | undefined, port: number): string {
  const host = !hostname || hostname === "0.0.0.0" || hostname === "::" ? "localhost" : hostname;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

function describeDatabase(cfg: Config): string {
  if (cfg.databaseDriver === "pglite") return `embedded PGlite at ${path.join(cfg.dataDir, "db")}`;
  const url = new URL(cfg.databaseUrl ?? "");
  const where = `${url.host}${url.pathname}`;
  return cfg.databaseDriver === "neon" ? `Neon at ${where}` : `Postgres at ${where}`;
}

/**
 * Calls `stop` on the first SIGINT/SIGTERM. One Ctrl+C arrives several times (from the terminal and
 * relayed by npm), so only a signal more than a second after the first calls `force`.
 */
function onStopSignals(stop: (reason: string) => void, force: (signal: NodeJS.Signals) => void): (reason: string) => void {
  let stoppingSince: number | undefined;
  const once = (reason: string) => {
    if (stoppingSince !== undefined) return;
    stoppingSince = Date.now();
    stop(reason);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince >= 1_000) force(signal);
      return;
    }
    once(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return once;
}

/**
 * One serving process: the whole server without a cluster, or one cluster worker. Shuts down
 * gracefully on SIGINT/SIGTERM: in-flight requests finish, queued log rows are written, the
 * database is closed, the exit code is 0.
 */
async function serveProcess(cfg: Config): Promise<void> {
  const worker = cluster.isWorker;
  const handle = await database();
  const started = startServer({ port: cfg.port });
  // Every worker runs it; the lock inside lets one instance at a time do the work.
  const maintenance = startLogMaintenance(handle);
  onStopSignals(
    (reason) => {
      // In a cluster the primary reports the shutdown once for every worker.
      if (!worker) console.log(`${reason} received: finishing in-flight requests, flushing logs…`);
      started
        .then((running) => running.close())
        .then(() => maintenance.stop())
        .then(() => handle.close())
        .then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(`shutdown failed: ${errorLine(error)}`);
            process.exit(1);
          },
        );
    },
    (signal) => {
      if (!worker) console.log(`${signal} again: exiting without waiting`);
      process.exit(1);
    },
  );
  let running: RunningServer;
  try {
    running = await started;
  } catch (error) {
    // Exit explicitly: what did start (the database, the gateway's timers) would keep the process alive.
    console.error(`Switchyard could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  if (!worker) console.log(`Switchyard listening on ${running.url} (database: ${describeDatabase(cfg)})`);
}

/**
 * The cluster primary: migrates once, forks the workers (which share the port; node:cluster hands
 * them connections), replaces a worker that dies, relays /metrics scrapes, and on SIGINT/SIGTERM
 * sends every worker SIGTERM, which it handles gracefully, exiting 0 once all of them did.
 */
async function runPrimary(cfg: Config, count: number): Promise<void> {
  const migrator = await openDatabase({ driver: cfg.databaseDriver, url: cfg.databaseUrl });
  try {
    await migrator.migrate();
  } finally {
    await migrator.close();
  }

  const stopRelay = relayClusterMetrics();
  const live = new Map<number, Worker>();
  const served = new Set<number>();
  let stopping = false;
  let clean = true;

  const fork = () => {
    const worker = cluster.fork();
    live.set(worker.id, worker);
  };
  const finishIfDone = () => {
    if (!stopping || live.size > 0) return;
    stopRelay();
    process.exit(clean ? 0 : 1);
  };
  const stop = onStopSignals(
    (reason) => {
      stopping = true;
      if (reason !== "failure") console.log(`${reason} received: stopping ${live.size} workers (finishing in-flight requests, flushing logs)…`);
      // A signal, not a message: a worker still starting up has no listener yet, and dies of it cleanly.
      for (const worker of live.values()) worker.process.kill("SIGTERM");
      finishIfDone();
    },
    (signal) => {
      console.log(`${signal} again: exiting without waiting`);
      for (const worker of live.values()) worker.process.kill("SIGKILL");
      process.exit(1);
    },
  );

  cluster.on("listening", (worker, address) => {
    if (served.has(worker.id)) return;
    served.add(worker.id);
    if (served.size === count) {
      console.log(`Switchyard listening on ${serverUrl(address.address, address.port)} (database: ${describeDatabase(cfg)}; ${count} workers)`);
    }
  });
  cluster.on("exit", (worker, code, signal) => {
    live.delete(worker.id);
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (stopping) {
      // Killed by the stop signal itself means it was still starting up, with nothing to flush.
      if (code !== 0 && signal !== "SIGTERM" && signal !== "SIGINT") {
        clean = false;
        console.error(`worker ${worker.process.pid} exited with ${how}`);
      }
      finishIfDone();
    } else if (!served.has(worker.id)) {
      // It failed before serving (port taken, database unreachable): the next one would too.
      console.error(`worker ${worker.process.pid} exited with ${how} before it started serving; stopping`);
      clean = false;
      stop("failure");
    } else {
      console.error(`worker ${worker.process.pid} exited with ${how}; starting a new one`);
      fork();
    }
  });

  for (let i = 0; i < count; i++) fork();
}

/**
 * `npm start`'s server: `WORKERS` processes on a Postgres database (node:cluster, sharing the port),
 * one on the embedded PGlite database, which is single-process.
 */
export async function main(): Promise<void> {
  const cfg = config();
  if (cluster.isWorker) return serveProcess(cfg);
  if (cfg.databaseDriver === "pglite" && cfg.workers > 1) {
    console.log(`embedded database: running 1 worker; set DATABASE_URL to a Postgres server to use ${cfg.workers} cores`);
  }
  if (cfg.databaseDriver === "pglite" || cfg.workers === 1) return serveProcess(cfg);
  return runPrimary(cfg, cfg.workers);
}
