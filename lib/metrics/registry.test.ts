import { describe, expect, it } from "vitest";
import { Histogram, mergeSnapshots, renderPrometheus, single, type MetricFamily, type MetricsSnapshot } from "./registry";

/** Every line of the text format 0.0.4: a comment, or `name{labels} value`. */
const SAMPLE_LINE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*",?)*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/;

function expectSampleLines(text: string) {
  for (const line of text.trimEnd().split("\n")) if (line && !line.startsWith("#")) expect(line).toMatch(SAMPLE_LINE);
}

const counter = (values: { labels: Record<string, string>; value: number }[]): MetricFamily => ({
  name: "requests_total",
  help: "Requests.",
  type: "counter",
  aggregator: "sum",
  values,
});

describe("Histogram", () => {
  it("puts a value in the first bucket whose bound it does not exceed, and above the last bound only in the count", () => {
    const h = new Histogram([0.1, 1, 10]);
    for (const value of [0.05, 0.1, 0.5, 1, 10, 11, 1000]) h.observe(value);
    expect(h.family("h", "H.")).toEqual({
      name: "h",
      help: "H.",
      type: "histogram",
      aggregator: "sum",
      values: [
        { labels: { le: 0.1 }, value: 2, metricName: "h_bucket" },
        { labels: { le: 1 }, value: 4, metricName: "h_bucket" },
        { labels: { le: 10 }, value: 5, metricName: "h_bucket" },
        { labels: { le: "+Inf" }, value: 7, metricName: "h_bucket" },
        { labels: {}, value: 1022.65, metricName: "h_sum" },
        { labels: {}, value: 7, metricName: "h_count" },
      ],
    });
  });
});

describe("renderPrometheus", () => {
  it("renders HELP, TYPE and samples, labels escaped, families apart, ending in a newline", async () => {
    const text = await renderPrometheus([
      {
        ...counter([
          { labels: { status: "200", provider: "openai" }, value: 3 },
          { labels: { status: "500", provider: 'we"ird\\\nname' }, value: 1 },
        ]),
        help: "Requests.\nBy status, with a \\ backslash.",
      },
      single("queue_depth", "Depth.", "gauge", 0),
    ]);
    expect(text).toBe(
      [
        "# HELP requests_total Requests.\\nBy status, with a \\\\ backslash.",
        "# TYPE requests_total counter",
        'requests_total{status="200",provider="openai"} 3',
        'requests_total{status="500",provider="we\\"ird\\\\\\nname"} 1',
        "",
        "# HELP queue_depth Depth.",
        "# TYPE queue_depth gauge",
        "queue_depth 0",
        "",
      ].join("\n"),
    );
    expectSampleLines(text);
  });

  it("renders a histogram with cumulative buckets, +Inf, _sum and _count", async () => {
    const h = new Histogram([0.001, 0.01, 0.1]);
    for (const value of [0.0005, 0.002, 0.003, 0.5]) h.observe(value);
    const text = await renderPrometheus([h.family("latency_seconds", "h")]);
    expect(text.split("\n")).toEqual([
      "# HELP latency_seconds h",
      "# TYPE latency_seconds histogram",
      'latency_seconds_bucket{le="0.001"} 1',
      'latency_seconds_bucket{le="0.01"} 3',
      'latency_seconds_bucket{le="0.1"} 3',
      'latency_seconds_bucket{le="+Inf"} 4',
      `latency_seconds_sum ${0.0005 + 0.002 + 0.003 + 0.5}`,
      "latency_seconds_count 4",
      "",
    ]);
    expectSampleLines(text);
  });

  it("renders a family without values as its HELP and TYPE only", async () => {
    expect(await renderPrometheus([counter([])])).toBe("# HELP requests_total Requests.\n# TYPE requests_total counter\n");
  });
});

describe("mergeSnapshots", () => {
  it("sums counters and gauges by name and labels, whatever the labels' order, and keeps the rest", async () => {
    const a: MetricsSnapshot = [
      counter([
        { labels: { status: "200", provider: "openai" }, value: 3 },
        { labels: { status: "500", provider: "openai" }, value: 1 },
      ]),
      single("workers", "W.", "gauge", 1),
    ];
    const b: MetricsSnapshot = [
      single("workers", "W.", "gauge", 1),
      counter([
        { labels: { provider: "openai", status: "200" }, value: 4 },
        { labels: { status: "200", provider: "groq" }, value: 2 },
      ]),
      single("only_in_b", "B.", "gauge", 7),
    ];
    expect(await mergeSnapshots([a, b])).toEqual([
      counter([
        { labels: { status: "200", provider: "openai" }, value: 7 },
        { labels: { status: "500", provider: "openai" }, value: 1 },
        { labels: { status: "200", provider: "groq" }, value: 2 },
      ]),
      single("workers", "W.", "gauge", 2),
      single("only_in_b", "B.", "gauge", 7),
    ]);
  });

  it("sums histogram buckets, sums and counts", async () => {
    const one = new Histogram([1, 2]);
    const two = new Histogram([1, 2]);
    one.observe(0.5);
    one.observe(3);
    two.observe(1.5);
    two.observe(0.25);
    const both = new Histogram([1, 2]);
    for (const value of [0.5, 3, 1.5, 0.25]) both.observe(value);
    expect(await mergeSnapshots([[one.family("h", "h")], [two.family("h", "h")]])).toEqual([both.family("h", "h")]);
  });

  it("leaves its inputs as they were", async () => {
    const a: MetricsSnapshot = [counter([{ labels: { status: "200", provider: "x" }, value: 1 }])];
    const h = new Histogram([1]);
    h.observe(0.5);
    const withHistogram: MetricsSnapshot = [h.family("h", "h")];
    const before = JSON.stringify([a, withHistogram]);
    await mergeSnapshots([a, a, withHistogram, withHistogram]);
    expect(JSON.stringify([a, withHistogram])).toBe(before);
  });

  it("merges snapshots that went through JSON, as they do over the cluster's IPC", async () => {
    const h = new Histogram([1]);
    h.observe(2);
    const snapshot: MetricsSnapshot = [h.family("h", "h"), single("g", "G.", "gauge", 1)];
    const overIpc = JSON.parse(JSON.stringify(snapshot)) as MetricsSnapshot;
    expect(await renderPrometheus(await mergeSnapshots([snapshot, overIpc]))).toContain('h_bucket{le="+Inf"} 2\n');
  });
});
