"use client";

import { useActionState, useEffect, type ReactNode } from "react";
import type { FormState } from "@/lib/forms/form-state";
import { Alert } from "@/components/ui/alert";
import type { ButtonVariantProps } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter, DialogTrigger, useDialog } from "@/components/ui/dialog";
import { SubmitButton } from "@/components/ui/submit-button";

/**
 * A destructive action behind a confirmation dialog: revoke, delete, remove. The dialog closes
 * when the action succeeds and shows the service's refusal when it does not.
 */
export function ConfirmAction({
  trigger,
  triggerLabel,
  triggerVariant = "ghost",
  triggerSize = "sm",
  title,
  description,
  confirmLabel,
  pendingLabel,
  action,
}: {
  trigger: ReactNode;
  /** The trigger's accessible name when `trigger` is only an icon or is ambiguous in a table row. */
  triggerLabel?: string;
  triggerVariant?: ButtonVariantProps["variant"];
  triggerSize?: ButtonVariantProps["size"];
  title: string;
  description: ReactNode;
  confirmLabel: string;
  pendingLabel?: string;
  action: (state: FormState, form: FormData) => Promise<FormState>;
}) {
  return (
    <Dialog>
      <DialogTrigger variant={triggerVariant} size={triggerSize} aria-label={triggerLabel}>
        {trigger}
      </DialogTrigger>
      <DialogContent title={title} description={description}>
        <ConfirmForm action={action} confirmLabel={confirmLabel} pendingLabel={pendingLabel} />
      </DialogContent>
    </Dialog>
  );
}

function ConfirmForm({
  action,
  confirmLabel,
  pendingLabel,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  confirmLabel: string;
  pendingLabel?: string;
}) {
  const [state, formAction] = useActionState(action, {});
  const { close } = useDialog();
  useEffect(() => {
    if (state.ok) close();
  }, [state, close]);
  return (
    <form action={formAction}>
      {state.error ? <Alert variant="error">{state.error}</Alert> : null}
      <DialogFooter>
        <DialogClose />
        <SubmitButton variant="destructive" pendingLabel={pendingLabel}>
          {confirmLabel}
        </SubmitButton>
      </DialogFooter>
    </form>
  );
}
