"use client";

import { useActionState, type ReactNode } from "react";
import type { FormState } from "@/lib/forms/form-state";
import { Alert } from "@/components/ui/alert";
import { Card, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { keepValuesOnSubmit } from "@/components/ui/form";
import { SubmitButton } from "@/components/ui/submit-button";

export type Action = (state: FormState, form: FormData) => Promise<FormState>;

/**
 * A card whose editor keeps one gateway setting in React state and submits it whole, as JSON in
 * the hidden field `name` (null turns the setting off). The service validates it and names each
 * problem by its path (`dlp.customProfiles.0.patterns.1.regex`): the editor gets them by path
 * within the setting (`customProfiles.0.patterns.1.regex`) to show each beside its field, and
 * all are summed up above, so a problem of a part the editor has no field for is not lost.
 */
export function SettingsJsonForm({
  name,
  title,
  description,
  value,
  action,
  canEdit,
  submitLabel,
  children,
}: {
  name: string;
  title: ReactNode;
  description: ReactNode;
  value: unknown;
  action: Action;
  canEdit: boolean;
  submitLabel: string;
  children: (errors: Record<string, string>) => ReactNode;
}) {
  const [state, formAction] = useActionState(action, {});
  const fieldErrors = Object.entries(state.fieldErrors ?? {});
  const prefix = `${name}.`;
  const errors = Object.fromEntries(fieldErrors.flatMap(([key, problem]) => (key.startsWith(prefix) ? [[key.slice(prefix.length), problem]] : [])));
  return (
    <form action={formAction} onSubmit={keepValuesOnSubmit(formAction)} aria-label={typeof title === "string" ? title : undefined}>
      <input type="hidden" name={name} value={JSON.stringify(value)} />
      <Card>
        <CardHeader>
          <CardTitle>{title}</CardTitle>
          <CardDescription>{description}</CardDescription>
        </CardHeader>
        <fieldset disabled={!canEdit} className="space-y-5 px-5 pb-5">
          <legend className="sr-only">{typeof title === "string" ? title : name}</legend>
          {state.error ? (
            <Alert variant="error">
              {state.error}
              {fieldErrors.length > 0 ? (
                <ul className="mt-1 list-disc pl-4">
                  {fieldErrors.map(([key, problem]) => (
                    <li key={key}>
                      <code className="font-mono text-xs">{key}</code>: {problem}
                    </li>
                  ))}
                </ul>
              ) : null}
            </Alert>
          ) : null}
          {state.ok ? <Alert variant="success">{state.message}</Alert> : null}
          {children(errors)}
        </fieldset>
        {canEdit ? (
          <CardFooter>
            <SubmitButton pendingLabel="Saving…">{submitLabel}</SubmitButton>
          </CardFooter>
        ) : null}
      </Card>
    </form>
  );
}
