import type { FormState } from "@/lib/forms/form-state";
import { ConfirmAction } from "@/components/confirm-action";

/** Removing a rate-limit rule, a spend limit or a budget: each stops counting at once. */
export function RemoveLimitAction({ what, name, action }: { what: string; name: string; action: (state: FormState, form: FormData) => Promise<FormState> }) {
  return (
    <ConfirmAction
      trigger="Remove"
      triggerLabel={`Remove ${what} ${name}`}
      triggerVariant="destructive-ghost"
      title={`Remove the ${what} “${name}”?`}
      description="Requests stop counting against it at once."
      confirmLabel={`Remove ${what}`}
      pendingLabel="Removing…"
      action={action}
    />
  );
}
