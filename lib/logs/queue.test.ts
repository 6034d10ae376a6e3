import { count } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { requestLogPayloads, requestLogs } from "@/db/schema";
import { testDatabases } from "@/tests/support/database";
import { LogQueue, type LogQueueOptions } from "./queue";
import { testLogEvent } from "./test-events";
import type { LogEvent } from "./types";

const HOUR = 3_600_000;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const queues: LogQueue[] = [];

/** A queue that only writes when told to (no timer, no early batches) unless options say otherwise. */
function queue(options: Partial<LogQueueOptions> & Pick<LogQueueOptions, "write">): LogQueue {
  const q = new LogQueue({ flushIntervalMs: HOUR, batchSize: 1_000_000, retryDelayMs: 1, ...options });
  queues.push(q);
  return q;
}

/** Records written batches. */
function recorder() {
  const batches: LogEvent[][] = [];
  return { batches, write: async (events: LogEvent[]) => void batches.push(events) };
}

afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.close()));
  vi.restoreAllMocks();
});

describe("LogQueue", () => {
  it("drops payloads first, then whole rows, and counts both", async () => {
    const { batches, write } = recorder();
    const q = queue({ write, maxQueued: 5, maxPayloadQueuedBytes: 2_500 });
    const withKilobytePayload = (i: number): LogEvent => ({
      log: testLogEvent(i).log,
      payload: { logId: `log-${i}`, teamId: "team-0", requestBody: "x".repeat(1_000) },
    });

    for (let i = 0; i < 7; i++) q.enqueue(withKilobytePayload(i * 2));
    expect(q.stats()).toEqual({ queued: 5, written: 0, dropped: 2, payloadsDropped: 3, failed: 0 });

    await q.flush();
    const written = batches.flat();
    expect(written.map((e) => e.log.id)).toEqual(["log-0", "log-2", "log-4", "log-6", "log-8"]);
    expect(written.map((e) => e.payload !== undefined)).toEqual([true, true, false, false, false]);
    expect(q.stats()).toEqual({ queued: 0, written: 5, dropped: 2, payloadsDropped: 3, failed: 0 });

    // Written rows free their payload memory.
    q.enqueue(withKilobytePayload(20));
    await q.flush();
    expect(batches.flat().at(-1)?.payload).toBeDefined();
  });

  it("sheds payloads from half the row bound on, before any row is dropped", async () => {
    const { batches, write } = recorder();
    const q = queue({ write, maxQueued: 8 });
    for (let i = 0; i < 10; i++) q.enqueue({ ...testLogEvent(i), payload: { logId: `log-${i}`, teamId: "team-0", requestBody: "x" } });
    expect(q.stats()).toEqual({ queued: 8, written: 0, dropped: 2, payloadsDropped: 4, failed: 0 });
    await q.flush();
    expect(batches.flat().map((e) => e.payload !== undefined)).toEqual([true, true, true, true, false, false, false, false]);
  });

  it("close gives up waiting for a write that never ends after its deadline, and says how many rows it leaves", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    let release = () => {};
    const q = queue({ write: () => new Promise<void>((resolve) => (release = resolve)) });
    q.enqueue(testLogEvent(1));
    q.enqueue(testLogEvent(2));
    await q.close(20);
    expect(q.stats()).toMatchObject({ queued: 2, written: 0 });
    expect(String(errors.mock.calls[0]?.[0])).toContain("2 log rows not written");
    release();
  });

  it("flush writes everything queued, in batches of batchSize, one write at a time", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const sizes: number[] = [];
    const q = queue({
      batchSize: 400,
      write: async (events) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        sizes.push(events.length);
        inFlight--;
      },
    });
    for (let i = 0; i < 1000; i++) q.enqueue(testLogEvent(i));
    await q.flush();
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(400);
    expect(maxInFlight).toBe(1);
    expect(q.stats()).toMatchObject({ queued: 0, written: 1000 });
  });

  it("starts a write when batchSize rows wait, without waiting for the timer", async () => {
    const { batches, write } = recorder();
    const q = queue({ write, batchSize: 3 });
    q.enqueue(testLogEvent(1));
    q.enqueue(testLogEvent(2));
    q.enqueue(testLogEvent(3));
    q.enqueue(testLogEvent(4));
    await vi.waitFor(() => expect(batches).toHaveLength(1));
    expect(batches[0]).toHaveLength(3);
    // The fourth row waits for the timer or a flush.
    expect(q.stats().queued).toBe(1);
  });

  it("writes on the timer", async () => {
    const { batches, write } = recorder();
    const q = queue({ write, flushIntervalMs: 5 });
    q.enqueue(testLogEvent(1));
    await vi.waitFor(() => expect(batches).toHaveLength(1));
  });

  it("holds a batch while the database cannot be reached and writes it once it can, dropping nothing", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    const terminated = new Error("Failed query: insert …", {
      cause: Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }),
    });
    const { batches, write } = recorder();
    let calls = 0;
    const q = queue({
      maxRetryDelayMs: 4,
      write: async (events) => {
        calls++;
        if (calls <= 6) throw calls % 2 ? refused : terminated;
        await write(events);
      },
    });
    for (let i = 0; i < 5; i++) q.enqueue(testLogEvent(i));
    await q.flush();

    expect(calls).toBe(7);
    expect(batches).toHaveLength(1);
    expect(q.stats()).toEqual({ queued: 0, written: 5, dropped: 0, payloadsDropped: 0, failed: 0 });
    // One line when the outage starts and one when it ends, however many attempts fail.
    expect(errors.mock.calls.map((call) => String(call[0]))).toEqual([
      expect.stringContaining("cannot write log rows (connect ECONNREFUSED 127.0.0.1:5432)"),
      expect.stringContaining("reachable again"),
    ]);
  });

  it("isolates the rows the database refuses: every other row is written, a refused row without its details", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const { batches, write } = recorder();
    const poison = new Set(["log-3", "log-11"]);
    const q = queue({
      write: async (events) => {
        // As the database would: one bad value fails the whole statement. Drizzle's message quotes the
        // parameters; the database's reason is the cause.
        const bad = events.find((e) => poison.has(e.log.id) && e.log.model !== null);
        if (bad) {
          throw new Error(`Failed query: insert … params: ${bad.payload?.requestBody ?? ""}`, {
            cause: Object.assign(new Error('value "99999999999" is out of range for type integer'), { code: "22003" }),
          });
        }
        await write(events);
      },
    });
    for (let i = 0; i < 16; i++) q.enqueue(testLogEvent(i));
    await q.flush();

    const written = batches.flat();
    expect(written.map((e) => e.log.id).sort()).toEqual(range(16).map((i) => `log-${i}`).sort());
    expect(q.stats()).toEqual({ queued: 0, written: 16, dropped: 0, payloadsDropped: 0, failed: 0 });
    for (const event of written) {
      if (!poison.has(event.log.id)) {
        expect(event.log.errorMessage).toBeUndefined();
        continue;
      }
      expect(event.payload).toBeUndefined();
      expect(event.log).toMatchObject({ model: null, path: "", metadata: null, teamId: testLogEvent(3).log.teamId });
      expect(event.log.errorMessage).toBe(
        'Log row stored without its details: the database refused it (22003 value "99999999999" is out of range for type integer)',
      );
    }
    const lines = errors.mock.calls.map((call) => String(call[0]));
    expect(lines).toHaveLength(2);
    expect(lines.join("\n")).not.toContain("secret prompt");
  });

  it("counts a row the database refuses even without its details as failed, and never throws into enqueue", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const { batches, write } = recorder();
    const q = queue({
      write: async (events) => {
        if (events.some((e) => e.log.id === "log-2")) {
          throw new Error("Failed query", { cause: Object.assign(new Error('relation "request_logs" is broken'), { code: "XX000" }) });
        }
        await write(events);
      },
    });
    expect(() => {
      for (let i = 0; i < 3; i++) q.enqueue(testLogEvent(i * 2));
    }).not.toThrow();
    await q.flush();

    expect(batches.flat().map((e) => e.log.id)).toEqual(["log-0", "log-4"]);
    expect(q.stats()).toEqual({ queued: 0, written: 2, dropped: 0, payloadsDropped: 0, failed: 1 });
    expect(errors).toHaveBeenCalledTimes(1);
    expect(String(errors.mock.calls[0]?.[0])).toBe(
      '[logs] log row log-2 (team team-0) dropped; the database refused it, even without its details: XX000 relation "request_logs" is broken',
    );
  });

  it("close with a deadline ends while the database stays unreachable, leaving the held rows counted", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    let calls = 0;
    const q = queue({
      maxRetryDelayMs: 2,
      write: async () => {
        calls++;
        throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
      },
    });
    q.enqueue(testLogEvent(1));
    q.enqueue(testLogEvent(2));
    await q.close(30);
    expect(q.stats()).toMatchObject({ queued: 2, written: 0, failed: 0 });
    expect(errors.mock.calls.map((call) => String(call[0]))).toContain(
      "[logs] 2 log rows not written: the database did not take them within 30 ms",
    );
    // It stopped trying.
    const after = calls;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toBe(after);
  });

  it("refuses events after close and counts them", async () => {
    const { batches, write } = recorder();
    const q = queue({ write });
    q.enqueue(testLogEvent(1));
    await q.close();
    q.enqueue(testLogEvent(2));
    expect(batches.flat().map((e) => e.log.id)).toEqual(["log-1"]);
    expect(q.stats()).toMatchObject({ written: 1, dropped: 1 });
  });
});

describe.each(testDatabases())("LogQueue with the database's log writer on $name", (database) => {
  it("lands every enqueued event in the database on flush", async () => {
    const handle = await database.open();
    try {
      const q = queue({ batchSize: 500, write: (events) => handle.writeLogs(events) });
      for (let i = 0; i < 1234; i++) q.enqueue(testLogEvent(i));
      await q.flush();
      expect(q.stats()).toEqual({ queued: 0, written: 1234, dropped: 0, payloadsDropped: 0, failed: 0 });
      const [logs] = await handle.db.select({ n: count() }).from(requestLogs);
      const [payloads] = await handle.db.select({ n: count() }).from(requestLogPayloads);
      expect([logs?.n, payloads?.n]).toEqual([1234, 617]);
    } finally {
      await handle.close();
    }
  });
});
