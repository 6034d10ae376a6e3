import { InvalidInputError } from "@/lib/services/errors";
import { DAY_MS, HOUR_MS, MINUTE_MS, MINUTE_ROLLUP_RETENTION_MS } from "@/lib/logs/rollups";

export const RANGE_PRESETS = { "1h": HOUR_MS, "24h": 24 * HOUR_MS, "7d": 7 * 24 * HOUR_MS, "30d": 30 * 24 * HOUR_MS } as const;
export type RangePreset = keyof typeof RANGE_PRESETS;

/** Minute rollups serve ranges up to this long; longer ones sum hourly rollups. */
const MINUTE_LEVEL_MAX_SPAN_MS = 6 * HOUR_MS;
/** More points than this and a chart's bars or sparkline turn to noise. */
const MAX_POINTS = 180;
const BUCKETS = { minute: [MINUTE_MS, 5 * MINUTE_MS, 15 * MINUTE_MS], hour: [HOUR_MS, DAY_MS] };
/** The longest custom range: a year of hourly rollups in day buckets. */
const MAX_SPAN_MS = 366 * DAY_MS;

/** A resolved range: [from, to) aligned to whole buckets, and which rollups to read. */
export interface AnalyticsRange {
  preset: RangePreset | "custom";
  from: Date;
  to: Date;
  /** The rollups read: the coarsest level whose buckets the range's buckets are made of. */
  level: "minute" | "hour" | "day";
  bucketMs: number;
}

/** What the URL's search params may say: `range` (a preset or "custom") and, for custom, `from` and `to` (ISO dates). */
export interface RangeInput {
  range?: string;
  from?: string;
  to?: string;
}

/**
 * The range the analytics show. Presets end with the bucket that holds `now`. A custom range is
 * checked (from before to, at most a year); a bad one is an InvalidInputError naming the param.
 */
export function resolveRange(input: RangeInput, now: Date = new Date()): AnalyticsRange {
  const preset = input.range ?? "24h";
  if (preset === "custom") {
    const from = parseDate("from", input.from);
    const to = parseDate("to", input.to);
    if (from >= to) throw new InvalidInputError("from: must be before to");
    if (to.getTime() - from.getTime() > MAX_SPAN_MS) throw new InvalidInputError("to: a custom range spans at most 366 days");
    return aligned("custom", from.getTime(), to.getTime(), now);
  }
  if (!isPreset(preset)) throw new InvalidInputError(`range: expected one of ${Object.keys(RANGE_PRESETS).join(", ")} or custom, got "${preset}"`);
  const span = RANGE_PRESETS[preset];
  return aligned(preset, now.getTime() - span, now.getTime(), now);
}

function isPreset(value: string): value is RangePreset {
  return Object.hasOwn(RANGE_PRESETS, value);
}

function aligned(preset: AnalyticsRange["preset"], fromMs: number, toMs: number, now: Date): AnalyticsRange {
  const span = toMs - fromMs;
  // Minute rollups are pruned after MINUTE_ROLLUP_RETENTION_MS: older short ranges read hours.
  const fine = span <= MINUTE_LEVEL_MAX_SPAN_MS && fromMs >= now.getTime() - MINUTE_ROLLUP_RETENTION_MS ? "minute" : "hour";
  const bucketMs = BUCKETS[fine].find((size) => span / size <= MAX_POINTS) ?? BUCKETS[fine].at(-1)!;
  const level = bucketMs === DAY_MS ? "day" : fine;
  const to = Math.ceil(toMs / bucketMs) * bucketMs;
  // Presets keep their length in whole buckets ending with the current one.
  const from = preset === "custom" ? Math.floor(fromMs / bucketMs) * bucketMs : to - Math.ceil(span / bucketMs) * bucketMs;
  return { preset, from: new Date(from), to: new Date(to), level, bucketMs };
}

function parseDate(param: "from" | "to", value: string | undefined): Date {
  if (!value) throw new InvalidInputError(`${param}: a custom range needs from and to (ISO dates, e.g. 2026-11-22T10:00Z)`);
  // A date-time without a zone (what a datetime-local input sends) is UTC, like everything the dashboard shows.
  const date = new Date(/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(value) ? `${value}Z` : value);
  if (Number.isNaN(date.getTime())) throw new InvalidInputError(`${param}: expected an ISO date such as 2026-11-22T10:00Z, got "${value}"`);
  return date;
}

/** The start of every bucket of the range, oldest first. */
export function bucketStarts(range: AnalyticsRange): Date[] {
  const starts: Date[] = [];
  for (let t = range.from.getTime(); t < range.to.getTime(); t += range.bucketMs) starts.push(new Date(t));
  return starts;
}

export type SearchParams = Record<string, string | string[] | undefined>;

/** A search param's (first) value. */
export function searchParam(params: SearchParams, name: string): string | undefined {
  const value = params[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The range a page's search params ask for, or the default (24 h) with the reason when they ask
 * for one that cannot be: the page says what to fix rather than failing.
 */
export function rangeFromSearchParams(params: SearchParams, now: Date = new Date()): { range: AnalyticsRange; error: string | null } {
  try {
    return { range: resolveRange({ range: searchParam(params, "range"), from: searchParam(params, "from"), to: searchParam(params, "to") }, now), error: null };
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    return { range: resolveRange({}, now), error: error.message };
  }
}
