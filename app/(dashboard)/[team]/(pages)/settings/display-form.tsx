"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { CardContent, CardFooter } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/select";
import { SubmitButton } from "@/components/ui/submit-button";
import type { FormState } from "@/lib/forms/form-state";
import { formatCost } from "@/lib/utils/format";

/** How many decimal places dollar amounts show with, each choice shown on an example amount. */
export function DisplayForm({
  action,
  precision,
  precisions,
  canEdit,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  precision: number;
  /** The choices the service accepts. */
  precisions: readonly number[];
  canEdit: boolean;
}) {
  const [state, formAction] = useActionState(action, {});
  return (
    <form action={formAction}>
      <fieldset disabled={!canEdit}>
        <legend className="sr-only">Money display</legend>
        <CardContent className="space-y-4">
          {state.error ? <Alert variant="error">{state.error}</Alert> : null}
          {state.ok ? <Alert variant="success">{state.message}</Alert> : null}
          <Field label="Decimal places for money" htmlFor="display-precision" error={state.fieldErrors?.displayPrecision} hint="Costs are stored in micro-dollars; this changes only how they are shown.">
            <Select id="display-precision" name="displayPrecision" defaultValue={String(precision)} className="max-w-xs">
              {precisions.map((p) => (
                <option key={p} value={p}>
                  {`${p} (${formatCost(1_234_567, p)})`}
                </option>
              ))}
            </Select>
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
