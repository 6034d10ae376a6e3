import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JsonArrayReader } from "./json-array";
import { SseParser, type EventReader } from "./parse";

/** Any bytes, cut into chunks anywhere: splitting lines, CRLFs and UTF-8 characters. */
const chunked = fc
  .oneof(
    fc.array(fc.constantFrom("data: ", "event: x", "\r", "\n", ":", "{", "}", "[", "]", '"', "\\", ",", "é", "👋", "a", " "), { maxLength: 80 }).map((parts) => new TextEncoder().encode(parts.join(""))),
    fc.uint8Array({ maxLength: 300 }),
  )
  .chain((bytes) =>
    fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, bytes.byteLength - 1) }), { maxLength: 10 }).map((cuts) => {
      const points = [0, ...cuts.filter((c) => c < bytes.byteLength).sort((a, b) => a - b), bytes.byteLength];
      return { bytes, chunks: points.slice(1).map((end, i) => bytes.slice(points[i], end)) };
    }),
  );

function readAll(reader: EventReader, chunks: Uint8Array[]) {
  const events = chunks.flatMap((chunk) => reader.push(chunk));
  return [...events, ...reader.end()];
}

describe("event readers, fuzzed", () => {
  it("never throw on any bytes and read the same events however they are split", () => {
    for (const make of [() => new SseParser(), () => new JsonArrayReader()]) {
      fc.assert(
        fc.property(chunked, ({ bytes, chunks }) => {
          expect(readAll(make(), chunks)).toEqual(readAll(make(), [bytes]));
        }),
        { numRuns: 1_000 },
      );
    }
  });
});
