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
      const scraped = nextMessage(scraper, "scraped");
      scraper.send({ test: "scrape" });
      const { snapshot } = (await scraped) as { snapshot: MetricsSnapshot };
      const byName = new Map(snapshot.map((f) => [f.name, f]));
      expect(byName.get("fixture_workers")?.samples).toEqual([{ labels: {}, value: 2 }]);
      expect(byName.get("fixture_worker_ids_total")?.samples).toEqual([{ labels: {}, value: first.id + second.id }]);
      const latency = byName.get("fixture_latency");
      expect(latency?.type === "histogram" && latency.samples[0]).toMatchObject({ count: 2, sum: first.id + second.id });
    }
  });

  it("leaves a worker that has exited out of the next scrape", async () => {
    const [first, second] = workers as [Worker, Worker];
    await new Promise<void>((resolve) => {
      second.once("exit", () => resolve());
      second.kill();
    });
    const scraped = nextMessage(first, "scraped");
    first.send({ test: "scrape" });
    const { snapshot } = (await scraped) as { snapshot: MetricsSnapshot };
    expect(snapshot.find((f) => f.name === "fixture_workers")?.samples).toEqual([{ labels: {}, value: 1 }]);
  });
});

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
