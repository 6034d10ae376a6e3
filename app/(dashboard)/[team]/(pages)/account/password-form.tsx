"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { CardContent, CardFooter } from "@/components/ui/card";
import { Field, fieldDescriptionId } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { SubmitButton } from "@/components/ui/submit-button";
import type { FormState } from "@/lib/forms/form-state";

export function PasswordForm({
  action,
  minLength,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  minLength: number;
}) {
  const [state, formAction] = useActionState(action, {});
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction}>
      <CardContent className="space-y-4">
        {state.error ? <Alert variant="error">{state.error}</Alert> : null}
        {state.ok ? <Alert variant="success">{state.message}</Alert> : null}
        <Field label="Current password" htmlFor="current-password" error={errors.currentPassword}>
          <Input
            id="current-password"
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            required
            className="max-w-sm"
            aria-describedby={errors.currentPassword ? fieldDescriptionId("current-password") : undefined}
          />
        </Field>
        <Field
          label="New password"
          htmlFor="new-password"
          error={errors.newPassword}
          hint={`At least ${minLength} characters.`}
        >
          <Input
            id="new-password"
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            minLength={minLength}
            className="max-w-sm"
            aria-describedby={fieldDescriptionId("new-password")}
          />
        </Field>
      </CardContent>
      <CardFooter>
        <SubmitButton pendingLabel="Changing…">Change password</SubmitButton>
      </CardFooter>
    </form>
  );
}
