import { sql } from "drizzle-orm";
import { openDatabase, type Database, type DatabaseHandle } from "@/db/client";
import type { TestDatabase } from "./database";
import { startPausableProxy } from "./pausable-proxy";

/** A test database the gateway can lose and get back. */
export interface OutageDatabase {
  /** The handle to give the gateway: the one that loses its database during an outage. */
  gateway: DatabaseHandle;
  /** Another such handle, for a second gateway instance (PGlite, in-process, has just the one). */
  openGatewayHandle(): Promise<DatabaseHandle>;
  /** A handle that stays connected, for seeding and reading what was written. */
  direct: Database;
  /** How the database goes away. */
  kind: string;
  startOutage(): void;
  endOutage(): void;
  close(): Promise<void>;
}

/**
 * Opens `database` (a fresh, migrated one) in a form that can fail on demand:
 * - Postgres: the gateway connects through a TCP proxy (tests/support/pausable-proxy.ts); the outage
 *   cuts its connections and refuses new ones, as a server that restarts or fails over does.
 * - PGlite runs inside this process (in its worker thread), so nothing between it and the gateway
 *   can be cut, and a closed PGlite cannot be opened again under the same handle. The outage is a
 *   database that stops answering instead: the test holds a transaction open, and every other
 *   query and log write waits behind it until it ends.
 */
export async function openOutageDatabase(database: TestDatabase): Promise<OutageDatabase> {
  const handle = await database.open();
  if (database.name === "pglite") {
    let release: (() => void) | undefined;
    return {
      gateway: handle,
      openGatewayHandle: async () => handle,
      direct: handle.db,
      kind: "PGlite stops answering",
      startOutage() {
        void handle.db.transaction(() => new Promise<void>((resolve) => (release = resolve)));
      },
      endOutage() {
        release?.();
        release = undefined;
      },
      close: () => handle.close(),
    };
  }
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) throw new Error("the postgres test database needs TEST_DATABASE_URL");
  const url = new URL(serverUrl);
  const [row] = ((await handle.db.execute(sql`select current_database() as name`)) as unknown as { rows: { name: string }[] }).rows;
  url.pathname = `/${row!.name}`;
  const proxy = await startPausableProxy({ host: url.hostname, port: Number(url.port || 5432) });
  const gatewayHandles: DatabaseHandle[] = [];
  const openGatewayHandle = async () => {
    const gateway = await openDatabase({ driver: "postgres", url: proxy.urlFor(url.toString()) });
    gatewayHandles.push(gateway);
    return gateway;
  };
  return {
    gateway: await openGatewayHandle(),
    openGatewayHandle,
    direct: handle.db,
    kind: "the Postgres server is cut off",
    startOutage: () => proxy.pause(),
    endOutage: () => proxy.resume(),
    async close() {
      await Promise.all(gatewayHandles.map((gateway) => gateway.close()));
      await proxy.close();
      await handle.close();
    },
  };
}
