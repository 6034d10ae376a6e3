"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { CardContent, CardFooter } from "@/components/ui/card";
import { Field, fieldDescriptionId } from "@/components/ui/field";
import { keepValuesOnSubmit } from "@/components/ui/form";
import { Input } from "@/components/ui/input";
import { SubmitButton } from "@/components/ui/submit-button";
import type { FormState } from "@/lib/forms/form-state";

/** The request metadata keys the team's analytics break down by, typed comma-separated. */
export function AnalyticsMetadataForm({
  action,
  keys,
  maxKeys,
  valueMaxLength,
  canEdit,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  keys: string[];
  maxKeys: number;
  valueMaxLength: number;
  canEdit: boolean;
}) {
  const [state, formAction] = useActionState(action, {});
  return (
    <form action={formAction} onSubmit={keepValuesOnSubmit(formAction)}>
      <fieldset disabled={!canEdit}>
        <legend className="sr-only">Analytics by metadata</legend>
        <CardContent className="space-y-4">
          {state.error ? <Alert variant="error">{state.error}</Alert> : null}
          {state.ok ? <Alert variant="success">{state.message}</Alert> : null}
          <Field
            label="Metadata keys to break down by"
            htmlFor="analytics-metadata-keys"
            error={state.fieldErrors?.analyticsMetadataKeys}
            hint={`Up to ${maxKeys} keys of the requests' cf-aig-metadata, separated by commas; empty for none. Only requests logged after a key is chosen are counted under it: earlier ones show as "no value". Each distinct value is its own row in the analytics' rollups, every hour and day, so a key with many values (user ids, say) makes many rows; choose keys like a plan, tenant or feature. Values are cut to ${valueMaxLength} characters.`}
          >
            <Input
              id="analytics-metadata-keys"
              name="analyticsMetadataKeys"
              defaultValue={keys.join(", ")}
              placeholder="plan, feature"
              className="max-w-md"
              aria-describedby={fieldDescriptionId("analytics-metadata-keys")}
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
