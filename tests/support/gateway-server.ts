import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setProcessDatabase, type Database, type DatabaseHandle } from "@/db/client";
import { config } from "@/lib/config";
import type { MasterKeyring } from "@/lib/crypto/master-keys";
import type { CacheStore } from "@/lib/cache/store";
import { createGateway } from "@/lib/gateway";
import { overrideProcessGatewaySettings, processGatewayLogs, shutdownGateway } from "@/lib/gateway/process";
import { budgetAlertSink } from "@/lib/limits/alerts";
import { PostgresCounterStore } from "@/lib/limits/postgres-store";
import type { CounterStore } from "@/lib/limits/store";
import { LogQueue, type LogQueueStats } from "@/lib/logs/queue";
import { createHttpServer } from "@/lib/node-http/http-server";
import { createSnapshotDirectory } from "@/lib/state/snapshot-directory";
import { createRequestListener } from "@/server";
import type { GatewayEntry } from "./entries";
import { testKeyring } from "./keyring";
import { nextEntry } from "./next-entry";

export interface GatewayServer {
  entry: GatewayEntry;
  /** `http://127.0.0.1:{port}`, without a trailing slash. */
  url: string;
  /** Writes every log event enqueued so far. */
  flushLogs(): Promise<void>;
  /** The log queue's counters (undefined before the Next entry's first gateway request). */
  logStats(): Promise<LogQueueStats | undefined>;
  close(): Promise<void>;
}

export interface GatewayServerOptions {
  database: DatabaseHandle;
  /** The fake providers listen on 127.0.0.1, so tests allow private upstreams unless they test the guard. */
  allowPrivateUpstreams?: boolean;
  maxBodyBytes?: number;
  keyring?: MasterKeyring;
  /** No limit unless a suite tests it. */
  maxStreamsPerToken?: number;
  /** The response cache's store for this server (called once per server); the gateway's default when omitted. */
  cache?: () => CacheStore;
  /** Where limits are counted for this server (called once per server, with its database); the database's counters when omitted. */
  limitStore?: (db: Database) => CounterStore;
}

/** The real gateway behind a real HTTP server, reached through `entry` (tests/support/entries.ts). */
export function startGatewayServer(entry: GatewayEntry, options: GatewayServerOptions): Promise<GatewayServer> {
  return entry === "node" ? startNodeEntry(options) : startNextEntry(options);
}

/**
 * server.ts's own request listener: gateway paths go through its node:http adapter (lib/node-http) to
 * `createGateway(…).handle`; `/metrics` and Next's paths are 404s here.
 */
async function startNodeEntry({
  database,
  allowPrivateUpstreams = true,
  maxBodyBytes = 1024 * 1024,
  keyring = testKeyring,
  maxStreamsPerToken = 0,
  cache,
  limitStore,
}: GatewayServerOptions): Promise<GatewayServer> {
  const { db } = database;
  const logs = new LogQueue({ write: (events) => database.writeLogs(events) });
  const gateway = createGateway({
    directory: createSnapshotDirectory(db, keyring),
    logs,
    allowPrivateUpstreams,
    maxBodyBytes,
    maxStreamsPerToken,
    cache: cache?.(),
    limitStore: limitStore?.(db) ?? new PostgresCounterStore(db),
    onAlert: budgetAlertSink(db),
  });
  const notServed = (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(404, { "content-type": "text/plain" }).end("not a gateway path");
  };
  // server.ts's own server, with its per-connection limits and its answers to what node's parser refuses.
  const server = createHttpServer(
    createRequestListener({ gateway: (request) => gateway.serve(request), metrics: notServed, health: notServed, next: notServed }),
    config().http,
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    entry: "node",
    url: `http://127.0.0.1:${port}`,
    flushLogs: () => logs.flush(),
    logStats: async () => logs.stats(),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      await gateway.close();
      await logs.close();
    },
  };
}

/** Whether a Next-entry gateway is configured; the process has one process gateway, so one at a time. */
let nextEntryInUse = false;

/**
 * The route handlers of the built app, served by Next (tests/support/next-entry.ts). They build
 * the process gateway (lib/gateway/process.ts) on their first request; the hooks below make it use
 * this suite's database and settings. The bundle holds its own copies of those modules, so the hooks
 * go through globalThis, and flushing and closing here reach the bundle's log queue and pools.
 */
async function startNextEntry({
  database,
  allowPrivateUpstreams = true,
  maxBodyBytes = 1024 * 1024,
  keyring = testKeyring,
  maxStreamsPerToken = 0,
  cache,
  limitStore,
}: GatewayServerOptions): Promise<GatewayServer> {
  if (nextEntryInUse) throw new Error("one Next-entry gateway server per test process at a time; close the previous one");
  nextEntryInUse = true;
  setProcessDatabase(database);
  overrideProcessGatewaySettings({ keyring, allowPrivateUpstreams, maxBodyBytes, maxStreamsPerToken, cache, limitStore });
  const { url } = await nextEntry();
  return {
    entry: "next",
    url,
    flushLogs: async () => {
      await (await processGatewayLogs())?.flush();
    },
    logStats: async () => (await processGatewayLogs())?.stats(),
    close: async () => {
      // Flushes the log queue and closes the upstream pools; the next suite's first request builds anew.
      await shutdownGateway();
      setProcessDatabase(undefined);
      overrideProcessGatewaySettings(undefined);
      nextEntryInUse = false;
    },
  };
}
