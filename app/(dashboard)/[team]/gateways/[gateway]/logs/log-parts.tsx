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
