import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { config, type Config } from "@/lib/config";
import * as schema from "./schema";

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  driver: Config["databaseDriver"];
  /** Applies db/migrations; idempotent. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

export interface DatabaseOptions {
  driver: Config["databaseDriver"];
  url?: string;
  /** PGlite's folder; "memory://" keeps it in memory (tests). */
  dataDir?: string;
}

/** Opens the database the configuration names: embedded PGlite, a Postgres server, or Neon serverless. */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  switch (options.driver) {
    case "pglite": {
      const { PGlite } = await import("@electric-sql/pglite");
      const { drizzle } = await import("drizzle-orm/pglite");
      const { migrate } = await import("drizzle-orm/pglite/migrator");
      const dir = options.dataDir ?? "memory://";
      const unlock = dir.startsWith("memory://") ? () => {} : lockDataDir(dir);
      const client = new PGlite(dir);
      const db = drizzle({ client, schema });
      return {
        db: db as unknown as Database,
        driver: "pglite",
        migrate: () => migrate(db, { migrationsFolder }),
        close: async () => {
          await client.close();
          unlock();
        },
      };
    }
    case "postgres": {
      const { default: pg } = await import("pg");
      const { drizzle } = await import("drizzle-orm/node-postgres");
      const { migrate } = await import("drizzle-orm/node-postgres/migrator");
      const pool = new pg.Pool({ connectionString: requireUrl(options), max: 10 });
      const db = drizzle({ client: pool, schema });
      return {
        db: db as unknown as Database,
        driver: "postgres",
        migrate: () => migrate(db, { migrationsFolder }),
        close: () => pool.end(),
      };
    }
    case "neon": {
      const { Pool, neonConfig } = await import("@neondatabase/serverless");
      const { drizzle } = await import("drizzle-orm/neon-serverless");
      const { migrate } = await import("drizzle-orm/neon-serverless/migrator");
      if (typeof WebSocket === "undefined") neonConfig.webSocketConstructor = (await import("ws")).default;
      const pool = new Pool({ connectionString: requireUrl(options) });
      const db = drizzle({ client: pool, schema });
      return {
        db: db as unknown as Database,
        driver: "neon",
        migrate: () => migrate(db, { migrationsFolder }),
        close: () => pool.end(),
      };
    }
  }
}

/**
 * PGlite is single-process: a second process opening the same folder works on its own copy and
 * its writes are lost (seen with the CLI while the server ran). The lock turns that into an error.
 */
function lockDataDir(dir: string): () => void {
  // PGlite does not create parent folders itself.
  mkdirSync(dir, { recursive: true });
  const lockFile = path.join(dir, "switchyard.lock");
  try {
    writeFileSync(lockFile, String(process.pid), { flag: "wx" });
  } catch {
    const holder = Number(readFileSync(lockFile, "utf8"));
    if (holder !== process.pid && isAlive(holder)) {
      throw new Error(
        `The embedded database at ${dir} is in use by process ${holder}; PGlite allows one process at a time. ` +
          "Stop that process first (for the CLI: stop the server), or run Switchyard on Postgres with DATABASE_URL.",
      );
    }
    writeFileSync(lockFile, String(process.pid));
  }
  const unlock = () => rmSync(lockFile, { force: true });
  process.once("exit", unlock);
  return unlock;
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function requireUrl(options: DatabaseOptions): string {
  if (!options.url) throw new Error(`DATABASE_URL is required for the ${options.driver} driver`);
  return options.url;
}

const globalForDb = globalThis as unknown as { switchyardDb?: Promise<DatabaseHandle> };

/**
 * The process-wide database, opened and migrated once. Cached on globalThis so Next's dev reloads
 * and the custom server share one PGlite instance (it is single-process).
 */
export function database(): Promise<DatabaseHandle> {
  globalForDb.switchyardDb ??= (async () => {
    const cfg = config();
    const handle = await openDatabase({
      driver: cfg.databaseDriver,
      url: cfg.databaseUrl,
      dataDir: path.join(cfg.dataDir, "db"),
    });
    await handle.migrate();
    return handle;
  })();
  return globalForDb.switchyardDb;
}

export async function db(): Promise<Database> {
  return (await database()).db;
}
