import { Badge } from "@/components/ui/badge";
import type { RequestLog } from "@/db/schema";
import { cn } from "@/lib/utils/cn";

export function StatusBadge({ log }: { log: Pick<RequestLog, "statusCode" | "success" | "errorMessage"> }) {
  return (
    <Badge variant={log.success ? "success" : log.statusCode >= 500 ? "danger" : "warning"} title={log.errorMessage ?? undefined}>
      {log.statusCode}
    </Badge>
  );
}

export function MetadataChips({ values, className }: { values: Record<string, string | number | boolean> | null; className?: string }) {
  const entries = Object.entries(values ?? {});
  if (entries.length === 0) return <span className="text-muted-foreground">–</span>;
  return (
    <div className={cn("flex flex-wrap gap-1", className)}>
      {entries.map(([key, value]) => (
        <span key={key} className="max-w-full truncate rounded bg-muted px-1.5 py-0.5 font-mono text-[11px]" title={`${key}=${String(value)}`}>
          {key}=<span className="text-muted-foreground">{String(value)}</span>
        </span>
      ))}
    </div>
  );
}

/** A retry ("attempt 2") or a Universal fallback step ("step 1") of a request; nothing for a first try. */
export function AttemptBadges({ log }: { log: Pick<RequestLog, "step" | "attempt"> }) {
  if (log.step === 0 && log.attempt === 1) return null;
  return (
    <>
      {log.step > 0 ? (
        <Badge variant="neutral" title="A fallback step of the Universal endpoint (the first is step 0)" className="whitespace-nowrap">
          step {log.step}
        </Badge>
      ) : null}
      {log.attempt > 1 ? (
        <Badge variant="neutral" title="A retry of the same step" className="whitespace-nowrap">
          attempt {log.attempt}
        </Badge>
      ) : null}
    </>
  );
}

/** Served from the gateway's cache (cf-aig-cache-status: HIT): no provider call, no tokens billed. */
export function CacheHitBadge() {
  return (
    <Badge variant="accent" title="Answered from the gateway's cache: no provider call, no cost">
      HIT
    </Badge>
  );
}
