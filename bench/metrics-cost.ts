/**
 * `npx tsx bench/metrics-cost.ts`: what the metrics calls the gateway makes cost per request, in
 * nanoseconds. A script, not a test; it runs about half a minute on one core.
 *
 * - "per request" is `requestAnswered(status, provider)` + `upstreamAnswered(upstreamMs, totalMs)`,
 *   the two calls every answered request makes; "per stream" is `streamOpened()` + `streamClosed()`.
 * - `GatewayMetrics` is lib/metrics/gateway.ts as it is; "prom-client, recorded directly" is the same
 *   four methods on prom-client's labelled Counter, Histograms and Gauge, the way a direct port
 *   would record them. The two rows decide whether the hot path records into prom-client itself or
 *   into plain numbers that prom-client reads at scrape time.
 * - Each recorder runs in a process of its own: in one process the second would run on call sites
 *   the JIT had already specialised for the first, and look slower than it is.
 *
 * It also prints what moved to the scrape: one process's metrics rendered, and two workers'
 * snapshots (through JSON, as over the cluster's IPC) summed and rendered, in microseconds.
 *
 * Each figure is the process's CPU time (user and system), not wall time, so the other processes of
 * a busy machine do not count; it is the median of several rounds after a warm-up, and the rounds'
 * spread is printed beside it.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { isCustomProviderSlug } from "@/lib/providers";
import { ADDED_LATENCY_BUCKETS, GatewayMetrics, processSnapshot, UPSTREAM_LATENCY_BUCKETS } from "@/lib/metrics/gateway";
import { mergeSnapshots, renderPrometheus, type MetricsSnapshot } from "@/lib/metrics/registry";

type Recorder = Pick<GatewayMetrics, "requestAnswered" | "upstreamAnswered" | "streamOpened" | "streamClosed">;

/** The same label mapping GatewayMetrics applies, so both rows do the same work. */
function providerLabel(provider: string | null): string {
  return provider === null ? "none" : isCustomProviderSlug(provider) ? "custom" : provider;
}

class PromClientRecorder implements Recorder {
  private readonly registry = new Registry();
  private readonly requests = new Counter({ name: "requests_total", help: "h", labelNames: ["status", "provider"], registers: [this.registry] });
  private readonly upstream = new Histogram({ name: "upstream_seconds", help: "h", buckets: UPSTREAM_LATENCY_BUCKETS, registers: [this.registry] });
  private readonly added = new Histogram({ name: "added_seconds", help: "h", buckets: ADDED_LATENCY_BUCKETS, registers: [this.registry] });
  private readonly streams = new Gauge({ name: "streams", help: "h", registers: [this.registry] });

  requestAnswered(status: number, provider: string | null): void {
    this.requests.inc({ status: String(status), provider: providerLabel(provider) });
  }
  upstreamAnswered(upstreamMs: number, totalMs: number): void {
    this.upstream.observe(upstreamMs / 1000);
    this.added.observe(Math.max(0, totalMs - upstreamMs) / 1000);
  }
  streamOpened(): void {
    this.streams.inc();
  }
  streamClosed(): void {
    this.streams.dec();
  }
}

const RECORDERS: Record<string, () => Recorder> = {
  GatewayMetrics: () => new GatewayMetrics(),
  "prom-client, recorded directly": () => new PromClientRecorder(),
};

/** A mix of answers, so neither recorder sees one label set or one bucket only. */
const ANSWERS: { status: number; provider: string | null; upstreamMs: number; totalMs: number }[] = [
  { status: 200, provider: "openai", upstreamMs: 240, totalMs: 240.3 },
  { status: 200, provider: "anthropic", upstreamMs: 900, totalMs: 900.6 },
  { status: 200, provider: "openai", upstreamMs: 35, totalMs: 35.2 },
  { status: 429, provider: "openai", upstreamMs: 12, totalMs: 12.1 },
  { status: 200, provider: "custom-gpu-box", upstreamMs: 4_000, totalMs: 4_001.5 },
  { status: 401, provider: null, upstreamMs: 0, totalMs: 0.05 },
  { status: 200, provider: "google-ai-studio", upstreamMs: 1_800, totalMs: 1_800.9 },
  { status: 500, provider: "groq", upstreamMs: 60, totalMs: 60.4 },
];

const OPS_PER_ROUND = 1_000_000;
const SCRAPES_PER_ROUND = 500;
const ROUNDS = 9;

interface Spread {
  median: number;
  min: number;
  max: number;
}

/** CPU nanoseconds since `start` (a `process.cpuUsage()`), per operation. */
function cpuNsPerOp(start: NodeJS.CpuUsage, ops: number): number {
  const { user, system } = process.cpuUsage(start);
  return ((user + system) * 1000) / ops;
}

async function measure(round: () => number | Promise<number>): Promise<Spread> {
  await round();
  await round();
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) times.push(await round());
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(ROUNDS / 2)]!, min: times[0]!, max: times[ROUNDS - 1]! };
}

function perRequest(recorder: Recorder): number {
  const start = process.cpuUsage();
  for (let i = 0; i < OPS_PER_ROUND; i++) {
    const answer = ANSWERS[i & 7]!;
    recorder.requestAnswered(answer.status, answer.provider);
    recorder.upstreamAnswered(answer.upstreamMs, answer.totalMs);
  }
  return cpuNsPerOp(start, OPS_PER_ROUND);
}

function perStream(recorder: Recorder): number {
  const start = process.cpuUsage();
  for (let i = 0; i < OPS_PER_ROUND; i++) {
    recorder.streamOpened();
    recorder.streamClosed();
  }
  return cpuNsPerOp(start, OPS_PER_ROUND);
}

/** Microseconds per scrape of the snapshots `snapshots()` makes afresh each time, as a scrape does. */
async function perScrape(snapshots: () => MetricsSnapshot[]): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < SCRAPES_PER_ROUND; i++) {
    const all = snapshots();
    await renderPrometheus(all.length === 1 ? all[0]! : await mergeSnapshots(all));
  }
  return cpuNsPerOp(start, SCRAPES_PER_ROUND) / 1000;
}

const format = ({ median, min, max }: Spread, unit: string) => `${median.toFixed(1).padStart(7)} ${unit}  (${min.toFixed(1)}–${max.toFixed(1)})`;

/** In a child: measures one recorder and sends its row. */
async function measureRecorder(name: string): Promise<void> {
  const recorder = RECORDERS[name]!();
  const request = await measure(() => perRequest(recorder));
  const stream = await measure(() => perStream(recorder));
  process.send!(`${name.padEnd(32)}${format(request, "ns").padEnd(32)}${format(stream, "ns")}`);
}

function inChild(name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [name]);
    child.once("message", (row) => resolve(String(row)));
    child.once("exit", (code) => reject(new Error(`measuring ${name} exited with ${code}`)));
  });
}

async function measureScrapes(): Promise<void> {
  // A busy process: six provider labels (custom and none included) by five statuses, both histograms filled.
  const busy = new GatewayMetrics();
  for (const answer of ANSWERS) for (const status of [200, 400, 401, 429, 500]) busy.requestAnswered(status, answer.provider);
  for (let i = 0; i < 10_000; i++) busy.upstreamAnswered(ANSWERS[i & 7]!.upstreamMs, ANSWERS[i & 7]!.totalMs);
  const logs = { queued: 12, written: 10_000, dropped: 0, payloadsDropped: 0, failed: 0 };
  const directory = { teamsLoaded: 5, reloads: 6, invalidations: 7, tokenMisses: 8, queries: 9 };
  const local = () => processSnapshot({ gateway: busy, logs, directory });
  const overIpc = () => JSON.parse(JSON.stringify(local())) as MetricsSnapshot;

  console.log(`\nmedian CPU µs per scrape over ${ROUNDS} rounds of ${SCRAPES_PER_ROUND}`);
  console.log(`${"one process".padEnd(32)}${format(await measure(() => perScrape(() => [local()])), "µs")}`);
  console.log(`${"two workers, summed".padEnd(32)}${format(await measure(() => perScrape(() => [overIpc(), overIpc()])), "µs")}`);
}

const recorder = process.argv[2];
if (recorder) {
  await measureRecorder(recorder);
} else {
  console.log(`median CPU ns per call pair over ${ROUNDS} rounds of ${OPS_PER_ROUND.toLocaleString("en")}, node ${process.version}`);
  console.log(`${"recorder".padEnd(32)}${"per request".padEnd(32)}per stream`);
  for (const name of Object.keys(RECORDERS)) console.log(await inChild(name));
  await measureScrapes();
}
