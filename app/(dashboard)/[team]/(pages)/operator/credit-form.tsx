"use client";

import { useActionState } from "react";
import type { FormState } from "@/lib/forms/form-state";
import { Alert } from "@/components/ui/alert";
import { Field, fieldDescriptionId } from "@/components/ui/field";
import { keepValuesOnSubmit } from "@/components/ui/form";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { SubmitButton } from "@/components/ui/submit-button";

/** A top-up (or, negative, a correction) of one team's credits, recorded in its ledger. */
export function GrantCreditsForm({
  action,
  teams,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  teams: { id: string; slug: string }[];
}) {
  const [state, formAction] = useActionState(action, {});
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} onSubmit={keepValuesOnSubmit(formAction)} className="space-y-4">
      {state.error ? <Alert variant="error">{state.error}</Alert> : null}
      {state.ok && state.message ? <Alert variant="success">{state.message}</Alert> : null}
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label="Team" htmlFor="credit-team" error={errors.teamId}>
          <Select id="credit-team" name="teamId" required>
            {teams.map((team) => (
              <option key={team.id} value={team.id}>
                {team.slug}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Amount (USD)" htmlFor="credit-usd" error={errors.usd} hint="A negative amount takes credits back.">
          <Input
            id="credit-usd"
            name="usd"
            required
            inputMode="decimal"
            pattern="-?[0-9]+(\.[0-9]{1,6})?"
            placeholder="25.00"
            className="tabular-nums"
            aria-describedby={fieldDescriptionId("credit-usd")}
          />
        </Field>
        <Field label="Note (optional)" htmlFor="credit-note" error={errors.note}>
          <Input id="credit-note" name="note" maxLength={500} placeholder="Q3 top-up" />
        </Field>
      </div>
      <div className="flex justify-end">
        <SubmitButton pendingLabel="Granting…">Grant credits</SubmitButton>
      </div>
    </form>
  );
}
