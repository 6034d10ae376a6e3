import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tapOpenAiStream } from "./openai-stream-tap";
import { drainTap } from "./testing";

const encoder = new TextEncoder();

const usage = fc.record({ prompt_tokens: fc.nat(), completion_tokens: fc.nat(), total_tokens: fc.nat() });
/** Chunks as providers send them, usage chunks included, and JSON that is not one. */
const chunkJson = fc.oneof(
  fc.record({
    id: fc.string(),
    model: fc.string(),
    choices: fc.array(fc.record({ index: fc.nat(), delta: fc.record({ content: fc.string() }), finish_reason: fc.constantFrom(null, "stop") }), { maxLength: 2 }),
  }),
  fc.record({ id: fc.string(), model: fc.string(), choices: fc.constant([]), usage }),
  fc.jsonValue({ maxDepth: 3 }),
);
const lineEnd = fc.constantFrom("\n", "\r\n", "\r");
/** One SSE event (or a stray line), with any of the three line endings. */
const event = fc.oneof(
  fc.tuple(chunkJson, lineEnd).map(([json, end]) => `data: ${JSON.stringify(json)}${end}${end}`),
  fc.tuple(chunkJson, lineEnd).map(([json, end]) => `data:${JSON.stringify(json)}${end}${end}`),
  lineEnd.map((end) => `data: [DONE]${end}${end}`),
  lineEnd.map((end) => `: keep-alive${end}${end}`),
  fc.tuple(fc.string(), fc.string(), lineEnd).map(([name, data, end]) => `event: ${name}${end}data: ${data}${end}${end}`),
  fc.string({ unit: "binary", maxLength: 40 }),
);
/** A stream body: events, or any bytes at all (invalid UTF-8 included). */
const streamBytes = fc.oneof(
  { weight: 3, arbitrary: fc.array(event, { maxLength: 12 }).map((events) => encoder.encode(events.join(""))) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }) },
);
/** The body cut into chunks at arbitrary places, splitting lines, CRLFs and UTF-8 characters. */
const chunked = streamBytes.chain((bytes) =>
  fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, bytes.byteLength - 1) }), { maxLength: 10 }).map((cuts) => {
    const points = [0, ...cuts.filter((c) => c < bytes.byteLength).sort((a, b) => a - b), bytes.byteLength];
    return { bytes, chunks: points.slice(1).map((end, i) => bytes.slice(points[i], end)) };
  }),
);

/** Pipes the chunks through a tap; what came out and the tap's summary. */
function runTap(chunks: Uint8Array[], stripUsageChunk: boolean) {
  const tap = tapOpenAiStream({ stripUsageChunk });
  return { out: Buffer.concat(drainTap(tap, chunks)), summary: tap.summary() };
}

describe("tapOpenAiStream, fuzzed", () => {
  it("forwards any bytes, however they are split, unchanged when it does not strip usage", () => {
    fc.assert(
      fc.property(chunked, ({ bytes, chunks }) => {
        const { out, summary } = runTap(chunks, false);
        expect(Buffer.from(out).equals(Buffer.from(bytes))).toBe(true);
        expect(summary.events).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 1_500 },
    );
  });

  it("never fails on any bytes, however they are split, when it strips the usage chunk", () => {
    fc.assert(
      fc.property(chunked, ({ chunks }) => {
        const { summary } = runTap(chunks, true);
        expect(typeof summary.text).toBe("string");
      }),
      { numRuns: 1_500 },
    );
  });

  it("reads the same usage however the stream is split", () => {
    const events = fc.array(event, { maxLength: 8 }).chain((parts) =>
      usage.map((u) => encoder.encode(`${parts.join("")}\n\ndata: ${JSON.stringify({ choices: [], usage: u })}\n\ndata: [DONE]\n\n`)),
    );
    fc.assert(
      fc.property(events, fc.integer({ min: 1, max: 64 }), (bytes, size) => {
        const whole = runTap([bytes], false);
        const pieces: Uint8Array[] = [];
        for (let i = 0; i < bytes.byteLength; i += size) pieces.push(bytes.slice(i, i + size));
        const split = runTap(pieces, false);
        expect(split.summary.usage).toEqual(whole.summary.usage);
        expect(split.summary.events).toBe(whole.summary.events);
      }),
      { numRuns: 500 },
    );
  });
});
