import { inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { requestLogs } from "@/db/schema";
import { databaseAnswers } from "@/lib/health/health";
import { startFakeOpenAI, type FakeOpenAI } from "../fake-providers/openai";
import { testDatabases } from "../support/database";
import { openOutageDatabase, type OutageDatabase } from "../support/database-outage";
import { gatewayEntries } from "../support/entries";
import { startGatewayServer, type GatewayServer } from "../support/gateway-server";
import { bearer, chatBody, json, postJson, readSse } from "../support/http";
import { closeNextEntry } from "../support/next-entry";
import { seedTeam, type SeededTeam } from "../support/seed";

/** As long as the probe had the database gone for. */
const OUTAGE_MS = 30_000;
const REQUEST_EVERY_MS = 1_000;

afterAll(closeNextEntry);

/**
 * The database goes away for 30 s under a running gateway (how, per database: tests/support/database-outage.ts).
 * Warm requests keep being served from the directory snapshot, their log rows wait in the queue and
 * are all written once the database is back, and /api/health says the database is degraded meanwhile.
 */
for (const database of testDatabases()) {
  for (const entry of gatewayEntries()) {
    describe(`a database outage [${database.name}] ${entry} entry`, () => {
      let outage: OutageDatabase;
      let fake: FakeOpenAI;
      let server: GatewayServer;
      let team: SeededTeam;

      beforeAll(async () => {
        outage = await openOutageDatabase(database);
        fake = await startFakeOpenAI();
        server = await startGatewayServer(entry, { database: outage.gateway });
        team = await seedTeam(outage.direct, { serverUrl: server.url, keyBaseUrl: fake.baseUrl });
      });
      afterAll(async () => {
        outage?.endOutage();
        await server?.close();
        await fake?.close();
        await outage?.close();
      });

      /** One request, streamed on odd `i`; returns its log id once the whole answer has arrived. */
      async function served(i: number): Promise<string> {
        const stream = i % 2 === 1;
        const res = await postJson(`${team.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini", { stream }), bearer(team.token));
        expect(res.status).toBe(200);
        if (stream) expect((await readSse(res)).at(-1)).toBe("[DONE]");
        else expect(await json(res)).toHaveProperty("choices");
        return res.headers.get("cf-aig-log-id") ?? "";
      }

      /** `{status, body}` of /api/health; the node entry serves gateway paths only, so there its check runs in-process. */
      async function health(): Promise<{ status: number; body: Record<string, unknown> }> {
        if (entry === "node") {
          const ok = await databaseAnswers(outage.gateway.db);
          return { status: ok ? 200 : 503, body: { ok, database: ok ? "ok" : "degraded" } };
        }
        const res = await fetch(`${server.url}/api/health`);
        return { status: res.status, body: await json(res) };
      }

      it(`serves warm requests for ${OUTAGE_MS / 1000} s without the database and writes every log row once it is back`, { timeout: OUTAGE_MS + 90_000 }, async () => {
        const lines = captureErrorLines();
        const ids = [await served(0), await served(1)];
        await server.flushLogs();
        expect(await health()).toMatchObject({ status: 200, body: { ok: true, database: "ok" } });
        const before = (await server.logStats())!;

        outage.startOutage();
        let degraded: { status: number; body: Record<string, unknown> } | undefined;
        const outageEnds = Date.now() + OUTAGE_MS;
        for (let i = 2; Date.now() < outageEnds; i++) {
          ids.push(await served(i));
          if (i === 6) degraded = await health();
          await new Promise((resolve) => setTimeout(resolve, REQUEST_EVERY_MS));
        }
        const held = (await server.logStats())!;
        outage.endOutage();

        const outageRequests = ids.length - 2;
        expect(outageRequests).toBeGreaterThan(1);
        expect(degraded).toMatchObject({ status: 503, body: { ok: false, database: "degraded" } });
        if (entry === "next") expect(degraded?.body.logBacklog).toBeGreaterThan(0);
        // Nothing written, nothing dropped: the outage's rows wait in memory.
        expect(held).toMatchObject({ written: before.written, dropped: 0, failed: 0 });
        expect(held.queued).toBe(outageRequests);

        await server.flushLogs();
        const rows = await outage.direct.select({ id: requestLogs.id }).from(requestLogs).where(inArray(requestLogs.id, ids));
        expect(rows).toHaveLength(ids.length);
        expect(await server.logStats()).toMatchObject({ queued: 0, written: before.written + outageRequests, dropped: 0, failed: 0 });
        expect(await health()).toMatchObject({ status: 200, body: { ok: true, database: "ok" } });
        lines.expectSingleLine();
        console.info(`[${database.name}/${entry}] ${outage.kind} for ${OUTAGE_MS} ms: ${outageRequests} requests served, ${rows.length} of ${ids.length} log rows written, 0 lost`);
      });

      if (database.name === "postgres") {
        it("survives pg_terminate_backend of every connection: no crash, one line per connection, every row written", async () => {
          const lines = captureErrorLines();
          const ids = [await served(0), await served(1)];
          await server.flushLogs();
          await outage.direct.execute(
            sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
          );
          for (let i = 2; i < 12; i++) ids.push(await served(i));
          await server.flushLogs();
          const rows = await outage.direct.select({ id: requestLogs.id }).from(requestLogs).where(inArray(requestLogs.id, ids));
          expect(rows).toHaveLength(ids.length);
          expect(await server.logStats()).toMatchObject({ queued: 0, dropped: 0, failed: 0 });
          await vi.waitFor(() => expect(lines.all().some((line) => line.includes("57P01"))).toBe(true));
          lines.expectSingleLine();
        });
      }
    });
  }
}

/**
 * What the process writes to console.error and console.warn while the test runs (still printed).
 * Database faults must be reported on one line each, never as a dumped object.
 */
function captureErrorLines() {
  const calls: unknown[][] = [];
  for (const method of ["error", "warn"] as const) {
    const original = console[method].bind(console);
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      calls.push(args);
      original(...args);
    });
  }
  return {
    all: () => calls.map((args) => args.map(String).join(" ")),
    expectSingleLine() {
      for (const args of calls) {
        expect(args.every((arg) => typeof arg === "string")).toBe(true);
        expect(args.join(" ")).not.toContain("\n");
      }
      vi.restoreAllMocks();
    },
  };
}
