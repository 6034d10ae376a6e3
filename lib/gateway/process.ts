import { database, type Database } from "@/db/client";
import { MemoryCacheStore } from "@/lib/cache/memory-store";
import { RedisCacheStore } from "@/lib/cache/redis-store";
import type { CacheStore } from "@/lib/cache/store";
import { config } from "@/lib/config";
import { masterKeyring } from "@/lib/crypto/keyring";
import type { MasterKeyring } from "@/lib/crypto/master-keys";
import { budgetAlertSink } from "@/lib/limits/alerts";
import { counterStoreFor } from "@/lib/limits/counter-store";
import type { CounterStore } from "@/lib/limits/store";
import { LogQueue } from "@/lib/logs/queue";
import { GatewayMetrics, processSnapshot } from "@/lib/metrics/gateway";
import type { MetricsSnapshot } from "@/lib/metrics/registry";
import { createSnapshotDirectory } from "@/lib/state/snapshot-directory";
import { createGateway, type GatewayDeps, type GatewayHandler } from "./index";

interface ProcessGateway {
  gateway: GatewayHandler;
  logs: LogQueue;
  metrics: GatewayMetrics;
}

/** How long shutdown waits for the database to take the queued log rows before giving up on them. */
const LOG_FLUSH_DEADLINE_MS = 10_000;

/** What the integration harness sets per suite instead of the configuration (see `overrideProcessGatewaySettings`). */
export type ProcessGatewaySettings = { keyring?: MasterKeyring; cache?: () => CacheStore; limitStore?: (db: Database) => CounterStore } & Partial<Pick<GatewayDeps, "allowPrivateUpstreams" | "maxBodyBytes" | "maxStreamsPerToken">>;

// On globalThis so Next's dev reloads and server.ts share one gateway, one pool and one log queue.
const globalForGateway = globalThis as unknown as {
  switchyardGateway?: Promise<ProcessGateway>;
  switchyardGatewaySettings?: ProcessGatewaySettings;
};

async function build(): Promise<ProcessGateway> {
  const handle = await database();
  const { db } = handle;
  const cfg = config();
  const settings = globalForGateway.switchyardGatewaySettings;
  // The batches are written on the database's worker thread; this thread only queues and hands them over.
  const logs = new LogQueue({ write: (events) => handle.writeLogs(events) });
  const metrics = new GatewayMetrics();
  const gateway = createGateway({
    directory: createSnapshotDirectory(db, settings?.keyring ?? masterKeyring()),
    logs,
    metrics,
    allowPrivateUpstreams: settings?.allowPrivateUpstreams ?? cfg.allowPrivateUpstreams,
    maxBodyBytes: settings?.maxBodyBytes ?? cfg.maxBodyBytes,
    maxStreamsPerToken: settings?.maxStreamsPerToken ?? cfg.maxStreamsPerToken,
    cache: settings?.cache?.() ?? cacheStore(cfg),
    limitStore: settings?.limitStore?.(db) ?? counterStoreFor(cfg, db),
    onAlert: budgetAlertSink(db),
  });
  return { gateway, logs, metrics };
}

/** Redis when configured, shared by every instance and worker; else this process's memory. */
function cacheStore(cfg: ReturnType<typeof config>): CacheStore {
  return cfg.redisUrl ? new RedisCacheStore({ url: cfg.redisUrl }) : new MemoryCacheStore({ maxBytes: cfg.cacheMaxBytes });
}

/** The process-wide gateway, built once from the process's database, keyring and configuration. */
export async function processGateway(): Promise<GatewayHandler> {
  globalForGateway.switchyardGateway ??= build();
  return (await globalForGateway.switchyardGateway).gateway;
}

/** For the Next route handlers: every method of every gateway path. */
export async function handleGatewayRequest(req: Request): Promise<Response> {
  return (await processGateway()).handle(req);
}

/** This process's metrics: the gateway's counters, its log queue and its directory snapshot. */
export async function processMetrics(): Promise<MetricsSnapshot> {
  globalForGateway.switchyardGateway ??= build();
  const { gateway, metrics, logs } = await globalForGateway.switchyardGateway;
  return processSnapshot({ gateway: metrics, logs: logs.stats(), directory: gateway.stats().directory });
}

/**
 * Writes every queued log row (giving a database that does not answer a deadline, so shutdown
 * ends) and closes the upstream pools; call once the server stopped taking requests.
 */
export async function shutdownGateway(): Promise<void> {
  const state = globalForGateway.switchyardGateway;
  if (!state) return;
  globalForGateway.switchyardGateway = undefined;
  const { gateway, logs } = await state;
  await logs.close(LOG_FLUSH_DEADLINE_MS);
  await gateway.close();
}

// Test hooks. The integration suites also serve the built Next app inside the test process
// (tests/support/next-entry.ts). Its bundled route handlers hold their own copy of this module and
// share only globalThis with the test, so these hooks reach the gateway through it. Production code
// never calls them.

/**
 * Test hook: settings that win over the configuration when the process gateway is next built (the
 * first request after start or after `shutdownGateway()`); undefined goes back to the configuration.
 */
export function overrideProcessGatewaySettings(settings: ProcessGatewaySettings | undefined): void {
  globalForGateway.switchyardGatewaySettings = settings;
}

/** The process gateway's log queue, if the gateway was built: /api/health reports its backlog, tests flush it. */
export async function processGatewayLogs(): Promise<LogQueue | undefined> {
  return (await globalForGateway.switchyardGateway)?.logs;
}
