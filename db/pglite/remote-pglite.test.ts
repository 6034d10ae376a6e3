import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeDatabaseError, isTransientDatabaseError, listenerFor, openDatabase, type Database, type DatabaseHandle } from "@/db/client";
import * as schema from "@/db/schema";
import { teams } from "@/db/schema";

/** The error `promise` rejects with. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error,
  );
}

/** Whether `promise` has settled by the time the worker answered `probe`, which was sent after it. */
async function settledBefore(promise: Promise<unknown>, probe: () => Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await probe();
  return settled;
}

describe("PGlite in its worker thread", () => {
  let handle: DatabaseHandle;
  let db: Database;
  beforeAll(async () => {
    handle = await openDatabase({ driver: "pglite" });
    await handle.migrate();
    db = handle.db;
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("returns rows of the same shapes and values as PGlite in this thread", async () => {
    const local = new PGlite();
    try {
      const here = drizzle({ client: local, schema }) as unknown as Database;
      const query = sql`select 1::int as int, 9007199254740993::int8 as big, 1.5::numeric as num, 2.5::float8 as float, true as bool,
        'tëxt'::text as text, timestamptz '2026-11-22 10:00:00.123+00' as at, date '2026-11-22' as day, interval '1 hour' as span,
        '{"a":[1,{"b":null}]}'::json as json, '{"a":1}'::jsonb as jsonb, '\\x00ff'::bytea as bytes, array[1,2]::int[] as ints,
        array[timestamptz '2026-01-01 00:00:00+00'] as times, null::text as nothing, ${"a parameter"}::text as param`;
      const remote = await db.execute(query);
      expect(remote).toEqual(await here.execute(query));
      const [row] = (remote as unknown as { rows: Record<string, unknown>[] }).rows;
      expect(row).toMatchObject({ big: 9007199254740993n, json: { a: [1, { b: null }] }, bytes: new Uint8Array([0, 255]) });
    } finally {
      await local.close();
    }
  });

  it("maps typed selects as drizzle does: Dates, JSON and nulls", async () => {
    const createdAt = new Date("2026-11-22T10:00:00.123Z");
    await db.insert(teams).values({ id: "team-shapes", slug: "shapes", name: "Shapes", createdAt });
    const [team] = await db.select().from(teams).where(eq(teams.id, "team-shapes"));
    expect(team).toMatchObject({ id: "team-shapes", slug: "shapes", createdAt });
    expect(team!.createdAt).toBeInstanceOf(Date);
  });

  it("commits a transaction that resolves and rolls back one that throws, savepoints included", async () => {
    await db.transaction(async (tx) => {
      await tx.insert(teams).values({ id: "team-committed", slug: "committed", name: "Committed" });
      await expect(
        tx.transaction(async (inner) => {
          await inner.insert(teams).values({ id: "team-inner", slug: "inner", name: "Inner" });
          throw new Error("inner fails");
        }),
      ).rejects.toThrow("inner fails");
    });
    const thrown = await failure(
      db.transaction(async (tx) => {
        await tx.insert(teams).values({ id: "team-rolled-back", slug: "rolled-back", name: "Rolled back" });
        throw new Error("outer fails");
      }),
    );
    expect(thrown).toHaveProperty("message", "outer fails");
    await failure(
      db.transaction(async (tx) => {
        await tx.insert(teams).values({ id: "team-rollback-call", slug: "rollback-call", name: "Rollback" });
        tx.rollback();
      }),
    );
    const ids = (await db.select({ id: teams.id }).from(teams)).map((team) => team.id);
    expect(ids).toContain("team-committed");
    expect(ids).not.toContain("team-inner");
    expect(ids).not.toContain("team-rolled-back");
    expect(ids).not.toContain("team-rollback-call");
  });

  it("makes other queries wait while a transaction is open, as PGlite's single session does", async () => {
    let finish!: () => void;
    let outside!: Promise<unknown>;
    const transaction = db.transaction(async (tx) => {
      await tx.insert(teams).values({ id: "team-waited", slug: "waited", name: "Waited" });
      outside = db.select({ id: teams.id }).from(teams).where(eq(teams.id, "team-waited"));
      // Queries inside the transaction still run while the one outside waits.
      expect(await settledBefore(outside, () => tx.execute(sql`select 1`))).toBe(false);
      await new Promise<void>((resolve) => (finish = resolve));
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    finish();
    await transaction;
    expect(await outside).toEqual([{ id: "team-waited" }]);
  });

  it("keeps the database's error code, and does not call a refused value transient", async () => {
    await db.insert(teams).values({ id: "team-unique", slug: "unique", name: "Unique" });
    const duplicate = await failure(db.insert(teams).values({ id: "team-unique", slug: "unique-2", name: "Again" }));
    expect((duplicate as Error).cause).toMatchObject({ code: "23505" });
    expect(describeDatabaseError(duplicate)).toMatch(/^23505 duplicate key value violates unique constraint/);
    expect(isTransientDatabaseError(duplicate)).toBe(false);
  });

  it("delivers notifications to LISTEN through the thread, and stops when asked", async () => {
    const listen = listenerFor(db)!;
    const heard: string[] = [];
    const stop = await listen("remote_test", (payload) => heard.push(payload), () => {});
    await db.execute(sql`select pg_notify('remote_test', 'first')`);
    await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_notify('remote_test', 'on commit')`);
    });
    await stop();
    await db.execute(sql`select pg_notify('remote_test', 'after stop')`);
    expect(heard).toEqual(["first", "on commit"]);
  });
});

describe("PGlite's data folder", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-pglite-"));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps what was written once closed, and refuses a second server while another one shares it", async () => {
    const dataDir = path.join(dir, "db");
    const first = await openDatabase({ driver: "pglite", dataDir });
    await first.migrate();
    await first.db.insert(teams).values({ id: "team-kept", slug: "kept", name: "Kept" });
    await first.close();
    expect(isTransientDatabaseError(await failure(first.db.execute(sql`select 1`)))).toBe(true);

    const again = await openDatabase({ driver: "pglite", dataDir });
    try {
      expect(await again.db.select({ id: teams.id }).from(teams)).toEqual([{ id: "team-kept" }]);
    } finally {
      await again.close();
    }
    // The process that started this one is alive, as a server sharing the folder would be.
    writeFileSync(path.join(dataDir, "switchyard.lock"), JSON.stringify({ pid: process.ppid, socket: path.join(dir, "elsewhere.sock") }));
    await expect(openDatabase({ driver: "pglite", dataDir, embeddedRole: "server" })).rejects.toThrow(
      `is served by another Switchyard server, process ${process.ppid}`,
    );
    rmSync(path.join(dataDir, "switchyard.lock"));
  });
});

describe("the embedded database shared by the server that holds it", () => {
  let dir: string;
  let server: DatabaseHandle;
  let tool: DatabaseHandle;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-shared-"));
    server = await openDatabase({ driver: "pglite", dataDir: dir, embeddedRole: "server" });
    await server.migrate();
    await server.share!();
    // The lock names this process and the socket: a tool opening the folder connects there, as the CLI does.
    tool = await openDatabase({ driver: "pglite", dataDir: dir });
    await tool.migrate();
  });
  afterAll(async () => {
    await tool?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers a tool through the socket with the rows the server sees, of the same shapes", async () => {
    expect(tool.share).toBeUndefined();
    await tool.db.insert(teams).values({ id: "team-from-tool", slug: "from-tool", name: "From the tool", createdAt: new Date("2026-11-22T10:00:00.123Z") });
    const query = sql`select id, created_at, 9007199254740993::int8 as big, '\\x00ff'::bytea as bytes, '{"a":[1]}'::jsonb as json from teams where id = 'team-from-tool'`;
    const seen = await server.db.execute(query);
    expect(await tool.db.execute(query)).toEqual(seen);
    expect((seen as unknown as { rows: unknown[] }).rows).toEqual([
      { id: "team-from-tool", created_at: expect.any(String), big: 9007199254740993n, bytes: new Uint8Array([0, 255]), json: { a: [1] } },
    ]);
    const duplicate = await failure(tool.db.insert(teams).values({ id: "team-from-tool", slug: "again", name: "Again" }));
    expect((duplicate as Error).cause).toMatchObject({ code: "23505" });
  });

  it("holds the whole database for a tool's transaction: the server's queries wait for its commit", async () => {
    let finish!: () => void;
    let outside!: Promise<unknown>;
    const transaction = tool.db.transaction(async (tx) => {
      await tx.insert(teams).values({ id: "team-tool-tx", slug: "tool-tx", name: "Tool transaction" });
      outside = server.db.select({ id: teams.id }).from(teams).where(eq(teams.id, "team-tool-tx"));
      expect(await settledBefore(outside, () => tx.execute(sql`select 1`))).toBe(false);
      await new Promise<void>((resolve) => (finish = resolve));
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    finish();
    await transaction;
    expect(await outside).toEqual([{ id: "team-tool-tx" }]);
  });

  it("rolls back the transaction of a tool that goes away mid-way, and lets the server go on", async () => {
    const leaving = await openDatabase({ driver: "pglite", dataDir: dir });
    let inside!: () => void;
    let goOn!: () => void;
    const entered = new Promise<void>((resolve) => (inside = resolve));
    const abandoned = leaving.db.transaction(async (tx) => {
      await tx.insert(teams).values({ id: "team-abandoned", slug: "abandoned", name: "Abandoned" });
      inside();
      await new Promise<void>((resolve) => (goOn = resolve));
      await tx.execute(sql`select 1`);
    });
    await entered;
    const waiting = server.db.select({ id: teams.id }).from(teams).where(eq(teams.id, "team-abandoned"));
    await leaving.close();
    expect(await waiting).toEqual([]);
    goOn();
    expect(isTransientDatabaseError(await failure(abandoned))).toBe(true);
  });

  it("tells the server's LISTEN of a tool's notifications, as the change feed needs", async () => {
    const heard: string[] = [];
    const stop = await listenerFor(server.db)!("shared_test", (payload) => heard.push(payload), () => {});
    await tool.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_notify('shared_test', 'from the tool')`);
    });
    await server.db.execute(sql`select 1`);
    await stop();
    expect(heard).toEqual(["from the tool"]);
  });
});
