import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { errorLine } from "@/lib/error-line";
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus, type MetricsSnapshot } from "./registry";

export const METRICS_PATH = "/metrics";

/**
 * `GET /metrics` for node:http. Without a configured token it answers 404, so metrics are off
 * unless an operator turns them on; with one, it wants `Authorization: Bearer {token}`.
 */
export function metricsHandler(
  token: string | undefined,
  collect: () => Promise<MetricsSnapshot>,
): (req: IncomingMessage, res: ServerResponse) => void {
  const expected = token === undefined ? undefined : digest(token);
  return (req, res) => {
    if (!expected) {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not Found");
      return;
    }
    if (!authorized(req.headers.authorization, expected)) {
      res
        .writeHead(401, { "content-type": "text/plain", "www-authenticate": 'Bearer realm="switchyard metrics"' })
        .end("Unauthorized: send Authorization: Bearer <SWITCHYARD_METRICS_TOKEN>");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { "content-type": "text/plain", allow: "GET, HEAD" }).end("Method Not Allowed");
      return;
    }
    collect()
      .then(renderPrometheus)
      .then(
        (body) => {
          res.writeHead(200, { "content-type": PROMETHEUS_CONTENT_TYPE, "cache-control": "no-store" });
          res.end(req.method === "HEAD" ? undefined : body);
        },
        (error: unknown) => {
          console.error(`metrics collection failed: ${errorLine(error)}`);
          if (!res.headersSent) res.writeHead(503, { "content-type": "text/plain" });
          res.end("Metrics unavailable");
        },
      );
  };
}

/** Compared as digests, so neither the token's length nor its prefix leaks through timing. */
function authorized(header: string | undefined, expected: Buffer): boolean {
  const presented = header && /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  return presented ? timingSafeEqual(digest(presented), expected) : false;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
