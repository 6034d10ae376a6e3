import { describe, expect, it } from "vitest";
import { GatewayMetrics, processSnapshot } from "./gateway";
import { renderPrometheus, type MetricsSnapshot } from "./registry";

const idleLogs = { queued: 0, written: 0, dropped: 0, payloadsDropped: 0, failed: 0 };

function family(snapshot: MetricsSnapshot, name: string) {
  const found = snapshot.find((f) => f.name === name);
  if (!found) throw new Error(`no ${name} in ${snapshot.map((f) => f.name).join(", ")}`);
  return found;
}

/** One series of a histogram: `_sum`, `_count`, or `_bucket` with its `le`. */
function series(snapshot: MetricsSnapshot, name: string, suffix: string, le?: number): number | undefined {
  return family(snapshot, name).values.find((v) => v.metricName === `${name}${suffix}` && v.labels.le === le)?.value;
}

describe("GatewayMetrics", () => {
  it("counts requests by status and provider, custom providers as one label and unknown ones as none", () => {
    const m = new GatewayMetrics();
    m.requestAnswered(200, "openai");
    m.requestAnswered(200, "openai");
    m.requestAnswered(429, "openai");
    m.requestAnswered(200, "custom-gpu-box");
    m.requestAnswered(200, "custom-other-team");
    m.requestAnswered(401, null);
    expect(family(processSnapshot({ gateway: m, logs: idleLogs }), "switchyard_requests_total").values).toEqual([
      { labels: { status: "200", provider: "openai" }, value: 2 },
      { labels: { status: "429", provider: "openai" }, value: 1 },
      { labels: { status: "200", provider: "custom" }, value: 2 },
      { labels: { status: "401", provider: "none" }, value: 1 },
    ]);
  });

  it("times the upstream and, as added latency, the rest of the time to the response headers", () => {
    const m = new GatewayMetrics();
    m.upstreamAnswered(250, 250.4);
    const snapshot = processSnapshot({ gateway: m, logs: idleLogs });
    expect(series(snapshot, "switchyard_upstream_latency_seconds", "_sum")).toBe(0.25);
    expect(series(snapshot, "switchyard_upstream_latency_seconds", "_count")).toBe(1);
    expect(series(snapshot, "switchyard_added_latency_seconds", "_sum")).toBeCloseTo(0.0004, 10);
    // 0.4 ms lands in the 0.5 ms bucket, the first that holds it.
    expect(series(snapshot, "switchyard_added_latency_seconds", "_bucket", 0.00025)).toBe(0);
    expect(series(snapshot, "switchyard_added_latency_seconds", "_bucket", 0.0005)).toBe(1);
  });

  it("tracks streams in flight", () => {
    const m = new GatewayMetrics();
    m.streamOpened();
    m.streamOpened();
    m.streamClosed();
    expect(family(processSnapshot({ gateway: m, logs: idleLogs }), "switchyard_streams_in_flight").values).toEqual([
      { labels: {}, value: 1 },
    ]);
  });
});

describe("processSnapshot", () => {
  it("reports every metric the README lists", async () => {
    const text = await renderPrometheus(
      processSnapshot({
        gateway: new GatewayMetrics(),
        logs: { queued: 3, written: 10, dropped: 1, payloadsDropped: 2, failed: 4 },
        directory: { teamsLoaded: 5, reloads: 6, invalidations: 7, tokenMisses: 8, queries: 9 },
      }),
    );
    for (const line of [
      "# TYPE switchyard_requests_total counter",
      "# TYPE switchyard_upstream_latency_seconds histogram",
      "# TYPE switchyard_added_latency_seconds histogram",
      "switchyard_streams_in_flight 0",
      "switchyard_log_queue_depth 3",
      "switchyard_log_rows_written_total 10",
      "switchyard_log_rows_dropped_total 1",
      "switchyard_log_payloads_dropped_total 2",
      "switchyard_log_write_failures_total 4",
      "switchyard_snapshot_teams_loaded 5",
      "switchyard_snapshot_reloads_total 6",
      "switchyard_snapshot_invalidations_total 7",
      "switchyard_snapshot_token_misses_total 8",
      "switchyard_snapshot_queries_total 9",
      "switchyard_workers 1",
    ]) {
      expect(text).toContain(`${line}\n`);
    }
    expect(text).toMatch(/\nprocess_resident_memory_bytes [1-9][0-9]*\n/);
  });
});
