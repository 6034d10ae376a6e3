"use client";

import { useActionState } from "react";
import type { FormState } from "@/lib/forms/form-state";
import { Alert } from "@/components/ui/alert";
import { DialogClose } from "@/components/ui/dialog";
import { Field, fieldDescriptionId } from "@/components/ui/field";
import { keepValuesOnSubmit } from "@/components/ui/form";
import { Input } from "@/components/ui/input";
import { SubmitButton } from "@/components/ui/submit-button";

export function CreateRouteForm({ action }: { action: (state: FormState, form: FormData) => Promise<FormState> }) {
  const [state, formAction] = useActionState(action, {});
  return (
    <form action={formAction} onSubmit={keepValuesOnSubmit(formAction)} className="space-y-4">
      {state.error ? <Alert variant="error">{state.error}</Alert> : null}
      <Field
        label="Route name"
        htmlFor="route-name"
        error={state.fieldErrors?.name}
        hint='Clients call it as model "dynamic/{name}". Lowercase letters, digits, hyphens and underscores.'
      >
        <Input
          id="route-name"
          name="name"
          required
          autoFocus
          placeholder="support"
          className="font-mono"
          aria-describedby={fieldDescriptionId("route-name")}
          aria-invalid={state.fieldErrors?.name ? true : undefined}
        />
      </Field>
      <p className="text-xs text-muted-foreground">
        It starts from a template (free plan to a cheap model, the rest split 90/10, with a fallback) as version 1, not deployed.
      </p>
      <div className="flex justify-end gap-2">
        <DialogClose />
        <SubmitButton pendingLabel="Creating…">Create route</SubmitButton>
      </div>
    </form>
  );
}
