/**
 * Display formatting for the portal. Times are shown in UTC, which is what the hourly rollups and
 * the log filters use; the column headers say so.
 */

const integer = new Intl.NumberFormat("en-US");
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

export function formatNumber(n: number): string {
  return integer.format(n);
}

/** 1.2K, 3.4M: for stat tiles, where the exact value is in the title. */
export function formatCompact(n: number): string {
  return n < 10_000 ? integer.format(n) : compact.format(n);
}

/**
 * Micro-dollars as dollars, the one money formatter. With `precision` (the team's display
 * precision, 2–6 decimal places) every amount has that many; an amount too small to show at it
 * says so ("<$0.01") rather than "$0.00". Without it: cents for amounts from a dollar, more digits
 * below so small costs still show.
 */
export function formatCost(micros: number, precision?: number): string {
  if (micros === 0) return "$0";
  // A credit balance below zero, a negative adjustment.
  if (micros < 0) return `-${formatCost(-micros, precision)}`;
  const dollars = micros / 1_000_000;
  if (precision !== undefined) {
    const smallest = 10 ** -precision;
    if (dollars < smallest / 2) return `<$${smallest.toFixed(precision)}`;
    return `$${dollars.toLocaleString("en-US", { minimumFractionDigits: precision, maximumFractionDigits: precision })}`;
  }
  if (dollars >= 1) return `$${dollars.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  if (dollars >= 0.01) return `$${dollars.toFixed(4)}`;
  return `$${dollars.toFixed(6)}`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return "–";
  return `${integer.format(bytes)} ${bytes === 1 ? "byte" : "bytes"}`;
}

export function formatPercent(part: number, whole: number): string {
  if (whole === 0) return "–";
  const pct = (part / whole) * 100;
  return `${pct < 10 && pct > 0 ? pct.toFixed(1) : Math.round(pct)}%`;
}

const dateTime = new Intl.DateTimeFormat("en-US", {
  timeZone: "UTC",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});
const dateOnly = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", year: "numeric", month: "short", day: "numeric" });

/** "Nov 22, 10:23:45" in UTC. */
export function formatDateTime(date: Date): string {
  return dateTime.format(date);
}

/** "Nov 22, 2026" in UTC. */
export function formatDate(date: Date): string {
  return dateOnly.format(date);
}

/** An ISO timestamp with a readable UTC suffix, for `title` attributes. */
export function formatIsoUtc(date: Date): string {
  return date.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

const relative = new Intl.RelativeTimeFormat("en-US", { numeric: "auto" });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["week", 7 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** "3 minutes ago", "in 2 days"; under a minute is "just now". */
export function formatRelative(date: Date, now: Date = new Date()): string {
  const diff = date.getTime() - now.getTime();
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms) return relative.format(Math.round(diff / ms), unit);
  }
  return "just now";
}
