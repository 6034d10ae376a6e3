/**
 * A percentage element's split. The branch is a pure function of the request's seed (its
 * `cf-aig-event-id` when the client sent one, else its request id) and the element's id, so a client
 * can pin a conversation to one branch, a test can predict the split, and two percentage elements in
 * one route split independently of each other.
 */
import type { RouteOutput } from "./types";

export const MAX_PERCENTAGE_OUTPUTS = 5;
export const ELSE_OUTPUT = "else";
const PERCENT_KEY = /^([1-9][0-9]?|100)%$/;

/** `"10%"` → 10; undefined for anything that is not a whole percentage from 1 to 100. */
export function percentOf(key: string): number | undefined {
  const match = PERCENT_KEY.exec(key);
  return match ? Number(match[1]) : undefined;
}

/**
 * 0..99. FNV-1a over the UTF-16 code units of `seed`, a NUL and `elementId`, then MurmurHash3's
 * finalizer: FNV alone leaves the low bits of near-identical seeds (UUIDv7s from one millisecond)
 * too alike for `% 100`.
 */
export function percentageBucket(seed: string, elementId: string): number {
  let hash = 0x811c9dc5;
  const text = `${seed}\u0000${elementId}`;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) % 100;
}

/**
 * The output a bucket falls in: percentage outputs take consecutive ranges from the smallest
 * percentage up (`"50%"` and `"10%"`: buckets 0–9, then 10–59), `else` the rest. Not in the order
 * written: versions are stored as jsonb, which keeps an object's keys in its own order (shorter
 * first), so the order a route was written in does not survive its save. Undefined when the bucket
 * is past the percentages and there is no `else` (validation refuses such a route).
 */
export function percentageOutput(outputs: Record<string, RouteOutput>, bucket: number): string | undefined {
  const splits = Object.keys(outputs)
    .map((key) => ({ key, percent: percentOf(key) }))
    .filter((split): split is { key: string; percent: number } => split.percent !== undefined)
    .sort((a, b) => a.percent - b.percent);
  let upTo = 0;
  for (const { key, percent } of splits) {
    upTo += percent;
    if (bucket < upTo) return key;
  }
  return Object.hasOwn(outputs, ELSE_OUTPUT) ? ELSE_OUTPUT : undefined;
}

/** What is wrong with a percentage element's outputs, naming the output key where one is at fault. */
export function percentageProblems(outputs: Record<string, RouteOutput>): { output?: string; message: string }[] {
  const problems: { output?: string; message: string }[] = [];
  let total = 0;
  let count = 0;
  for (const key of Object.keys(outputs)) {
    if (key === ELSE_OUTPUT) continue;
    const percent = percentOf(key);
    if (percent === undefined) {
      problems.push({ output: key, message: `"${key}" is not an output of a percentage element; use whole percentages like "10%" (1–100) or "else"` });
      continue;
    }
    total += percent;
    count++;
  }
  if (count === 0) problems.push({ message: 'a percentage element needs at least one output like "10%"' });
  if (count > MAX_PERCENTAGE_OUTPUTS) problems.push({ message: `has ${count} percentage outputs; at most ${MAX_PERCENTAGE_OUTPUTS} plus "else"` });
  if (total > 100) problems.push({ message: `its percentages add up to ${total}%; they must add up to at most 100%` });
  else if (total < 100 && count > 0 && !Object.hasOwn(outputs, ELSE_OUTPUT)) {
    problems.push({ message: `its percentages add up to ${total}%; add an "else" output for the other ${100 - total}%` });
  }
  return problems;
}
