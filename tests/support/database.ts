import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase, type Database, type DatabaseHandle } from "@/db/client";

export interface TestDatabase {
  name: "pglite" | "postgres";
  /** A fresh, migrated database; its `close()` also deletes it. */
  open(): Promise<DatabaseHandle>;
}

/**
 * The databases every integration suite runs against: PGlite in memory always, and the server
 * Postgres of `TEST_DATABASE_URL` when it is set (a database of its own per open, dropped on close).
 */
export function testDatabases(): TestDatabase[] {
  const list: TestDatabase[] = [{ name: "pglite", open: openPglite }];
  const url = process.env.TEST_DATABASE_URL;
  if (url) list.push({ name: "postgres", open: () => openPostgres(url) });
  return list;
}

/** Each open server database's URL, for suites that reach it from a second pool or another process. */
const serverUrls = new WeakMap<Database, string>();

/** The URL of a test database on the Postgres server; undefined for PGlite, which one process holds. */
export function databaseUrlOf(db: Database): string | undefined {
  return serverUrls.get(db);
}

async function openPglite(): Promise<DatabaseHandle> {
  const handle = await openDatabase({ driver: "pglite", dataDir: "memory://" });
  await handle.migrate();
  return handle;
}

async function openPostgres(serverUrl: string): Promise<DatabaseHandle> {
  const name = `sy_${randomBytes(8).toString("hex")}`;
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let handle: DatabaseHandle;
  try {
    handle = await openDatabase({ driver: "postgres", url: url.toString() });
    await handle.migrate();
    serverUrls.set(handle.db, url.toString());
  } catch (err) {
    await admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    throw err;
  }
  return {
    ...handle,
    close: async () => {
      try {
        await handle.close();
      } finally {
        await admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
    },
  };
}

/** Runs one statement on the server's own database (CREATE/DROP DATABASE cannot run inside the target). */
async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
