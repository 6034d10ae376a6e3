import cluster, { type Worker } from "node:cluster";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { relayClusterMetrics } from "./cluster";
import type { MetricsSnapshot } from "./registry";

/** Real node:cluster workers (lib/metrics/cluster.fixture.ts) with this test process as their primary. */
describe("metrics across cluster workers", () => {
  const workers: Worker[] = [];
  let stopRelay: (() => void) | undefined;

  beforeAll(async () => {
    stopRelay = relayClusterMetrics();
    cluster.setupPrimary({ exec: fileURLToPath(new URL("./cluster.fixture.ts", import.meta.url)), execArgv: ["--import", "tsx"] });
    for (let i = 0; i < 2; i++) workers.push(cluster.fork());
    await Promise.all(workers.map((w) => nextMessage(w, "ready")));
  });

  afterAll(async () => {
    stopRelay?.();
    await Promise.all(
      workers.map((w) =>
        w.isDead() ? undefined : new Promise<void>((resolve) => {
          w.once("exit", () => resolve());
          w.kill();
        }),
      ),
    );
  });

  it("one worker's scrape sums every worker's counters, gauges and histogram buckets", async () => {
    const [first, second] = workers as [Worker, Worker];
    for (const scraper of [first, second]) {
      const values = await scrapeThrough(scraper);
      expect(values.get("fixture_workers")).toBe(2);
      expect(values.get("fixture_worker_ids_total")).toBe(first.id + second.id);
      expect(values.get("fixture_latency_count")).toBe(2);
      expect(values.get("fixture_latency_sum")).toBe(first.id + second.id);
      // Worker ids 1 and 2 both land in the first bucket.
      expect(values.get('fixture_latency_bucket{le="1"}')).toBe(1);
      expect(values.get('fixture_latency_bucket{le="10"}')).toBe(2);
    }
  });

  it("leaves a worker that does not answer in time out of that scrape", async () => {
    const [first, second] = workers as [Worker, Worker];
    const stalled = nextMessage(second, "stalled");
    second.send({ test: "stall" });
    await stalled;
    const values = await scrapeThrough(first);
    expect(values.get("fixture_workers")).toBe(1);
    expect(values.get("fixture_worker_ids_total")).toBe(first.id);
  });

  it("leaves a worker that has exited out of the next scrape", async () => {
    const [first, second] = workers as [Worker, Worker];
    await new Promise<void>((resolve) => {
      second.once("exit", () => resolve());
      second.kill();
    });
    expect((await scrapeThrough(first)).get("fixture_workers")).toBe(1);
  });
});

/** Has `worker` scrape the cluster and returns each series (`name{labels}`) with its value. */
async function scrapeThrough(worker: Worker): Promise<Map<string, number>> {
  const scraped = nextMessage(worker, "scraped");
  worker.send({ test: "scrape" });
  const { snapshot } = (await scraped) as { snapshot: MetricsSnapshot };
  const series = new Map<string, number>();
  for (const family of snapshot) {
    for (const { metricName = family.name, labels, value } of family.values) {
      const rendered = Object.entries(labels).map(([name, label]) => `${name}="${label}"`);
      series.set(rendered.length ? `${metricName}{${rendered.join(",")}}` : metricName, value);
    }
  }
  return series;
}

function nextMessage(worker: Worker, test: string): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (message: { test?: string }) => {
      if (message.test !== test) return;
      worker.off("message", onMessage);
      resolve(message);
    };
    worker.on("message", onMessage);
  });
}
