"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { CardContent, CardFooter } from "@/components/ui/card";
import { Field, fieldDescriptionId } from "@/components/ui/field";
import { keepValuesOnSubmit } from "@/components/ui/form";
import { Input } from "@/components/ui/input";
import { SubmitButton } from "@/components/ui/submit-button";
import type { FormState } from "@/lib/forms/form-state";

export function LogRetentionForm({
  action,
  logRetentionDays,
  maxDays,
  canEdit,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  logRetentionDays: number | null;
  maxDays: number;
  canEdit: boolean;
}) {
  const [state, formAction] = useActionState(action, {});
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} onSubmit={keepValuesOnSubmit(formAction)}>
      <fieldset disabled={!canEdit}>
        <legend className="sr-only">Log retention</legend>
        <CardContent className="space-y-4">
          {state.error ? <Alert variant="error">{state.error}</Alert> : null}
          {state.ok ? <Alert variant="success">{state.message}</Alert> : null}
          <Field
            label="Keep request logs for (days)"
            htmlFor="log-retention-days"
            error={errors.logRetentionDays}
            hint={`1 to ${maxDays} days; empty keeps them (a gateway's log limit still applies). Older logs and their bodies are deleted every few minutes (on a Postgres server, the teams with the longest retention lose theirs a day at a time).`}
          >
            <Input
              id="log-retention-days"
              name="logRetentionDays"
              type="number"
              min={1}
              max={maxDays}
              step={1}
              defaultValue={logRetentionDays ?? ""}
              placeholder="Keep"
              className="max-w-40"
              aria-describedby={fieldDescriptionId("log-retention-days")}
            />
          </Field>
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
