import { describe, expect, it } from "vitest";
import { Histogram, mergeSnapshots, renderPrometheus, single, type MetricFamily, type MetricsSnapshot } from "./registry";

/** Every line of the text format 0.0.4: a comment, or `name{labels} value`. */
const SAMPLE_LINE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*",?)*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/;

function histogramFamily(name: string, histogram: Histogram, labels = {}): MetricFamily {
  return { name, help: "h", type: "histogram", bounds: [...histogram.bounds], samples: [histogram.sample(labels)] };
}

describe("Histogram", () => {
  it("puts a value in the first bucket whose bound it does not exceed, and above the last bound only in the count", () => {
    const h = new Histogram([0.1, 1, 10]);
    for (const value of [0.05, 0.1, 0.5, 1, 10, 11, 1000]) h.observe(value);
    expect(h.sample()).toEqual({ labels: {}, buckets: [2, 2, 1], sum: 1022.65, count: 7 });
  });
});

describe("renderPrometheus", () => {
  it("renders HELP, TYPE and samples, labels escaped, ending in a newline", () => {
    const text = renderPrometheus([
      {
        name: "requests_total",
        help: "Requests.\nBy status, with a \\ backslash.",
        type: "counter",
        samples: [
          { labels: { status: "200", provider: "openai" }, value: 3 },
          { labels: { status: "500", provider: 'we"ird\\\nname' }, value: 1 },
        ],
      },
      single("queue_depth", "Depth.", "gauge", 0),
    ]);
    expect(text).toBe(
      [
        "# HELP requests_total Requests.\\nBy status, with a \\\\ backslash.",
        "# TYPE requests_total counter",
        'requests_total{status="200",provider="openai"} 3',
        'requests_total{status="500",provider="we\\"ird\\\\\\nname"} 1',
        "# HELP queue_depth Depth.",
        "# TYPE queue_depth gauge",
        "queue_depth 0",
        "",
      ].join("\n"),
    );
    for (const line of text.trimEnd().split("\n")) if (!line.startsWith("#")) expect(line).toMatch(SAMPLE_LINE);
  });

  it("renders a histogram with cumulative buckets, +Inf, _sum and _count", () => {
    const h = new Histogram([0.001, 0.01, 0.1]);
    for (const value of [0.0005, 0.002, 0.003, 0.5]) h.observe(value);
    const text = renderPrometheus([histogramFamily("latency_seconds", h, { route: "chat" })]);
    expect(text.split("\n")).toEqual([
      "# HELP latency_seconds h",
      "# TYPE latency_seconds histogram",
      'latency_seconds_bucket{route="chat",le="0.001"} 1',
      'latency_seconds_bucket{route="chat",le="0.01"} 3',
      'latency_seconds_bucket{route="chat",le="0.1"} 3',
      'latency_seconds_bucket{route="chat",le="+Inf"} 4',
      `latency_seconds_sum{route="chat"} ${0.0005 + 0.002 + 0.003 + 0.5}`,
      'latency_seconds_count{route="chat"} 4',
      "",
    ]);
    for (const line of text.trimEnd().split("\n")) if (!line.startsWith("#")) expect(line).toMatch(SAMPLE_LINE);
  });

  it("renders a family without samples as its HELP and TYPE only", () => {
    expect(renderPrometheus([{ name: "x_total", help: "X.", type: "counter", samples: [] }])).toBe("# HELP x_total X.\n# TYPE x_total counter\n");
  });
});

describe("mergeSnapshots", () => {
  const counter = (samples: { labels: Record<string, string>; value: number }[]): MetricFamily => ({
    name: "requests_total",
    help: "Requests.",
    type: "counter",
    samples,
  });

  it("sums counters and gauges by name and labels, whatever the labels' order, and keeps the rest", () => {
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
    expect(mergeSnapshots([a, b])).toEqual([
      counter([
        { labels: { status: "200", provider: "openai" }, value: 7 },
        { labels: { status: "500", provider: "openai" }, value: 1 },
        { labels: { status: "200", provider: "groq" }, value: 2 },
      ]),
      single("workers", "W.", "gauge", 2),
      single("only_in_b", "B.", "gauge", 7),
    ]);
  });

  it("sums histogram buckets, sums and counts", () => {
    const one = new Histogram([1, 2]);
    const two = new Histogram([1, 2]);
    one.observe(0.5);
    one.observe(3);
    two.observe(1.5);
    two.observe(0.25);
    const [merged] = mergeSnapshots([[histogramFamily("h", one)], [histogramFamily("h", two)]]);
    expect(merged).toEqual({
      name: "h",
      help: "h",
      type: "histogram",
      bounds: [1, 2],
      samples: [{ labels: {}, buckets: [2, 1], sum: 5.25, count: 4 }],
    });
  });

  it("leaves its inputs as they were", () => {
    const a: MetricsSnapshot = [counter([{ labels: { status: "200", provider: "x" }, value: 1 }])];
    const h = new Histogram([1]);
    h.observe(0.5);
    const withHistogram: MetricsSnapshot = [histogramFamily("h", h)];
    const before = JSON.stringify([a, withHistogram]);
    mergeSnapshots([a, a, withHistogram, withHistogram]);
    expect(JSON.stringify([a, withHistogram])).toBe(before);
  });

  it("refuses families that disagree on type or buckets", () => {
    expect(() => mergeSnapshots([[single("x", "X.", "gauge", 1)], [single("x", "X.", "counter", 1)]])).toThrow(/gauge .* counter/);
    expect(() =>
      mergeSnapshots([[histogramFamily("h", new Histogram([1, 2]))], [histogramFamily("h", new Histogram([1, 5]))]]),
    ).toThrow(/different buckets/);
  });

  it("merges snapshots that went through JSON, as they do over the cluster's IPC", () => {
    const h = new Histogram([1]);
    h.observe(2);
    const snapshot: MetricsSnapshot = [histogramFamily("h", h), single("g", "G.", "gauge", 1)];
    const overIpc = JSON.parse(JSON.stringify(snapshot)) as MetricsSnapshot;
    expect(renderPrometheus(mergeSnapshots([snapshot, overIpc]))).toContain('h_bucket{le="+Inf"} 2');
  });
});
