import { ConfirmAction } from "@/components/confirm-action";
import { Badge } from "@/components/ui/badge";
import { TableCell, TableHead } from "@/components/ui/table";
import type { FormState } from "@/lib/forms/form-state";
import { tokenStatus } from "@/lib/services/tokens/status";
import { formatDate, formatIsoUtc, formatRelative } from "@/lib/utils/format";

interface TokenDates {
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

const STATUS = {
  active: { label: "Active", variant: "success" },
  revoked: { label: "Revoked", variant: "neutral" },
  expired: { label: "Expired", variant: "warning" },
} as const;

/** What identifies a token without its secret: its first characters and last four. */
export function TokenPreview({ token }: { token: { start: string; last4: string } }) {
  return (
    <code className="font-mono text-[13px] whitespace-nowrap">
      {token.start}…{token.last4}
    </code>
  );
}

/** The heads of TokenLifeCells' columns. */
export function TokenLifeHeads() {
  return (
    <>
      <TableHead>Created</TableHead>
      <TableHead>Last used</TableHead>
      <TableHead>Expires</TableHead>
      <TableHead>Status</TableHead>
    </>
  );
}

/** A token list's Created (with who made it), Last used, Expires and Status cells. */
export function TokenLifeCells({ token, createdBy, now }: { token: TokenDates; createdBy: string; now: Date }) {
  const status = STATUS[tokenStatus(token, now.getTime())];
  return (
    <>
      <TableCell className="whitespace-nowrap">
        <span title={formatIsoUtc(token.createdAt)}>{formatDate(token.createdAt)}</span>
        <span className="block text-xs text-muted-foreground">{createdBy}</span>
      </TableCell>
      <TableCell className="whitespace-nowrap text-muted-foreground">
        {token.lastUsedAt ? <span title={formatIsoUtc(token.lastUsedAt)}>{formatRelative(token.lastUsedAt, now)}</span> : "Never"}
      </TableCell>
      <TableCell className="whitespace-nowrap text-muted-foreground">
        {token.expiresAt ? <span title={formatIsoUtc(token.expiresAt)}>{formatDate(token.expiresAt)}</span> : "Never"}
      </TableCell>
      <TableCell>
        <Badge variant={status.variant}>{status.label}</Badge>
      </TableCell>
    </>
  );
}

/** Revoke, asked again first; nothing for a token already revoked. */
export function RevokeToken({
  token,
  kind,
  consequence,
  action,
}: {
  token: { name: string; revokedAt: Date | null };
  /** "token", "API token": in the button's accessible name and the confirmation. */
  kind: string;
  /** What stops working, said before "This cannot be undone." */
  consequence: string;
  action: (state: FormState, form: FormData) => Promise<FormState>;
}) {
  if (token.revokedAt) return null;
  return (
    <ConfirmAction
      trigger="Revoke"
      triggerLabel={`Revoke ${kind} ${token.name}`}
      triggerVariant="destructive-ghost"
      title={`Revoke “${token.name}”?`}
      description={`${consequence} This cannot be undone.`}
      confirmLabel={`Revoke ${kind}`}
      pendingLabel="Revoking…"
      action={action}
    />
  );
}
