"use client";

import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Field, fieldDescriptionId } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import type { FormState } from "@/lib/forms/form-state";
import { SettingForm } from "./setting-form";

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
  const [newSlug, setNewSlug] = useState(slug);
  return (
    <SettingForm action={action} legend="Team name and slug" canEdit={canRename}>
      {(errors) => (
        <>
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
        </>
      )}
    </SettingForm>
  );
}
