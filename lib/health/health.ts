import type { IncomingMessage, ServerResponse } from "node:http";
import { sql } from "drizzle-orm";
import { database, describeDatabaseError, type Database } from "@/db/client";
import { processGatewayLogs } from "@/lib/gateway/process";
import { apiSecurityHeaders } from "@/lib/security-headers";

/** How long the database gets to answer `select 1` before it counts as degraded; load balancers probe every few seconds. */
export const DATABASE_PROBE_TIMEOUT_MS = 1_500;

export interface HealthReport {
  /** False when a dependency is degraded; the endpoint answers 503 then. */
  ok: boolean;
  database: "ok" | "degraded";
  /** Log rows this process holds in memory, waiting for the database; absent before its gateway is built. */
  logBacklog?: number;
}

export const HEALTH_PATH = "/api/health";

/**
 * `GET /api/health` for this process: 200 with the report, or 503 while the database does not
 * answer. Warm gateway requests are still served from the snapshot then and their log rows wait in
 * the queue, so the process is degraded rather than down, and the backlog says how far behind it is.
 */
export async function checkHealth(): Promise<{ status: number; report: HealthReport }> {
  const [databaseOk, logs] = await Promise.all([
    database().then(
      ({ db }) => databaseAnswers(db),
      (error: unknown) => {
        console.error(`[health] the database could not be opened: ${describeDatabaseError(error)}`);
        return false;
      },
    ),
    processGatewayLogs().catch(() => undefined),
  ]);
  const report: HealthReport = { ok: databaseOk, database: databaseOk ? "ok" : "degraded" };
  if (logs) report.logBacklog = logs.stats().queued;
  return { status: databaseOk ? 200 : 503, report };
}

/** The health check for Next's route handler (`next start`, `next dev`). */
export async function healthResponse(): Promise<Response> {
  const { status, report } = await checkHealth();
  return Response.json(report, { status, headers: { "cache-control": "no-store" } });
}

/**
 * The health check on server.ts's node:http server, beside the gateway: a load balancer probing
 * every few seconds must not load Next into a process that serves only the gateway.
 */
export function serveHealth(req: IncomingMessage, res: ServerResponse): void {
  const headers = { ...apiSecurityHeaders(req.headers["x-forwarded-proto"]), "content-type": "application/json", "cache-control": "no-store" };
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { ...headers, allow: "GET, HEAD" }).end(JSON.stringify({ error: `${req.method} is not allowed on /api/health: use GET` }));
    return;
  }
  void checkHealth().then(({ status, report }) => {
    const body = JSON.stringify(report);
    res.writeHead(status, { ...headers, "content-length": Buffer.byteLength(body) });
    res.end(req.method === "HEAD" ? undefined : body);
  });
}

/** Whether `db` answers a trivial query within `timeoutMs`; never throws. */
export async function databaseAnswers(db: Database, timeoutMs = DATABASE_PROBE_TIMEOUT_MS): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, false);
  });
  const answered = db.execute(sql`select 1`).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
