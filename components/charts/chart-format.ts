import { formatCompact, formatCost, formatDuration } from "@/lib/utils/format";

/** How a chart's values read; plain data, since server components cannot pass functions to charts. */
/** Money without a precision shows the digits small amounts need (formatCost's default). */
export type ValueKind = { kind: "count" } | { kind: "money"; precision: number | undefined } | { kind: "ms" } | { kind: "rate" };

export function formatValue(value: number | null | undefined, kind: ValueKind): string {
  if (value === null || value === undefined) return "–";
  switch (kind.kind) {
    case "count":
      return formatCompact(Math.round(value));
    case "money":
      return formatCost(value, kind.precision);
    case "ms":
      return formatDuration(value);
    case "rate":
      return `${Math.round(value * 100)}%`;
  }
}

const time = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const dayTime = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const day = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", month: "short", day: "numeric" });

/** A bucket's start as its axis tick: the time within a day, the date for day buckets, both between. */
export function formatBucket(at: number, bucketMs: number, spanMs: number): string {
  if (bucketMs >= 86_400_000) return day.format(at);
  if (spanMs > 86_400_000) return dayTime.format(at);
  return time.format(at);
}

/** The tooltip's heading: the bucket's full span in UTC. */
export function formatBucketSpan(at: number, bucketMs: number): string {
  if (bucketMs >= 86_400_000) return `${day.format(at)} (UTC)`;
  return `${dayTime.format(at)}–${time.format(at + bucketMs)} UTC`;
}
