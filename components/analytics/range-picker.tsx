import Link from "next/link";
import { buttonVariants } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { RANGE_PRESETS, type AnalyticsRange } from "@/lib/analytics/range";
import { cn } from "@/lib/utils/cn";

/** "2026-11-22T10:00" in UTC, as a datetime-local input shows it. */
function utcLocal(date: Date): string {
  return date.toISOString().slice(0, 16);
}

/** The presets as links and a custom from/to form; the choice lives in the URL's search params, beside the breakdown shown (`by`). */
export function RangePicker({ base, range, by }: { base: string; range: AnalyticsRange; by: string }) {
  return (
    <div className="flex flex-wrap items-end gap-3">
      <nav aria-label="Range" className="flex gap-1">
        {Object.keys(RANGE_PRESETS).map((preset) => (
          <Link
            key={preset}
            href={`${base}?range=${preset}&by=${encodeURIComponent(by)}`}
            aria-current={range.preset === preset ? "page" : undefined}
            className={cn(buttonVariants({ variant: range.preset === preset ? "primary" : "secondary", size: "sm" }))}
          >
            {preset}
          </Link>
        ))}
      </nav>
      <form method="get" action={base} className="flex flex-wrap items-end gap-2" aria-label="Custom range">
        <input type="hidden" name="range" value="custom" />
        <input type="hidden" name="by" value={by} />
        <label className="grid gap-1 text-xs text-muted-foreground">
          From (UTC)
          <Input type="datetime-local" name="from" defaultValue={utcLocal(range.from)} className="h-8 w-56" />
        </label>
        <label className="grid gap-1 text-xs text-muted-foreground">
          To (UTC)
          <Input type="datetime-local" name="to" defaultValue={utcLocal(range.to)} className="h-8 w-56" />
        </label>
        <button type="submit" className={buttonVariants({ variant: range.preset === "custom" ? "primary" : "secondary", size: "sm" })}>
          Apply
        </button>
      </form>
    </div>
  );
}
