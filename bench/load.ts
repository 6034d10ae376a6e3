/**
 * Load generation for the bench. autocannon (pinned) measures saturation throughput; latency and
 * streams use our own closed-loop clients on undici because autocannon records whole
 * milliseconds, too coarse for "added p99 ≤ 1 ms".
 */
import autocannon from "autocannon";
import { Pool } from "undici";

export interface Target {
  name: string;
  origin: string;
  path: string;
  headers: Record<string, string>;
  pid?: number;
  /** The chat body's `model`: `gpt-4o-mini` unless the surface needs `{provider}/{model}`. */
  model?: string;
  /** A body in another format than OpenAI Chat's (Bedrock's Converse), sent as is. */
  body?: string;
}

export const chatBody = (target: Target) => target.body ?? JSON.stringify({ model: target.model ?? "gpt-4o-mini", messages: [{ role: "user", content: "Say hello." }] });

/** Latencies in ms: autocannon's are whole milliseconds, wrk's have microseconds. */
export interface Throughput {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

export async function throughput(target: Target, connections: number, seconds: number, body = chatBody(target)): Promise<Throughput> {
  const result = await autocannon({
    url: target.origin + target.path,
    method: "POST",
    headers: { "content-type": "application/json", ...target.headers },
    body,
    connections,
    duration: seconds,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

export interface Latency {
  p50: number;
  p99: number;
  requests: number;
  errors: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Closed loop: `concurrency` clients each send the next request when the last one finishes. */
export async function latency(target: Target, concurrency: number, seconds: number, body = chatBody(target)): Promise<Latency> {
  const pool = new Pool(target.origin, { connections: concurrency, pipelining: 1 });
  const samples: number[] = [];
  let errors = 0;
  const send = async () => {
    const start = process.hrtime.bigint();
    const res = await pool.request({
      method: "POST",
      path: target.path,
      headers: { "content-type": "application/json", ...target.headers },
      body,
    });
    await res.body.arrayBuffer();
    if (res.statusCode !== 200) errors++;
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  for (let i = 0; i < concurrency * 20; i++) await send(); // warm connections and code paths
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) samples.push(await send());
    }),
  );
  await pool.close();
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), requests: samples.length, errors };
}

export interface Streams {
  streams: number;
  completed: number;
  lostEvents: number;
  /** Streams with a gap between events over 10× the upstream's gap. */
  stalled: number;
  ttfbP50: number;
  ttfbP99: number;
  /**
   * How late each delta arrives against the upstream's pace (delta i is sent i gaps after the
   * first): per stream the mean of (arrival − the stream's first byte − i × gap), the median over
   * streams. From the first byte, not the first delta, so that a stage holding text back (DLP) shows
   * here also when it holds the first delta.
   */
  chunkLagP50: number;
}

/** A chunk's text; a translated stream opens with a role chunk whose content is "". */
const CONTENT = /"content":"([^"]*)"/g;
const CONTENT_START = '"content":"';

/**
 * The upstream's deltas are ` t0` … ` t63`, one `t` each. Counting the `t`s of the text, not the
 * events, counts deltas also when a stage that holds text back (DLP) lets several go in one event,
 * or one delta's digits in the next.
 */
function deltasIn(content: string): number {
  let count = 0;
  for (let index = content.indexOf("t"); index !== -1; index = content.indexOf("t", index + 1)) count++;
  return count;
}

/**
 * Opens `count` streams at once, each `events` deltas `gapMs` apart, and checks every event
 * arrives on time. The length and pace go to the fake upstream as headers (see upstream.ts).
 * At 1,024 streams the client reads some 50,000 events a second on a machine it shares with the
 * contender, so it counts deltas in each chunk as it arrives ('data' events, one regular
 * expression, a few carried characters) rather than parsing events.
 */
export async function streams(target: Target, count: number, events: number, gapMs: number): Promise<Streams> {
  const pool = new Pool(target.origin, { connections: count, pipelining: 1 });
  const body = JSON.stringify({ model: target.model ?? "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "Stream." }] });
  const headers = { "content-type": "application/json", "x-bench-events": String(events), "x-bench-gap-ms": String(gapMs), ...target.headers };
  const ttfbs: number[] = [];
  const lags: number[] = [];
  let completed = 0;
  let lostEvents = 0;
  let stalled = 0;
  await Promise.all(
    Array.from({ length: count }, async () => {
      const start = performance.now();
      let seen = 0;
      let last = start;
      let maxGap = 0;
      let firstByte = 0;
      let lagSum = 0;
      try {
        const res = await pool.request({ method: "POST", path: target.path, headers, body });
        let carried = "";
        res.body.on("data", (part: Buffer) => {
          const now = performance.now();
          if (last === start) {
            firstByte = now;
            ttfbs.push(now - start);
          } else maxGap = Math.max(maxGap, now - last);
          last = now;
          const text = carried + part.toString("latin1");
          let deltas = 0;
          let read = 0;
          for (const match of text.matchAll(CONTENT)) {
            deltas += deltasIn(match[1]!);
            read = match.index + match[0].length;
          }
          for (let index = seen; index < seen + deltas; index++) {
            lagSum += now - firstByte - index * gapMs;
          }
          seen += deltas;
          // A content string the chunk cut off is read whole with the next chunk.
          const open = text.lastIndexOf(CONTENT_START);
          carried = open >= read ? text.slice(open) : text.slice(Math.max(read, text.length - CONTENT_START.length));
        });
        await new Promise((resolve, reject) => res.body.once("end", resolve).once("error", reject));
      } catch {
        // A failed stream counts as lost events below.
      }
      if (seen > 0) lags.push(lagSum / seen);
      // A stage that holds text back may let it go in one more event at the end.
      if (seen >= events) completed++;
      lostEvents += Math.max(0, events - seen);
      if (maxGap > gapMs * 10) stalled++;
    }),
  );
  await pool.close();
  ttfbs.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  return { streams: count, completed, lostEvents, stalled, ttfbP50: percentile(ttfbs, 50), ttfbP99: percentile(ttfbs, 99), chunkLagP50: percentile(lags, 50) };
}
