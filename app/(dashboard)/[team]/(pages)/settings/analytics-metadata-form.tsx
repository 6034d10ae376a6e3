"use client";

import { Field, fieldDescriptionId } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import type { FormState } from "@/lib/forms/form-state";
import { SettingForm } from "./setting-form";

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
  return (
    <SettingForm action={action} legend="Analytics by metadata" canEdit={canEdit}>
      {(errors) => (
        <Field
          label="Metadata keys to break down by"
          htmlFor="analytics-metadata-keys"
          error={errors.analyticsMetadataKeys}
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
      )}
    </SettingForm>
  );
}
