import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import next from "next";
import { inject } from "vitest";
import { rootDir } from "./next-build";

export interface NextEntry {
  /** `http://127.0.0.1:{port}`, without a trailing slash. */
  url: string;
  close(): Promise<void>;
}

let started: Promise<NextEntry> | undefined;

/**
 * The production build of the app (made by the global setup, tests/support/next-build.ts) served
 * by Next's own request handler behind node:http, as plain `next start` serves it: every path goes
 * to Next, so gateway paths reach the route handlers in app/. One per test process, started on
 * first use; the process gateway behind the route handlers is configured through the hooks of
 * db/client.ts and lib/gateway/process.ts (see gateway-server.ts).
 */
export function nextEntry(): Promise<NextEntry> {
  started ??= start();
  return started;
}

/** Stops the process's Next server, if one was started. */
export async function closeNextEntry(): Promise<void> {
  const entry = started;
  started = undefined;
  await (await entry)?.close();
}

async function start(): Promise<NextEntry> {
  const buildDir = inject("nextBuildDir");
  if (!buildDir) throw new Error("no Next build was provided: the integration project's global setup (tests/support/next-build.ts) did not run");
  // The build is a copy of `.next` elsewhere, so tell Next where, with the configuration the build
  // recorded: what Next's own standalone server.js does (`distDir` relative to the app's folder).
  const { config } = JSON.parse(readFileSync(path.join(buildDir, "required-server-files.json"), "utf8")) as {
    config: Record<string, unknown>;
  };
  const distDir = `./${path.relative(rootDir, buildDir)}`;
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify({ ...config, distDir, distDirRoot: distDir });
  const app = next({ dev: false, dir: rootDir, quiet: true });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server: Server = createServer({ noDelay: true }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error("next request handler failed:", error);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("Internal Server Error");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      await app.close();
    },
  };
}
