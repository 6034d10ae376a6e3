/**
 * A cluster worker for cluster.test.ts: reports a snapshot made from its worker id, and scrapes
 * the whole cluster when the test asks it to.
 */
import cluster from "node:cluster";
import { clusterMetrics } from "./cluster";
import { Histogram, single } from "./registry";

const id = cluster.worker?.id ?? 0;
const latency = new Histogram([1, 10]);
latency.observe(id);

const scrape = clusterMetrics(async () => [
  single("fixture_workers", "Workers.", "gauge", 1),
  single("fixture_worker_ids_total", "Sum of worker ids.", "counter", id),
  { name: "fixture_latency", help: "Latency.", type: "histogram", bounds: [1, 10], samples: [latency.sample()] },
]);

process.on("message", (message: { test?: string }) => {
  if (message.test !== "scrape") return;
  scrape().then((snapshot) => process.send?.({ test: "scraped", snapshot }));
});
process.send?.({ test: "ready" });
