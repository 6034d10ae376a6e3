import { Badge } from "@/components/ui/badge";
import { TableCell } from "@/components/ui/table";
import { formatIsoUtc, formatRelative } from "@/lib/utils/format";

/** What a team's key and an operator's key both show of themselves. */
export interface KeyStateView {
  preview: string;
  weight: number;
  baseUrl: string | null;
  lastUsedAt: Date | null;
  lastStatus: string | null;
}

/**
 * The cells a key table shows for each key, in the order of their headings: secret, weight, base
 * URL, last used and last status. `rejectedHint` says how to put a rejected key back in its pool,
 * which differs between a team's keys and the operator's.
 */
export function KeyStateCells({ providerKey: key, now, rejectedHint }: { providerKey: KeyStateView; now: Date; rejectedHint: string }) {
  return (
    <>
      <TableCell>
        {key.preview ? (
          <code className="font-mono text-[13px] whitespace-nowrap">{key.preview}</code>
        ) : (
          <span className="text-muted-foreground" title="Short secrets get no preview: it would give most of them away">
            hidden
          </span>
        )}
      </TableCell>
      <TableCell className="tabular-nums">{key.weight}</TableCell>
      <TableCell className="max-w-56 truncate font-mono text-xs text-muted-foreground" title={key.baseUrl ?? undefined}>
        {key.baseUrl ?? "Provider default"}
      </TableCell>
      <TableCell className="whitespace-nowrap text-muted-foreground">
        {key.lastUsedAt ? <span title={formatIsoUtc(key.lastUsedAt)}>{formatRelative(key.lastUsedAt, now)}</span> : "Never"}
      </TableCell>
      <TableCell>
        {key.lastStatus === "ok" ? (
          <Badge variant="success">OK</Badge>
        ) : key.lastStatus === "rejected" ? (
          <Badge variant="danger" className="whitespace-nowrap" title={rejectedHint}>
            Rejected by the provider — out of the pool
          </Badge>
        ) : (
          <span className="text-muted-foreground">–</span>
        )}
      </TableCell>
    </>
  );
}
