import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { testLogEvent } from "@/lib/logs/test-events";
import { describeDatabaseError, isTransientDatabaseError, openDatabase } from "./client";

/** The error `promise` rejects with. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error,
  );
}

describe("database errors", () => {
  it("a value the database refuses is not transient, even when its parameters read like a connection error", async () => {
    const handle = await openDatabase({ driver: "pglite" });
    try {
      const refused = await failure(handle.db.execute(sql`select ${'{"a":"\\u0000 connection terminated"}'}::json->>'a'`));
      expect(isTransientDatabaseError(refused)).toBe(false);
      expect(describeDatabaseError(refused)).toBe("22P05 unsupported Unicode escape sequence");
    } finally {
      await handle.close();
    }
    expect(isTransientDatabaseError(await failure(handle.db.execute(sql`select 1`)))).toBe(true);
  });

  it("a server that refuses or cuts connections is transient, and described on one line", async () => {
    // A port that accepts and at once closes, as a server going down does.
    const cutting = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => cutting.listen(0, "127.0.0.1", resolve));
    const { port } = cutting.address() as AddressInfo;
    const cut = await openDatabase({ driver: "postgres", url: `postgres://nobody@127.0.0.1:${port}/none` });
    const cutError = await failure(cut.db.execute(sql`select 1`));
    await cut.close();
    await new Promise<void>((resolve) => cutting.close(() => resolve()));
    expect(isTransientDatabaseError(cutError)).toBe(true);

    // Now nothing listens there, for the pool nor for the log writer's thread.
    const refused = await openDatabase({ driver: "postgres", url: `postgres://nobody@127.0.0.1:${port}/none` });
    const refusedError = await failure(refused.db.execute(sql`select 1`));
    const writeError = await failure(refused.writeLogs([testLogEvent(1)]));
    await refused.close();
    expect(isTransientDatabaseError(refusedError)).toBe(true);
    expect(describeDatabaseError(refusedError)).toMatch(/ECONNREFUSED/);
    expect(isTransientDatabaseError(writeError)).toBe(true);
    expect(describeDatabaseError(writeError)).toMatch(/ECONNREFUSED/);
    for (const error of [cutError, refusedError, writeError]) {
      expect(describeDatabaseError(error)).not.toContain("\n");
      expect(describeDatabaseError(error)).not.toContain("nobody");
    }
  });
});
