import { database } from "@/db/client";
import { config } from "@/lib/config";
import { masterKeyring } from "@/lib/crypto/keyring";
import { LogQueue } from "@/lib/logs/queue";
import { writeLogBatch } from "@/lib/logs/writer";
import { createGateway, type GatewayHandler } from "./index";

interface ProcessGateway {
  gateway: GatewayHandler;
  logs: LogQueue;
}

// On globalThis so Next's dev reloads and server.ts share one gateway, one pool and one log queue.
const globalForGateway = globalThis as unknown as { switchyardGateway?: Promise<ProcessGateway> };

async function build(): Promise<ProcessGateway> {
  const { db } = await database();
  const cfg = config();
  const logs = new LogQueue({ write: (events) => writeLogBatch(db, events) });
  const gateway = createGateway({
    db,
    logs,
    keyring: masterKeyring(),
    allowPrivateUpstreams: cfg.allowPrivateUpstreams,
    maxBodyBytes: cfg.maxBodyBytes,
  });
  return { gateway, logs };
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

/** Writes every queued log row and closes the upstream pools; call once the server stopped taking requests. */
export async function shutdownGateway(): Promise<void> {
  const state = globalForGateway.switchyardGateway;
  if (!state) return;
  globalForGateway.switchyardGateway = undefined;
  const { gateway, logs } = await state;
  await logs.close();
  await gateway.close();
}
