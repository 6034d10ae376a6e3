import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addPackedSketch, mergeSketches, packSketch, RELATIVE_ERROR, SKETCH_BUCKETS, sketchCount, sketchOf, sketchQuantile } from "./sketch";

const latency = fc.integer({ min: 0, max: 3_000_000 });

function exactQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

describe("latency sketches", () => {
  it("answers p50, p95 and p99 within the relative error bound of the exact nearest-rank value", () => {
    fc.assert(
      fc.property(fc.array(latency, { minLength: 1, maxLength: 400 }), fc.constantFrom(0.5, 0.95, 0.99), (values, q) => {
        const exact = exactQuantile(values, q);
        const estimate = sketchQuantile(sketchOf(values), q)!;
        if (exact < 1) expect(estimate).toBe(0);
        // A hair over the bound for floating-point rounding at a bucket's edges.
        else expect(Math.abs(estimate - exact) / exact).toBeLessThanOrEqual(RELATIVE_ERROR + 1e-9);
      }),
    );
  });

  it("merges associatively and commutatively, as the sketch of all the values", () => {
    fc.assert(
      fc.property(fc.array(latency), fc.array(latency), fc.array(latency), (a, b, c) => {
        const [sa, sb, sc] = [sketchOf(a), sketchOf(b), sketchOf(c)];
        const left = mergeSketches(mergeSketches(sa, sb), sc);
        expect(mergeSketches(sa, mergeSketches(sb, sc))).toEqual(left);
        expect(mergeSketches(sb, sa)).toEqual(mergeSketches(sa, sb));
        expect(left).toEqual(sketchOf([...a, ...b, ...c]));
        expect(sketchCount(left)).toBe(a.length + b.length + c.length);
      }),
    );
  });

  it("packs to its non-empty buckets in order, and adding packed sketches merges them", () => {
    fc.assert(
      fc.property(fc.array(latency), fc.array(latency), (a, b) => {
        const [sa, sb] = [sketchOf(a), sketchOf(b)];
        expect(packSketch(sa)).toHaveLength(sa.filter((count) => count > 0).length);
        expect(packSketch(sa)).toEqual([...packSketch(sa)].sort((x, y) => x - y));
        expect(addPackedSketch(addPackedSketch([], packSketch(sa)), packSketch(sb))).toEqual(mergeSketches(sa, sb));
      }),
    );
    // A count past 16 bits and the last bucket survive the round trip.
    expect(addPackedSketch([], packSketch([70_000, 0, 5]))).toEqual([70_000, 0, 5]);
  });

  it("is bounded: values past an hour share the last bucket, and no sketch is longer", () => {
    expect(SKETCH_BUCKETS).toBeLessThan(250);
    const sketch = sketchOf([3_600_000, 10 * 3_600_000, Number.MAX_SAFE_INTEGER]);
    expect(sketch).toHaveLength(SKETCH_BUCKETS);
    expect(sketch.at(-1)).toBe(3);
  });

  it("has no percentile without values, and counts 0 ms and non-numbers in the first bucket", () => {
    expect(sketchQuantile([], 0.5)).toBeNull();
    expect(sketchOf([0, 0.4, Number.NaN])).toEqual([3]);
    expect(sketchQuantile([3], 0.99)).toBe(0);
  });
});
