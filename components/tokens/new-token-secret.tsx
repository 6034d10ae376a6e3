import type { ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { CopyButton } from "@/components/ui/copy-button";
import { DialogClose, DialogFooter } from "@/components/ui/dialog";

/**
 * A token's secret in the create dialog, right after it was made: only its hash is stored, so this
 * is the one time it can be shown. `children` says how to send it.
 */
export function NewTokenSecret({
  kind,
  name,
  secret,
  testId,
  children,
}: {
  /** What it is, before its name: "Token", "API token". */
  kind: string;
  name: string | undefined;
  secret: string;
  testId: string;
  children: ReactNode;
}) {
  return (
    <div className="space-y-4">
      <Alert variant="warning" title="Copy this token now">
        This is the only time it is shown. Switchyard stores only its hash; if you lose it, revoke it and create another.
      </Alert>
      <div>
        <p className="mb-1.5 text-sm font-medium">
          {kind} “{name}”
        </p>
        <div className="flex items-center gap-2 rounded-md border border-border bg-subtle p-2">
          <code className="min-w-0 flex-1 font-mono text-[13px] break-all select-all" data-testid={testId}>
            {secret}
          </code>
          <CopyButton value={secret} label="Copy token" showLabel variant="secondary" />
        </div>
      </div>
      <p className="text-xs text-muted-foreground">{children}</p>
      <DialogFooter>
        <DialogClose variant="primary">Done</DialogClose>
      </DialogFooter>
    </div>
  );
}
