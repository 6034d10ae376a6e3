"use client";

import { useActionState } from "react";
import type { FormState } from "@/lib/forms/form-state";
import type { ButtonVariantProps } from "@/components/ui/button";
import { SubmitButton } from "@/components/ui/submit-button";

/** One button that runs a server action, with its refusal or its message beside it. */
export function ActionButton({
  action,
  label,
  pendingLabel,
  variant = "secondary",
  ariaLabel,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  label: string;
  pendingLabel: string;
  variant?: ButtonVariantProps["variant"];
  ariaLabel?: string;
}) {
  const [state, formAction] = useActionState(action, {});
  return (
    <form action={formAction} className="inline-flex flex-col items-start gap-1">
      <SubmitButton size="sm" variant={variant} pendingLabel={pendingLabel} aria-label={ariaLabel}>
        {label}
      </SubmitButton>
      {state.error ? (
        <p role="alert" className="max-w-xs text-xs text-destructive">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
