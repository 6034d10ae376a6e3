"use client";

import { Field, fieldDescriptionId } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import type { FormState } from "@/lib/forms/form-state";
import { SettingForm } from "./setting-form";

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
  return (
    <SettingForm action={action} legend="Log retention" canEdit={canEdit}>
      {(errors) => (
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
      )}
    </SettingForm>
  );
}
