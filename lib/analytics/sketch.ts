/**
 * A latency sketch: counts of milliseconds in fixed log-spaced buckets, so sketches of any rows
 * merge by adding their counts element-wise (in SQL too: `sketch_sum`), and a percentile of the
 * merged rows is read from the counts alone. Bucket 0 holds [0, 1) ms; bucket i ≥ 1 holds
 * [GROWTH^(i-1), GROWTH^i) ms; the last bucket also takes everything longer. A percentile is
 * reported as the value in its bucket closest in ratio to both ends, so it is within
 * RELATIVE_ERROR of the true one (for values ≥ 1 ms below the last bucket).
 */
export type Sketch = number[];

/**
 * A sketch as the rollups store it: its non-empty buckets only, each one number, bucket × 2³² +
 * count (an int8 in SQL), in bucket order. A rollup row's sketch has about 17 non-empty buckets of
 * about 100: merging stored sketches (unnest, then sum per bucket) reads a sixth of the elements a
 * dense array would make it read, which is most of an analytics page's time at millions of requests.
 */
export type PackedSketch = number[];

const BUCKET_SHIFT = 2 ** 32;

const GROWTH = 1.08;
const LOG_GROWTH = Math.log(GROWTH);
/** An hour: nothing the gateway logs takes longer. */
const LARGEST_MS = 3_600_000;
export const SKETCH_BUCKETS = 2 + Math.floor(Math.log(LARGEST_MS) / LOG_GROWTH);
export const RELATIVE_ERROR = (GROWTH - 1) / (GROWTH + 1);

function bucketOf(ms: number): number {
  if (!(ms >= 1)) return 0;
  return Math.min(1 + Math.floor(Math.log(ms) / LOG_GROWTH), SKETCH_BUCKETS - 1);
}

/** A sketch of these values; trailing empty buckets are left off. */
export function sketchOf(values: Iterable<number>): Sketch {
  const counts: Sketch = [];
  for (const value of values) addToSketch(counts, value);
  return counts;
}

/** Counts one value into `sketch`, growing it as needed. */
export function addToSketch(sketch: Sketch, ms: number): void {
  const bucket = bucketOf(ms);
  while (sketch.length <= bucket) sketch.push(0);
  sketch[bucket]! += 1;
}

/** The element-wise sum: the sketch of both sketches' values together. */
export function mergeSketches(a: Sketch, b: Sketch): Sketch {
  const merged = a.length >= b.length ? [...a] : [...b];
  const shorter = a.length >= b.length ? b : a;
  shorter.forEach((count, i) => (merged[i]! += count));
  return merged;
}

/** The sketch of `a`'s values without `b`'s, where `b`'s values are some of `a`'s (counts never go below zero). */
export function subtractSketch(a: Sketch, b: Sketch): Sketch {
  return a.map((count, i) => Math.max(0, count - (b[i] ?? 0)));
}

export function packSketch(sketch: Sketch): PackedSketch {
  return sketch.flatMap((count, bucket) => (count === 0 ? [] : [bucket * BUCKET_SHIFT + count]));
}

/** Adds a stored sketch's counts into `sketch` (as merging them would). */
export function addPackedSketch(sketch: Sketch, packed: PackedSketch): Sketch {
  for (const cell of packed) {
    const bucket = Math.floor(cell / BUCKET_SHIFT);
    while (sketch.length <= bucket) sketch.push(0);
    sketch[bucket]! += cell % BUCKET_SHIFT;
  }
  return sketch;
}

export function sketchCount(sketch: Sketch): number {
  return sketch.reduce((sum, count) => sum + count, 0);
}

/**
 * The q-quantile (0 < q ≤ 1) as the nearest-rank method defines it: the value at rank ⌈q·n⌉ of
 * the sorted values; null for an empty sketch.
 */
export function sketchQuantile(sketch: Sketch, q: number): number | null {
  const total = sketchCount(sketch);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let bucket = 0; bucket < sketch.length; bucket++) {
    seen += sketch[bucket]!;
    if (seen >= rank) return representative(bucket);
  }
  return representative(sketch.length - 1);
}

function representative(bucket: number): number {
  if (bucket === 0) return 0;
  const low = GROWTH ** (bucket - 1);
  // The value whose relative distance to both ends of [low, low·GROWTH) is the same.
  return (2 * low * GROWTH) / (1 + GROWTH);
}
