import { formatHour, formatNumber } from "@/lib/utils/format";

export interface HourlyPoint {
  hour: Date;
  requests: number;
  errors: number;
}

/**
 * Requests per hour as stacked bars (errors on top), drawn with plain elements on the server: no
 * chart library and no client JavaScript. Screen readers get a one-line summary instead of 24 bars.
 */
export function HourlyBars({ data }: { data: HourlyPoint[] }) {
  const max = Math.max(1, ...data.map((point) => point.requests));
  const total = data.reduce((sum, point) => sum + point.requests, 0);
  const errors = data.reduce((sum, point) => sum + point.errors, 0);
  const busiest = data.reduce((best, point) => (point.requests > best.requests ? point : best), data[0]!);
  const summary =
    total === 0
      ? "No requests in the last 24 hours."
      : `${formatNumber(total)} requests and ${formatNumber(errors)} errors in the last 24 hours; the busiest hour, ${formatHour(busiest.hour)}:00 UTC, had ${formatNumber(busiest.requests)}.`;
  return (
    <figure className="space-y-2">
      <div role="img" aria-label={summary} className="flex h-32 items-end gap-[3px]">
        {data.map((point) => {
          const height = (point.requests / max) * 100;
          const errorShare = point.requests === 0 ? 0 : (point.errors / point.requests) * 100;
          return (
            <div
              key={point.hour.getTime()}
              className="group relative flex h-full flex-1 flex-col justify-end"
              title={`${formatHour(point.hour)}:00 UTC — ${formatNumber(point.requests)} requests, ${formatNumber(point.errors)} errors`}
            >
              <div
                className="flex w-full flex-col overflow-hidden rounded-t-[3px] bg-primary/80 transition-colors group-hover:bg-primary"
                style={{ height: `${Math.max(height, point.requests > 0 ? 2 : 0)}%` }}
              >
                <div className="w-full bg-destructive/85" style={{ height: `${errorShare}%` }} />
              </div>
              {point.requests === 0 ? <div className="h-px w-full bg-border" /> : null}
            </div>
          );
        })}
      </div>
      <div aria-hidden className="flex justify-between text-[11px] text-muted-foreground tabular-nums">
        <span>{formatHour(data[0]!.hour)}:00</span>
        <span>{formatHour(data[Math.floor(data.length / 2)]!.hour)}:00</span>
        <span>{formatHour(data.at(-1)!.hour)}:00 UTC</span>
      </div>
      <figcaption className="flex items-center gap-4 text-xs text-muted-foreground">
        <span className="inline-flex items-center gap-1.5">
          <span aria-hidden className="size-2.5 rounded-sm bg-primary/80" /> Requests
        </span>
        <span className="inline-flex items-center gap-1.5">
          <span aria-hidden className="size-2.5 rounded-sm bg-destructive/85" /> Errors
        </span>
      </figcaption>
    </figure>
  );
}
