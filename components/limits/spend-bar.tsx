import type { CounterSpend } from "@/lib/services/limits/spend";
import { cn } from "@/lib/utils/cn";
import { formatCost, formatDateTime } from "@/lib/utils/format";

/** Green under the alert threshold, amber from it, red from the limit: the colour says how close refusal is. */
function tone(percent: number, alertPercent: number | null): "ok" | "alert" | "over" {
  if (percent >= 100) return "over";
  return alertPercent !== null && percent >= alertPercent ? "alert" : "ok";
}

const FILL = { ok: "bg-emerald-500", alert: "bg-amber-500", over: "bg-red-500" } as const;

/**
 * Spent (solid) and held by requests in flight (striped) against the limit, with the alert
 * threshold marked and the reset time below.
 */
export function SpendBar({ spend, alertPercent, label }: { spend: CounterSpend; alertPercent: number | null; label: string }) {
  const state = tone(spend.percent, alertPercent);
  const usedWidth = Math.min(100, (spend.used * 100) / Math.max(1, spend.limit));
  const reservedWidth = Math.min(100 - usedWidth, (spend.reserved * 100) / Math.max(1, spend.limit));
  return (
    <div className="space-y-1" data-testid="spend-bar" data-state={state}>
      <div className="flex items-baseline justify-between gap-3 text-sm">
        <span className="tabular-nums">
          <span className="font-medium">{formatCost(spend.used)}</span>
          <span className="text-muted-foreground"> of {formatCost(spend.limit)}</span>
          {spend.reserved > 0 ? <span className="text-muted-foreground"> · {formatCost(spend.reserved)} in flight</span> : null}
        </span>
        <span className={cn("text-xs tabular-nums", state === "over" ? "text-destructive" : "text-muted-foreground")}>{spend.percent.toFixed(1)}%</span>
      </div>
      <div
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={spend.limit}
        aria-valuenow={Math.min(spend.limit, spend.used + spend.reserved)}
        aria-valuetext={`${formatCost(spend.used + spend.reserved)} of ${formatCost(spend.limit)}`}
        className="relative h-2 overflow-hidden rounded-full bg-muted"
      >
        <div className={cn("absolute inset-y-0 left-0", FILL[state])} style={{ width: `${usedWidth}%` }} />
        <div
          className={cn("absolute inset-y-0 opacity-50", FILL[state])}
          style={{ left: `${usedWidth}%`, width: `${reservedWidth}%` }}
        />
        {alertPercent !== null && alertPercent < 100 ? (
          <div className="absolute inset-y-0 w-px bg-foreground/40" style={{ left: `${alertPercent}%` }} title={`Alert at ${alertPercent}%`} />
        ) : null}
      </div>
      <p className="text-xs text-muted-foreground">{spend.resetAt ? `Resets ${formatDateTime(spend.resetAt)} UTC` : "Never resets"}</p>
    </div>
  );
}
