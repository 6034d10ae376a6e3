import { and, eq, like, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "@/db/client";
import { signInAttempts } from "@/db/schema";
import { testDatabases } from "@/tests/support/database";
import { clientIp, pruneSignInAttempts, recordWithinLimit, resetLimit, withdrawEvent, type SignInLimit } from "./rate-limit";

const THREE_PER_SECOND: SignInLimit = { name: "test", limit: 3, windowMs: 1000 };
const TEN_PER_MINUTE: SignInLimit = { name: "test-concurrent", limit: 10, windowMs: 60_000 };

/** Times far from now and from each other, so each test's window is its own. */
function at(base: string, ms = 0): Date {
  return new Date(new Date(base).getTime() + ms);
}

describe.each(testDatabases())("sign-in limits on $name", (database) => {
  let handle: DatabaseHandle;
  /** A second instance on the same database: on Postgres its own pool; PGlite is one process, so the same handle. */
  let other: DatabaseHandle;
  beforeAll(async () => {
    handle = await database.open();
    other = handle;
    if (database.name === "postgres") {
      const result = (await handle.db.execute(sql`select current_database() as name`)) as unknown as { rows: [{ name: string }] };
      const name = result.rows[0].name;
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.pathname = `/${name}`;
      other = await openDatabase({ driver: "postgres", url: url.toString() });
    }
  });
  afterAll(async () => {
    if (other !== handle) await other.close();
    await handle.close();
  });

  async function hitsOf(limit: SignInLimit, key: string): Promise<number> {
    const [row] = await handle.db
      .select({ count: sql<number>`cardinality(${signInAttempts.hits})` })
      .from(signInAttempts)
      .where(and(eq(signInAttempts.limiter, limit.name), eq(signInAttempts.key, key)));
    return row?.count ?? 0;
  }

  it("allows `limit` events per key within the window, and more as they age out", async () => {
    const t = "2031-01-01T00:00:00Z";
    for (const ms of [0, 100, 200]) expect(await recordWithinLimit(handle.db, THREE_PER_SECOND, ["email:a"], at(t, ms))).toBe(true);
    expect(await recordWithinLimit(handle.db, THREE_PER_SECOND, ["email:a"], at(t, 300))).toBe(false);
    expect(await recordWithinLimit(other.db, THREE_PER_SECOND, ["email:a"], at(t, 400))).toBe(false);
    expect(await recordWithinLimit(handle.db, THREE_PER_SECOND, ["email:b"], at(t, 300))).toBe(true);
    // The event at 0 has left the window at 1000; the refused ones were never recorded.
    expect(await recordWithinLimit(other.db, THREE_PER_SECOND, ["email:a"], at(t, 1001))).toBe(true);
    expect(await recordWithinLimit(handle.db, THREE_PER_SECOND, ["email:a"], at(t, 1002))).toBe(false);
    expect(await hitsOf(THREE_PER_SECOND, "email:a")).toBe(3);
  });

  it("records an event against all of its keys or none", async () => {
    const t = "2032-01-01T00:00:00Z";
    for (let i = 0; i < 3; i++) await recordWithinLimit(handle.db, THREE_PER_SECOND, ["ip:full"], at(t, i));
    expect(await recordWithinLimit(handle.db, THREE_PER_SECOND, ["email:fresh", "ip:full"], at(t, 10))).toBe(false);
    expect(await hitsOf(THREE_PER_SECOND, "email:fresh")).toBe(0);
    // Limits are per limiter: the same key elsewhere is untouched.
    expect(await recordWithinLimit(handle.db, TEN_PER_MINUTE, ["ip:full"], at(t, 10))).toBe(true);
  });

  it("takes back one event, or forgets a key", async () => {
    const t = "2033-01-01T00:00:00Z";
    for (let i = 0; i < 3; i++) await recordWithinLimit(handle.db, THREE_PER_SECOND, ["ip:x", "email:x"], at(t, i));
    await withdrawEvent(handle.db, THREE_PER_SECOND, "ip:x", at(t, 1));
    expect(await hitsOf(THREE_PER_SECOND, "ip:x")).toBe(2);
    await resetLimit(other.db, THREE_PER_SECOND, "email:x");
    expect(await hitsOf(THREE_PER_SECOND, "email:x")).toBe(0);
    expect(await recordWithinLimit(handle.db, THREE_PER_SECOND, ["ip:x", "email:x"], at(t, 10))).toBe(true);
    expect(await recordWithinLimit(handle.db, THREE_PER_SECOND, ["ip:x"], at(t, 11))).toBe(false);
  });

  it("lets no more than the limit through when instances race for the same keys", async () => {
    const now = at("2034-01-01T00:00:00Z");
    // Overlapping key sets, taken in different orders: they must neither deadlock nor overshoot.
    const attempts = Array.from({ length: 40 }, (_, i) =>
      recordWithinLimit(i % 2 ? handle.db : other.db, TEN_PER_MINUTE, i % 3 ? ["ip:race", `email:${i}`] : [`email:${i}`, "ip:race"], now),
    );
    const results = await Promise.all(attempts);
    expect(results.filter(Boolean)).toHaveLength(10);
    expect(await hitsOf(TEN_PER_MINUTE, "ip:race")).toBe(10);
  });

  it("deletes rows whose events have all left their window", async () => {
    const t = "2035-01-01T00:00:00Z";
    await recordWithinLimit(handle.db, THREE_PER_SECOND, ["email:old"], at(t));
    await recordWithinLimit(handle.db, THREE_PER_SECOND, ["email:new"], at(t, 1500));
    await pruneSignInAttempts(other.db, at(t, 2000));
    const keys = await handle.db
      .select({ key: signInAttempts.key })
      .from(signInAttempts)
      .where(and(eq(signInAttempts.limiter, THREE_PER_SECOND.name), like(signInAttempts.key, "email:%")));
    expect(keys.map((row) => row.key)).toContain("email:new");
    expect(keys.map((row) => row.key)).not.toContain("email:old");
  });
});

describe("clientIp", () => {
  it("takes the first x-forwarded-for entry", () => {
    expect(clientIp(new Headers({ "x-forwarded-for": "203.0.113.7, 10.0.0.1" }))).toBe("203.0.113.7");
    expect(clientIp(new Headers({ "x-real-ip": "198.51.100.2" }))).toBe("198.51.100.2");
    expect(clientIp(new Headers())).toBe("unknown");
  });
});
