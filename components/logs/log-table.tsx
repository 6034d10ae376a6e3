import Link from "next/link";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { wireFormatName } from "@/lib/services/logs/formats";
import type { LogListRow } from "@/lib/services/logs/list";
import { formatCost, formatDateTime, formatDuration, formatIsoUtc, formatNumber } from "@/lib/utils/format";
import { AttemptBadges, CacheHitBadge, MetadataChips, StatusBadge } from "./log-parts";

/** The rows of a log list; the team-wide list adds the gateway, "none" for a refusal before one was found. */
export function LogTable({ logs, base, teamWide }: { logs: LogListRow[]; base: string; teamWide: boolean }) {
  return (
    <Table>
      <TableHeader>
        <TableRow>
          <TableHead>Time (UTC)</TableHead>
          <TableHead>Status</TableHead>
          {teamWide ? <TableHead>Gateway</TableHead> : null}
          <TableHead>Path</TableHead>
          <TableHead>Provider · client format</TableHead>
          <TableHead>Model</TableHead>
          <TableHead>Token</TableHead>
          <TableHead className="text-right">Tokens in / out</TableHead>
          <TableHead className="text-right">Cost</TableHead>
          <TableHead className="text-right">Duration</TableHead>
          <TableHead>Cache</TableHead>
          <TableHead>Metadata</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {logs.map((log) => (
          <TableRow key={log.id} className="text-[13px]">
            <TableCell className="whitespace-nowrap">
              <Link
                href={`${base}/${log.id}`}
                title={formatIsoUtc(log.createdAt)}
                className="font-medium tabular-nums underline-offset-4 hover:text-primary hover:underline"
              >
                {formatDateTime(log.createdAt)}
              </Link>
              {log.stream ? <span className="ml-1.5 text-xs text-muted-foreground">stream</span> : null}
            </TableCell>
            <TableCell className="max-w-64">
              <div className="flex flex-wrap items-center gap-1">
                <StatusBadge log={log} />
                <AttemptBadges log={log} />
              </div>
              {log.errorMessage ? (
                <span className="mt-0.5 block truncate text-xs text-muted-foreground" title={log.errorMessage}>
                  {log.errorMessage}
                </span>
              ) : null}
            </TableCell>
            {teamWide ? (
              <TableCell className="font-mono text-xs">{log.gatewaySlug ?? <span className="text-muted-foreground">none (refused)</span>}</TableCell>
            ) : null}
            <TableCell className="max-w-56 truncate font-mono text-xs" title={`${log.method} ${log.path}`}>
              {log.path}
            </TableCell>
            <TableCell className="text-muted-foreground">
              {log.provider ?? "–"}
              {log.ingressFormat ? <span className="block text-xs whitespace-nowrap">{wireFormatName(log.ingressFormat)}</span> : null}
            </TableCell>
            <TableCell className="max-w-56 truncate font-mono text-xs" title={log.model ?? undefined}>
              {log.model ?? "–"}
            </TableCell>
            <TableCell className="max-w-40 truncate">{log.tokenName ?? <span className="text-muted-foreground">{log.tokenId ? "deleted token" : "–"}</span>}</TableCell>
            <TableCell className="text-right whitespace-nowrap tabular-nums">
              {formatNumber(log.tokensIn)} <span className="text-muted-foreground">/</span> {formatNumber(log.tokensOut)}
            </TableCell>
            <TableCell className="text-right tabular-nums" title={log.customCost ? "Custom cost sent by the client" : undefined}>
              {formatCost(log.costMicros)}
              {log.customCost ? <span className="text-muted-foreground">*</span> : null}
            </TableCell>
            <TableCell className="text-right whitespace-nowrap tabular-nums">{formatDuration(log.durationMs)}</TableCell>
            <TableCell>{log.cached ? <CacheHitBadge /> : <span className="text-muted-foreground">–</span>}</TableCell>
            <TableCell className="max-w-64">
              <MetadataChips values={log.metadata} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
