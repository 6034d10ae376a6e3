"use client";

import { useActionState, useState, type ReactNode } from "react";
import type { FormState } from "@/lib/forms/form-state";
import { Alert } from "@/components/ui/alert";
import { keepValuesOnSubmit } from "@/components/ui/form";
import { Field, fieldDescriptionId } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { SubmitButton } from "@/components/ui/submit-button";

/** Turns "Acme Inc." into "acme-inc", the slug suggested until the user edits the slug field. */
function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
}

export function CreateTeamForm({
  action,
  footer,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  footer?: ReactNode;
}) {
  const [state, formAction] = useActionState(action, {});
  const [name, setName] = useState("");
  const [slug, setSlug] = useState<string | null>(null);
  const shownSlug = slug ?? slugify(name);
  return (
    <form action={formAction} onSubmit={keepValuesOnSubmit(formAction)} className="space-y-4">
      {state.error ? <Alert variant="error">{state.error}</Alert> : null}
      <Field label="Team name" htmlFor="team-name" error={state.fieldErrors?.name}>
        <Input id="team-name" name="name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} autoComplete="organization" />
      </Field>
      <Field
        label="URL slug"
        htmlFor="team-slug"
        error={state.fieldErrors?.slug}
        hint="Part of the team's URLs, e.g. /v1/acme/{gateway}/compat. Lowercase letters, digits and hyphens."
      >
        <Input
          id="team-slug"
          name="slug"
          required
          pattern="[a-z0-9][a-z0-9\-]{1,39}"
          value={shownSlug}
          onChange={(e) => setSlug(e.target.value)}
          aria-describedby={fieldDescriptionId("team-slug")}
          aria-invalid={state.fieldErrors?.slug ? true : undefined}
          className="font-mono"
        />
      </Field>
      <div className="flex justify-end gap-2">
        {footer}
        <SubmitButton pendingLabel="Creating…">Create team</SubmitButton>
      </div>
    </form>
  );
}
