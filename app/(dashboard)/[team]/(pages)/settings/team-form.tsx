"use client";

import { useActionState, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { CardContent, CardFooter } from "@/components/ui/card";
import { Field, fieldDescriptionId } from "@/components/ui/field";
import { keepValuesOnSubmit } from "@/components/ui/form";
import { Input } from "@/components/ui/input";
import { SubmitButton } from "@/components/ui/submit-button";
import type { FormState } from "@/lib/forms/form-state";

export function TeamForm({
  action,
  name,
  slug,
  canRename,
  canChangeSlug,
  publicUrl,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  name: string;
  slug: string;
  canRename: boolean;
  canChangeSlug: boolean;
  publicUrl: string;
}) {
  const [state, formAction] = useActionState(action, {});
  const [newSlug, setNewSlug] = useState(slug);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} onSubmit={keepValuesOnSubmit(formAction)}>
      <fieldset disabled={!canRename}>
        <legend className="sr-only">Team name and slug</legend>
        <CardContent className="space-y-4">
          {state.error ? <Alert variant="error">{state.error}</Alert> : null}
          {state.ok ? <Alert variant="success">{state.message}</Alert> : null}
          <Field label="Team name" htmlFor="team-name" error={errors.name}>
            <Input id="team-name" name="name" defaultValue={name} required maxLength={100} className="max-w-sm" />
          </Field>
          <Field
            label="Slug"
            htmlFor="team-slug"
            error={errors.slug}
            hint={
              canChangeSlug
                ? `In every URL of the team: ${publicUrl}/v1/${newSlug || "…"}/{gateway}/…`
                : "Only an owner can change the slug."
            }
          >
            <Input
              id="team-slug"
              name={canChangeSlug ? "slug" : undefined}
              value={newSlug}
              onChange={(e) => setNewSlug(e.target.value)}
              readOnly={!canChangeSlug}
              required
              pattern="[a-z0-9][a-z0-9\-]{1,39}"
              className="max-w-sm font-mono"
              aria-describedby={fieldDescriptionId("team-slug")}
            />
          </Field>
          {canChangeSlug && newSlug !== slug ? (
            <Alert variant="warning" title="Changing the slug breaks existing URLs">
              Applications calling <code className="font-mono text-xs">/v1/{slug}/…</code> or{" "}
              <code className="font-mono text-xs">/client/v4/accounts/{slug}/…</code> get 404s until they are updated.
            </Alert>
          ) : null}
        </CardContent>
        {canRename ? (
          <CardFooter>
            <SubmitButton pendingLabel="Saving…">Save</SubmitButton>
          </CardFooter>
        ) : null}
      </fieldset>
    </form>
  );
}
