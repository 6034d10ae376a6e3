import type { BudgetPeriod, WindowTechnique } from "./settings";

/**
 * How a limit's count resets. `fixed`: windows of `seconds` aligned to the clock (a 60 s window
 * resets on the minute, as Cloudflare's). `sliding`: the same windows, with the previous one's count
 * weighted by how much of it the sliding window still covers (Cloudflare's approximation).
 * `calendar`: UTC days, weeks from Monday, months. `lifetime`: never resets (credits).
 */
export type WindowSpec =
  | { kind: "fixed"; seconds: number }
  | { kind: "sliding"; seconds: number }
  | { kind: "calendar"; period: Exclude<BudgetPeriod, "rolling"> }
  | { kind: "lifetime" };

/** The window a moment falls in. */
export interface WindowPosition {
  /** Epoch milliseconds the current window began (0 for `lifetime`): the counter's `windowStart`. */
  start: number;
  /** When it ends and the count resets (Infinity for `lifetime`). */
  end: number;
  /** The previous window's start, for a sliding window. */
  previousStart?: number;
  /** The share of the previous window's count that still counts now (0 < w ≤ 1; 0 unless sliding). */
  previousWeight: number;
}

const DAY_MS = 86_400_000;

export function windowOf(technique: WindowTechnique, seconds: number): WindowSpec {
  return { kind: technique, seconds };
}

export function budgetWindow(period: BudgetPeriod, windowSeconds: number | null): WindowSpec {
  return period === "rolling" ? { kind: "sliding", seconds: windowSeconds ?? 86_400 } : { kind: "calendar", period };
}

export function windowAt(spec: WindowSpec, nowMs: number): WindowPosition {
  switch (spec.kind) {
    case "lifetime":
      return { start: 0, end: Infinity, previousWeight: 0 };
    case "fixed":
    case "sliding": {
      const length = spec.seconds * 1000;
      const start = Math.floor(nowMs / length) * length;
      if (spec.kind === "fixed") return { start, end: start + length, previousWeight: 0 };
      return { start, end: start + length, previousStart: start - length, previousWeight: (length - (nowMs - start)) / length };
    }
    case "calendar": {
      const day = Math.floor(nowMs / DAY_MS) * DAY_MS;
      if (spec.period === "daily") return { start: day, end: day + DAY_MS, previousWeight: 0 };
      if (spec.period === "weekly") {
        // 1970-01-01 was a Thursday: Monday-based weeks start 3 days before every 7th day from it.
        const daysSinceMonday = (new Date(day).getUTCDay() + 6) % 7;
        const start = day - daysSinceMonday * DAY_MS;
        return { start, end: start + 7 * DAY_MS, previousWeight: 0 };
      }
      const now = new Date(nowMs);
      const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
      return { start, end: Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1), previousWeight: 0 };
    }
  }
}

/** How long a window's counter must be kept: its own length, and one more while it weighs on a sliding next. */
export function windowRetentionMs(spec: WindowSpec, position: WindowPosition): number {
  if (spec.kind === "lifetime") return Infinity;
  const length = position.end - position.start;
  return spec.kind === "sliding" ? 2 * length : length;
}

/**
 * Milliseconds from `now` until a counter refused at `position` admits again, if only time passes:
 * `current` counted in this window and `previous` (unweighted) in the one before. Fixed and
 * calendar windows free room when they end. A sliding window frees it as the previous window's
 * weight decays, `floor(previous × w) + current < limit` (admission's own test); when `current`
 * alone fills it, once the next window's weight on `current` has decayed the same way. A lifetime
 * counter never frees room.
 */
export function retryAfterMs(spec: WindowSpec, position: WindowPosition, now: number, current: number, previous: number, limit: number): number | undefined {
  if (spec.kind === "lifetime") return undefined;
  if (spec.kind !== "sliding") return Math.max(0, position.end - now);
  const length = position.end - position.start;
  // floor(p × w) < room ⟺ p × w < room for a whole `room`, with w = (length − e) / length: once
  // e > length × (p − room) / p, computed on whole numbers first so an exact edge stays exact.
  const decayed = (start: number, p: number, room: number) => (p < room ? start : start + Math.floor((length * (p - room)) / p) + 1);
  if (current < limit) return Math.max(0, decayed(position.start, previous, limit - current) - now);
  return Math.max(0, decayed(position.end, current, limit) - now);
}

/** `window 3600s, sliding`, `daily`: how refusals and the dashboard name a window. */
export function describeWindow(spec: WindowSpec): string {
  switch (spec.kind) {
    case "lifetime":
      return "in all";
    case "calendar":
      return spec.period;
    default:
      return `per ${spec.seconds}s, ${spec.kind}`;
  }
}
