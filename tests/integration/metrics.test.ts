import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { createGateway } from "@/lib/gateway";
import { isGatewayPath } from "@/lib/gateway/paths";
import { LogQueue, type LogQueueOptions } from "@/lib/logs/queue";
import type { LogEvent } from "@/lib/logs/types";
import { writeLogBatch } from "@/lib/logs/writer";
import { GatewayMetrics, processSnapshot } from "@/lib/metrics/gateway";
import { metricsHandler } from "@/lib/metrics/http";
import { createSnapshotDirectory } from "@/lib/state/snapshot-directory";
import { createRequestListener } from "@/server";
import { startFakeOpenAI, type FakeOpenAI } from "../fake-providers/openai";
import { testDatabases } from "../support/database";
import { bearer, chatBody, postJson, SseReader } from "../support/http";
import { testKeyring } from "../support/keyring";
import { seedTeam, type SeededTeam } from "../support/seed";
import { PostgresCounterStore } from "@/lib/limits/postgres-store";

const TOKEN = "metrics-test-token-6c1f0e9b2a";

interface Instance {
  url: string;
  logs: LogQueue;
  /** Paths the request listener handed to Next. */
  nextPaths: string[];
  close(): Promise<void>;
}

/**
 * The gateway and the metrics endpoint behind server.ts's own request listener (`createRequestListener`),
 * with a stand-in for Next; the real `startServer` needs a production build of the app.
 */
async function startInstance(
  handle: DatabaseHandle,
  { metricsOff = false, ...queue }: { metricsOff?: boolean } & Partial<LogQueueOptions> = {},
): Promise<Instance> {
  const { db } = handle;
  const metrics = new GatewayMetrics();
  const logs = new LogQueue({ write: (events) => writeLogBatch(db, events), ...queue });
  const gateway = createGateway({ directory: createSnapshotDirectory(db, testKeyring), logs, metrics, allowPrivateUpstreams: true, maxBodyBytes: 1024 * 1024, limitStore: new PostgresCounterStore(db) });
  const nextPaths: string[] = [];
  const notMetrics = (req: IncomingMessage, res: ServerResponse) => {
    nextPaths.push(req.url ?? "");
    res.writeHead(404, { "content-type": "text/plain" }).end("Next");
  };
  const server = createServer(
    createRequestListener({
      gateway: (request) => gateway.serve(request),
      metrics: metricsHandler(metricsOff ? undefined : TOKEN, async () =>
        processSnapshot({ gateway: metrics, logs: logs.stats(), directory: gateway.stats().directory }),
      ),
      health: notMetrics,
      next: notMetrics,
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    logs,
    nextPaths,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.close();
      await logs.close();
    },
  };
}

/** Scrapes `/metrics` and returns each series (`name{labels}`) with its value. */
async function scrape(url: string): Promise<Map<string, number>> {
  const res = await fetch(`${url}/metrics`, { headers: bearer(TOKEN) });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  const series = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    series.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return series;
}

const OPENAI_200 = 'switchyard_requests_total{status="200",provider="openai"}';

for (const database of testDatabases()) {
  describe(`GET /metrics [${database.name}]`, () => {
    let handle: DatabaseHandle;
    let fake: FakeOpenAI;
    let instance: Instance;
    let team: SeededTeam;

    beforeAll(async () => {
      handle = await database.open();
      fake = await startFakeOpenAI();
      instance = await startInstance(handle);
      team = await seedTeam(handle.db, { serverUrl: instance.url, keyBaseUrl: fake.baseUrl });
    });
    afterAll(async () => {
      await instance?.close();
      await fake?.close();
      await handle?.close();
    });

    it("answers 404 when no metrics token is configured", async () => {
      const off = await startInstance(handle, { metricsOff: true });
      try {
        expect((await fetch(`${off.url}/metrics`)).status).toBe(404);
        expect((await fetch(`${off.url}/metrics`, { headers: bearer(TOKEN) })).status).toBe(404);
        expect(off.nextPaths).toEqual([]);
      } finally {
        await off.close();
      }
    });

    it("refuses a scrape without the token, with a wrong one or another scheme", async () => {
      for (const headers of [{}, bearer("not-the-token"), bearer(`${TOKEN}x`), { authorization: `Basic ${TOKEN}` }]) {
        const res = await fetch(`${instance.url}/metrics`, { headers });
        expect(res.status).toBe(401);
        expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
        expect(await res.text()).not.toContain("switchyard_");
      }
      expect((await fetch(`${instance.url}/metrics`, { method: "POST", headers: bearer(TOKEN) })).status).toBe(405);
    });

    it("serves the Prometheus text format with the token, before Next sees the path", async () => {
      const res = await fetch(`${instance.url}/metrics?ignored=1`, { headers: bearer(TOKEN) });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
      const text = await res.text();
      for (const name of [
        "switchyard_requests_total",
        "switchyard_upstream_latency_seconds",
        "switchyard_added_latency_seconds",
        "switchyard_streams_in_flight",
        "switchyard_log_queue_depth",
        "switchyard_log_rows_written_total",
        "switchyard_log_rows_dropped_total",
        "switchyard_log_payloads_dropped_total",
        "switchyard_log_write_failures_total",
        "switchyard_snapshot_teams_loaded",
        "switchyard_snapshot_reloads_total",
        "process_resident_memory_bytes",
      ]) {
        expect(text).toMatch(new RegExp(`^# TYPE ${name} `, "m"));
      }
      expect(isGatewayPath("/metrics")).toBe(false);
      await fetch(`${instance.url}/metricsx`);
      expect(instance.nextPaths).toEqual(["/metricsx"]);
    });

    it("moves the request counter, both latency histograms and the written log rows after a request", async () => {
      const before = await scrape(instance.url);
      const res = await postJson(`${team.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(team.token));
      expect(res.status).toBe(200);
      await res.text();
      await instance.logs.flush();
      const after = await scrape(instance.url);

      const delta = (series: string) => (after.get(series) ?? 0) - (before.get(series) ?? 0);
      expect(delta(OPENAI_200)).toBe(1);
      expect(delta("switchyard_upstream_latency_seconds_count")).toBe(1);
      expect(delta('switchyard_upstream_latency_seconds_bucket{le="+Inf"}')).toBe(1);
      expect(delta("switchyard_upstream_latency_seconds_sum")).toBeGreaterThan(0);
      expect(delta("switchyard_added_latency_seconds_count")).toBe(1);
      expect(delta("switchyard_log_rows_written_total")).toBe(1);
      expect(after.get("switchyard_log_queue_depth")).toBe(0);
      // The team was loaded into the directory snapshot for it (or for an earlier request).
      expect(after.get("switchyard_snapshot_reloads_total")).toBeGreaterThanOrEqual(1);
      expect(after.get("switchyard_snapshot_teams_loaded")).toBeGreaterThanOrEqual(1);
    });

    it("counts a refused request under its status, with provider none", async () => {
      const before = await scrape(instance.url);
      const res = await postJson(`${team.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer("sy_wrong"));
      expect(res.status).toBe(401);
      const after = await scrape(instance.url);
      const series = 'switchyard_requests_total{status="401",provider="none"}';
      expect((after.get(series) ?? 0) - (before.get(series) ?? 0)).toBe(1);
      // No provider answered, so nothing was timed.
      expect(after.get("switchyard_upstream_latency_seconds_count")).toBe(before.get("switchyard_upstream_latency_seconds_count"));
    });

    it("shows a stream in flight until it has ended", async () => {
      const res = await postJson(`${team.gatewayUrl}/compat/chat/completions`, chatBody("openai/fake-gated", { stream: true }), bearer(team.token));
      expect(res.status).toBe(200);
      const reader = new SseReader(res);
      await reader.next();
      expect((await scrape(instance.url)).get("switchyard_streams_in_flight")).toBe(1);

      (await fake.waitForStream((s) => s.request.headers.authorization === `Bearer ${team.providerKey}`)).release();
      expect((await reader.rest()).at(-1)).toBe("[DONE]");
      await vi.waitFor(async () => expect((await scrape(instance.url)).get("switchyard_streams_in_flight")).toBe(0));
    });
  });

  describe(`logging when the database does not answer [${database.name}]`, () => {
    let handle: DatabaseHandle;
    let fake: FakeOpenAI;

    beforeAll(async () => {
      handle = await database.open();
      fake = await startFakeOpenAI();
    });
    afterAll(async () => {
      await fake?.close();
      await handle?.close();
    });

    it("never blocks a request: the queue fills to its bound, sheds payloads, then rows, and counts both", async () => {
      // Log writes that hang until the end of the test, as on a database that stopped answering.
      const hanging: (() => void)[] = [];
      let answering = false;
      const write = (_events: LogEvent[]) =>
        answering ? Promise.resolve() : new Promise<void>((resolve) => void hanging.push(resolve));
      const instance = await startInstance(handle, { write, maxQueued: 10, flushIntervalMs: 5 });
      try {
        const team = await seedTeam(handle.db, { serverUrl: instance.url, keyBaseUrl: fake.baseUrl });
        for (let i = 0; i < 25; i++) {
          const res = await postJson(`${team.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(team.token));
          expect(res.status).toBe(200);
          await res.text();
        }
        await vi.waitFor(() => expect(hanging.length).toBeGreaterThan(0));

        // 10 rows held (the first 5 with their payloads), the other 15 dropped whole.
        expect(instance.logs.stats()).toEqual({ queued: 10, written: 0, dropped: 15, payloadsDropped: 5, failed: 0 });
        const metrics = await scrape(instance.url);
        expect(metrics.get("switchyard_log_queue_depth")).toBe(10);
        expect(metrics.get("switchyard_log_rows_dropped_total")).toBe(15);
        expect(metrics.get("switchyard_log_payloads_dropped_total")).toBe(5);
        expect(metrics.get(OPENAI_200)).toBe(25);

        // Once the database answers again, the held rows are written.
        answering = true;
        for (const resolve of hanging.splice(0)) resolve();
        await instance.logs.flush();
        expect(instance.logs.stats()).toMatchObject({ queued: 0, written: 10, dropped: 15 });
      } finally {
        answering = true;
        for (const resolve of hanging.splice(0)) resolve();
        await instance.close();
      }
    });
  });
}
