import { inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestLogs } from "@/db/schema";
import { startFakeOpenAI, type FakeOpenAI } from "../fake-providers/openai";
import { testDatabases } from "../support/database";
import { openOutageDatabase, type OutageDatabase } from "../support/database-outage";
import { gatewayEntries, type GatewayEntry } from "../support/entries";
import { startGatewayServer, type GatewayServer } from "../support/gateway-server";
import { bearer, chatBody, postJson } from "../support/http";
import { closeNextEntry } from "../support/next-entry";
import { seedTeam, type SeededTeam } from "../support/seed";

const SOAK_MS = 60_000;
const CLIENTS = 3;
/** Between one client's requests: enough traffic for thousands of rows without taking both cores. */
const PAUSE_MS = 15;

afterAll(closeNextEntry);

interface Traffic {
  name: string;
  body: string;
}

const json = (model: string, extra: Record<string, unknown> = {}) => JSON.stringify(chatBody(model, extra));
/** The mix every client cycles through: answers, streams, provider errors, a cut stream, a row Postgres cannot store as sent. */
const MIX: Traffic[] = [
  { name: "json", body: json("openai/gpt-4o-mini") },
  { name: "stream", body: json("openai/gpt-4o-mini", { stream: true }) },
  { name: "provider 500", body: json("openai/fake-error-500") },
  { name: "json", body: json("openai/gpt-4o-mini") },
  { name: "stream", body: json("openai/gpt-4o-mini", { stream: true }) },
  { name: "provider 429", body: json("openai/fake-error-429") },
  { name: "stream reset upstream", body: json("openai/fake-reset-2", { stream: true }) },
  { name: "NUL in the model", body: json("openai/gpt-4o-mini").replace('"openai/gpt-4o-mini"', '"openai/gpt-4o-mini\\u0000"') },
];

/**
 * A bounded soak: two gateway instances on one database (on Postgres each with its own pool; the
 * second through the Next entry when it is under test), mixed traffic from several clients for a
 * minute, with the database cut off for 10 s and, on Postgres, every connection terminated. Every
 * request must end up with exactly one log row. Memory growth is printed, not asserted.
 */
for (const database of testDatabases()) {
  describe(`soak: two instances on one ${database.name} database, mixed traffic, database faults`, () => {
    let outage: OutageDatabase;
    let fake: FakeOpenAI;
    const servers: GatewayServer[] = [];
    const teams: SeededTeam[] = [];

    beforeAll(async () => {
      outage = await openOutageDatabase(database);
      fake = await startFakeOpenAI();
      fake.slow = { events: 3, intervalMs: 5 };
      const second: GatewayEntry = gatewayEntries().includes("next") ? "next" : "node";
      servers.push(await startGatewayServer("node", { database: outage.gateway }));
      servers.push(await startGatewayServer(second, { database: await outage.openGatewayHandle() }));
      for (let i = 0; i < 2; i++) teams.push(await seedTeam(outage.direct, { serverUrl: servers[0]!.url, keyBaseUrl: fake.baseUrl }));
    });
    afterAll(async () => {
      outage?.endOutage();
      for (const server of servers) await server.close();
      await fake?.close();
      await outage?.close();
    }, 120_000);

    it(`serves ${SOAK_MS / 1000} s of mixed traffic through faults with exactly one log row per request`, { timeout: SOAK_MS + 120_000 }, async () => {
      const logIds: string[] = [];
      const outcomes = new Map<string, number>();
      const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);

      async function send(server: GatewayServer, team: SeededTeam, traffic: Traffic): Promise<void> {
        const url = `${server.url}/v1/${team.team.slug}/${team.gateway.slug}/compat/chat/completions`;
        const res = await postJson(url, traffic.body, bearer(team.token));
        const logId = res.headers.get("cf-aig-log-id");
        // A stream cut upstream may end the body with an error; the log row is what is checked.
        await res.arrayBuffer().catch(() => undefined);
        expect(logId, `${traffic.name} answered ${res.status} without cf-aig-log-id`).toBeTruthy();
        logIds.push(logId!);
        count(`${traffic.name} ${res.status}`);
        // Only the database's absence is being injected: nothing may fail for that.
        expect(res.status, traffic.name).toBeLessThan(traffic.name.startsWith("provider") ? 600 : 500);
      }

      // Each instance serves each team once before any fault, so the snapshot holds them.
      for (const server of servers) for (const team of teams) await send(server, team, MIX[0]!);

      const memoryBefore = process.memoryUsage();
      const ends = Date.now() + SOAK_MS;
      const clients = Array.from({ length: CLIENTS }, async (_, client) => {
        for (let i = client; Date.now() < ends; i++) {
          await send(servers[i % servers.length]!, teams[(i >> 1) % teams.length]!, MIX[i % MIX.length]!);
          await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
        }
      });
      const faults = (async () => {
        await sleep(SOAK_MS / 4);
        outage.startOutage();
        await sleep(10_000);
        outage.endOutage();
        await sleep(SOAK_MS / 4);
        if (database.name === "postgres") {
          await outage.direct.execute(
            sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
          );
        }
      })();
      await Promise.all([...clients, faults]);

      for (const server of servers) await server.flushLogs();
      const memoryAfter = process.memoryUsage();

      const rows = await outage.direct
        .select({ id: requestLogs.id, n: sql<number>`count(*)::int` })
        .from(requestLogs)
        .where(inArray(requestLogs.teamId, teams.map((t) => t.team.id)))
        .groupBy(requestLogs.id);
      expect(new Set(logIds).size).toBe(logIds.length);
      expect(rows.filter((row) => row.n !== 1)).toEqual([]);
      expect(new Set(rows.map((row) => row.id))).toEqual(new Set(logIds));
      for (const server of servers) expect(await server.logStats()).toMatchObject({ queued: 0, dropped: 0, failed: 0 });

      const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
      console.info(
        `[soak ${database.name}] ${logIds.length} requests, ${rows.length} log rows (${[...outcomes].map(([k, v]) => `${k}: ${v}`).join(", ")}); ` +
          `resident memory ${mb(memoryBefore.rss)} → ${mb(memoryAfter.rss)} (${mb(memoryAfter.rss - memoryBefore.rss)}), ` +
          `heap ${mb(memoryBefore.heapUsed)} → ${mb(memoryAfter.heapUsed)}`,
      );
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
