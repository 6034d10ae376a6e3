"use client";

import { useActionState, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { CardContent, CardFooter } from "@/components/ui/card";
import { keepValuesOnSubmit } from "@/components/ui/form";
import { SubmitButton } from "@/components/ui/submit-button";
import type { FormState } from "@/lib/forms/form-state";

/**
 * A settings card's form: its fields and one Save, which only those who may edit see (the others
 * see the fields disabled). `children` gets the action's errors by field name.
 */
export function SettingForm({
  action,
  legend,
  canEdit,
  children,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  /** Names the fields for screen readers; the card's title says it to everyone else. */
  legend: string;
  canEdit: boolean;
  children: (fieldErrors: Record<string, string>) => ReactNode;
}) {
  const [state, formAction] = useActionState(action, {});
  return (
    <form action={formAction} onSubmit={keepValuesOnSubmit(formAction)}>
      <fieldset disabled={!canEdit}>
        <legend className="sr-only">{legend}</legend>
        <CardContent className="space-y-4">
          {state.error ? <Alert variant="error">{state.error}</Alert> : null}
          {state.ok ? <Alert variant="success">{state.message}</Alert> : null}
          {children(state.fieldErrors ?? {})}
        </CardContent>
        {canEdit ? (
          <CardFooter>
            <SubmitButton pendingLabel="Saving…">Save</SubmitButton>
          </CardFooter>
        ) : null}
      </fieldset>
    </form>
  );
}
