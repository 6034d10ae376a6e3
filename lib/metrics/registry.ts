/**
 * Metrics as plain data: a snapshot is JSON (so it crosses the cluster's IPC), snapshots of several
 * processes merge by summing, and one snapshot renders as Prometheus text exposition format 0.0.4.
 * Recording happens elsewhere on plain numbers; this module only runs at scrape time, except
 * `Histogram.observe`.
 */

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export type Labels = Readonly<Record<string, string>>;

export interface ValueSample {
  labels: Labels;
  value: number;
}

export interface HistogramSample {
  labels: Labels;
  /** Observations per bucket, not cumulative: `buckets[i]` counts values in (bounds[i-1], bounds[i]]. */
  buckets: number[];
  sum: number;
  /** Every observation, those above the last bound included (the `+Inf` bucket). */
  count: number;
}

export type MetricFamily =
  | { name: string; help: string; type: "counter" | "gauge"; samples: ValueSample[] }
  | { name: string; help: string; type: "histogram"; bounds: number[]; samples: HistogramSample[] };

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

  sample(labels: Labels = {}): HistogramSample {
    return { labels, buckets: Array.from(this.counts), sum: this.sum, count: this.count };
  }
}

/** One family with a single unlabelled sample. */
export function single(name: string, help: string, type: "counter" | "gauge", value: number): MetricFamily {
  return { name, help, type, samples: [{ labels: {}, value }] };
}

/**
 * Sums snapshots of several processes into one: counters, gauges and histogram buckets of the same
 * family and labels add up. Families keep the order in which they first appear.
 */
export function mergeSnapshots(snapshots: MetricsSnapshot[]): MetricsSnapshot {
  const families = new Map<string, MetricFamily>();
  const samples = new Map<string, Map<string, ValueSample | HistogramSample>>();
  for (const snapshot of snapshots) {
    for (const family of snapshot) {
      let merged = families.get(family.name);
      if (!merged) {
        merged = { ...family, samples: [] };
        families.set(family.name, merged);
        samples.set(family.name, new Map());
      } else if (merged.type !== family.type) {
        throw new Error(`metric ${family.name} is a ${merged.type} in one process and a ${family.type} in another`);
      }
      const byLabels = samples.get(family.name)!;
      if (merged.type === "histogram" && family.type === "histogram") {
        if (!sameNumbers(merged.bounds, family.bounds)) throw new Error(`metric ${family.name} has different buckets in two processes`);
        for (const sample of family.samples) {
          const key = labelKey(sample.labels);
          const into = byLabels.get(key) as HistogramSample | undefined;
          if (!into) {
            const copy = { ...sample, buckets: [...sample.buckets] };
            byLabels.set(key, copy);
            merged.samples.push(copy);
            continue;
          }
          for (let i = 0; i < into.buckets.length; i++) into.buckets[i]! += sample.buckets[i] ?? 0;
          into.sum += sample.sum;
          into.count += sample.count;
        }
      } else if (merged.type !== "histogram" && family.type !== "histogram") {
        for (const sample of family.samples) {
          const key = labelKey(sample.labels);
          const into = byLabels.get(key) as ValueSample | undefined;
          if (!into) {
            const copy = { ...sample };
            byLabels.set(key, copy);
            merged.samples.push(copy);
            continue;
          }
          into.value += sample.value;
        }
      }
    }
  }
  return [...families.values()];
}

/** Prometheus text exposition format 0.0.4. */
export function renderPrometheus(snapshot: MetricsSnapshot): string {
  const lines: string[] = [];
  for (const family of snapshot) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    if (family.type === "histogram") {
      const le = family.bounds.map(formatNumber);
      for (const sample of family.samples) {
        let cumulative = 0;
        for (let i = 0; i < le.length; i++) {
          cumulative += sample.buckets[i] ?? 0;
          lines.push(`${family.name}_bucket${renderLabels(sample.labels, le[i])} ${formatNumber(cumulative)}`);
        }
        lines.push(`${family.name}_bucket${renderLabels(sample.labels, "+Inf")} ${formatNumber(sample.count)}`);
        lines.push(`${family.name}_sum${renderLabels(sample.labels)} ${formatNumber(sample.sum)}`);
        lines.push(`${family.name}_count${renderLabels(sample.labels)} ${formatNumber(sample.count)}`);
      }
    } else {
      for (const sample of family.samples) lines.push(`${family.name}${renderLabels(sample.labels)} ${formatNumber(sample.value)}`);
    }
  }
  return lines.join("\n") + "\n";
}

function renderLabels(labels: Labels, le?: string): string {
  const parts = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`);
  if (le !== undefined) parts.push(`le="${le}"`);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

function labelKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
