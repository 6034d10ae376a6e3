"use client";

import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/select";
import type { FormState } from "@/lib/forms/form-state";
import { formatCost } from "@/lib/utils/format";
import { SettingForm } from "./setting-form";

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
  return (
    <SettingForm action={action} legend="Money display" canEdit={canEdit}>
      {(errors) => (
        <Field label="Decimal places for money" htmlFor="display-precision" error={errors.displayPrecision} hint="Costs are stored in micro-dollars; this changes only how they are shown.">
          <Select id="display-precision" name="displayPrecision" defaultValue={String(precision)} className="max-w-xs">
            {precisions.map((p) => (
              <option key={p} value={p}>
                {`${p} (${formatCost(1_234_567, p)})`}
              </option>
            ))}
          </Select>
        </Field>
      )}
    </SettingForm>
  );
}
