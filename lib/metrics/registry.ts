/**
 * Metrics as data in prom-client's JSON form, the one `Registry.getMetricsAsJSON()` returns and
 * `AggregatorRegistry.aggregate()` sums: a process's snapshot crosses the cluster's IPC as it is,
 * prom-client sums the snapshots of several processes and renders the text format.
 *
 * Recording happens on plain numbers (GatewayMetrics, this file's Histogram), not on prom-client's
 * Counter and Histogram: their labelled `inc` and `observe` cost about 30 times as much per request
 * (bench/metrics-cost.ts). The numbers become prom-client's at scrape time only.
 */
import { AggregatorRegistry, Registry } from "prom-client";

export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

export type Labels = Readonly<Record<string, string | number>>;

/** One series' value; a histogram's values name their series (`…_bucket`, `…_sum`, `…_count`). */
export interface MetricValue {
  labels: Labels;
  value: number;
  metricName?: string;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram";
  /** How prom-client combines the processes' values: every metric here adds up over the workers. */
  aggregator: "sum";
  values: MetricValue[];
}

/** One process's metrics, or their sum over several. */
export type MetricsSnapshot = MetricFamily[];

/** Fixed buckets in a typed array: observing allocates nothing. */
export class Histogram {
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]!) {
        this.counts[i]!++;
        return;
      }
    }
  }

  /** The family as prom-client's Histogram reports one: cumulative buckets, `+Inf`, `_sum` and `_count`. */
  family(name: string, help: string): MetricFamily {
    const values: MetricValue[] = [];
    let cumulative = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      cumulative += this.counts[i]!;
      values.push({ labels: { le: this.bounds[i]! }, value: cumulative, metricName: `${name}_bucket` });
    }
    values.push(
      { labels: { le: "+Inf" }, value: this.count, metricName: `${name}_bucket` },
      { labels: {}, value: this.sum, metricName: `${name}_sum` },
      { labels: {}, value: this.count, metricName: `${name}_count` },
    );
    return { name, help, type: "histogram", aggregator: "sum", values };
  }
}

/** One family with a single unlabelled value. */
export function single(name: string, help: string, type: "counter" | "gauge", value: number): MetricFamily {
  return { name, help, type, aggregator: "sum", values: [{ labels: {}, value }] };
}

/**
 * Sums snapshots of several processes into one (prom-client's AggregatorRegistry): counters, gauges
 * and histogram buckets of the same name and labels add up, whatever the labels' order.
 */
export async function mergeSnapshots(snapshots: MetricsSnapshot[]): Promise<MetricsSnapshot> {
  // prom-client types a family's `type` as a numeric enum it does not export; at run time it is the name.
  return (await AggregatorRegistry.aggregate(snapshots).getMetricsAsJSON()) as unknown as MetricsSnapshot;
}

/** Prometheus text exposition format 0.0.4, rendered by prom-client's Registry. */
export function renderPrometheus(snapshot: MetricsSnapshot): Promise<string> {
  return AggregatorRegistry.aggregate([snapshot]).metrics();
}
