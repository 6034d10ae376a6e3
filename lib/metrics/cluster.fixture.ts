/**
 * A cluster worker for cluster.test.ts: reports a snapshot made from its worker id, scrapes the
 * whole cluster when the test asks it to, and stops answering the primary when told to stall.
 */
import cluster from "node:cluster";
import { clusterMetrics } from "./cluster";
import { Histogram, single } from "./registry";

const id = cluster.worker?.id ?? 0;
const latency = new Histogram([1, 10]);
latency.observe(id);
let stalled = false;

const scrape = clusterMetrics(async () => {
  if (stalled) await new Promise(() => {});
  return [
    single("fixture_workers", "Workers.", "gauge", 1),
    single("fixture_worker_ids_total", "Sum of worker ids.", "counter", id),
    latency.family("fixture_latency", "Latency."),
  ];
});

process.on("message", (message: { test?: string }) => {
  if (message.test === "stall") {
    stalled = true;
    process.send?.({ test: "stalled" });
  } else if (message.test === "scrape") {
    scrape().then((snapshot) => process.send?.({ test: "scraped", snapshot }));
  }
});
process.send?.({ test: "ready" });
