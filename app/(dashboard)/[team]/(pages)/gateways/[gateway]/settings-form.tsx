"use client";

import { useActionState, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { keepValuesOnSubmit } from "@/components/ui/form";
import { Card, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Field, fieldDescriptionId } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { SubmitButton } from "@/components/ui/submit-button";
import { Switch } from "@/components/ui/switch";
import { Textarea } from "@/components/ui/textarea";
import { GATEWAY_SETTINGS, type GatewaySettingName } from "@/lib/gateways/settings/declarations";
import { presentMarker } from "@/lib/gateways/settings/form";
import type { GatewaySettings } from "@/lib/services/gateways/settings";
import type { FormState } from "@/lib/forms/form-state";

/** Where each declared setting sits on the form: a section's rows, one control or a grid of them. */
const FORM_SECTIONS: { title: string; rows: (GatewaySettingName | { columns: 2 | 3; fields: GatewaySettingName[] })[] }[] = [
  { title: "Authentication", rows: ["authentication", "byokOnly"] },
  {
    title: "Logs",
    rows: ["collectLogs", "collectLogPayloads", { columns: 2, fields: ["logManagement", "logManagementStrategy"] }],
  },
  { title: "OpenTelemetry", rows: ["otel"] },
  { title: "Caching", rows: [{ columns: 2, fields: ["cacheTtl", "cacheKeyMetadata"] }, "cacheInvalidateOnUpdate"] },
  { title: "Rate limiting", rows: [{ columns: 3, fields: ["rateLimitingLimit", "rateLimitingInterval", "rateLimitingTechnique"] }] },
  {
    title: "Retries and timeout",
    rows: [
      { columns: 3, fields: ["retryMaxAttempts", "retryDelay", "retryBackoff"] },
      { columns: 3, fields: ["requestTimeoutMs"] },
    ],
  },
];

/** The problem with a setting: its own, or the first about a part of it (`otel.0.url`). */
function errorOf(errors: Record<string, string>, name: string): string | undefined {
  return errors[name] ?? Object.entries(errors).find(([field]) => field.startsWith(`${name}.`))?.[1];
}

/** A setting's control, as its declaration describes it, showing the stored value. */
function SettingControl({ name, settings, errors }: { name: GatewaySettingName; settings: GatewaySettings; errors: Record<string, string> }) {
  const control = GATEWAY_SETTINGS[name].form;
  const value = settings[name];
  const common = { name, label: control.label, hint: control.hint };
  if (control.kind === "switch") return <SwitchRow {...common} defaultChecked={value === true} />;
  const error = errorOf(errors, name);
  switch (control.kind) {
    case "number":
      return (
        <FieldShell {...common} error={error}>
          {(field) => (
            <Input
              {...field}
              type="number"
              inputMode="numeric"
              step={1}
              min={control.min}
              max={control.max}
              placeholder={control.placeholder}
              defaultValue={typeof value === "number" ? value : ""}
              className="tabular-nums"
            />
          )}
        </FieldShell>
      );
    case "list":
      return (
        <FieldShell {...common} error={error}>
          {(field) => (
            <Input
              {...field}
              placeholder={control.placeholder}
              defaultValue={Array.isArray(value) ? value.join(", ") : ""}
              autoComplete="off"
              spellCheck={false}
              className="font-mono"
            />
          )}
        </FieldShell>
      );
    case "select":
      return (
        <FieldShell {...common} error={error}>
          {(field) => (
            <Select {...field} defaultValue={typeof value === "string" ? value : ""}>
              {control.options.map(([option, text]) => (
                <option key={option} value={option}>
                  {text}
                </option>
              ))}
            </Select>
          )}
        </FieldShell>
      );
    case "json": {
      const json = value === null ? "" : JSON.stringify(value, null, 2);
      return (
        <FieldShell {...common} error={error}>
          {(field) => (
            <Textarea
              {...field}
              rows={json === "" ? 2 : 6}
              placeholder={control.placeholder}
              defaultValue={json}
              autoComplete="off"
              spellCheck={false}
              className="font-mono text-xs"
            />
          )}
        </FieldShell>
      );
    }
  }
}

export function GatewaySettingsForm({
  settings,
  action,
  canEdit,
  role,
}: {
  settings: GatewaySettings;
  action: (state: FormState, form: FormData) => Promise<FormState>;
  canEdit: boolean;
  role: string;
}) {
  const [state, formAction] = useActionState(action, {});
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} onSubmit={keepValuesOnSubmit(formAction)}>
      <Card>
        <CardHeader>
          <CardTitle>Settings</CardTitle>
          <CardDescription>
            {canEdit
              ? "Changes apply to new requests within a few seconds."
              : `Your role (${role}) can view these settings; an admin or owner can change them.`}
          </CardDescription>
        </CardHeader>
        <fieldset disabled={!canEdit} className="divide-y divide-border">
          <legend className="sr-only">Gateway settings</legend>
          {state.error ? (
            <div className="px-5 pt-4">
              <Alert variant="error">{state.error}</Alert>
            </div>
          ) : null}
          {state.ok ? (
            <div className="px-5 pt-4">
              <Alert variant="success">{state.message}</Alert>
            </div>
          ) : null}

          {FORM_SECTIONS.map((section) => (
            <Section key={section.title} title={section.title}>
              {section.rows.map((row) =>
                typeof row === "string" ? (
                  <SettingControl key={row} name={row} settings={settings} errors={errors} />
                ) : (
                  <div key={row.fields.join()} className={row.columns === 3 ? "grid gap-4 sm:grid-cols-3" : "grid gap-4 sm:grid-cols-2"}>
                    {row.fields.map((name) => (
                      <SettingControl key={name} name={name} settings={settings} errors={errors} />
                    ))}
                  </div>
                ),
              )}
            </Section>
          ))}
        </fieldset>
        {canEdit ? (
          <CardFooter>
            <SubmitButton pendingLabel="Saving…">Save settings</SubmitButton>
          </CardFooter>
        ) : null}
      </Card>
    </form>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="grid gap-4 px-5 py-5 md:grid-cols-[12rem_1fr]">
      <h3 className="text-sm font-medium">{title}</h3>
      <div className="space-y-4">{children}</div>
    </div>
  );
}

function SwitchRow({ name, label, hint, defaultChecked }: { name: string; label: string; hint?: string; defaultChecked: boolean }) {
  const id = `setting-${name}`;
  return (
    <div className="flex items-start gap-3">
      {/* An unchecked checkbox submits nothing; the marker tells the action the switch was on the form. */}
      <input type="hidden" name={presentMarker(name)} value="1" />
      <Switch id={id} name={name} defaultChecked={defaultChecked} aria-describedby={hint ? fieldDescriptionId(id) : undefined} className="mt-0.5" />
      <div className="space-y-1">
        <Label htmlFor={id}>{label}</Label>
        {hint ? (
          <p id={fieldDescriptionId(id)} className="text-xs text-muted-foreground">
            {hint}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** The attributes that name a control and tie it to its label and to its hint or problem. */
interface FieldAttributes {
  id: string;
  name: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
}

/** A labelled control with its problem, or else its hint, below it; `children` gets the control's attributes. */
function FieldShell({
  name,
  label,
  hint,
  error,
  children,
}: {
  name: string;
  label: string;
  hint?: string;
  error?: string;
  children: (field: FieldAttributes) => ReactNode;
}) {
  const id = `setting-${name}`;
  return (
    <Field label={label} htmlFor={id} hint={hint} error={error}>
      {children({ id, name, "aria-invalid": error ? true : undefined, "aria-describedby": hint || error ? fieldDescriptionId(id) : undefined })}
    </Field>
  );
}
