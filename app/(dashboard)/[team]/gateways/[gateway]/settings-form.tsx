"use client";

import { useActionState, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { keepValuesOnSubmit } from "@/components/ui/form";
import { Badge } from "@/components/ui/badge";
import { Card, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { fieldDescriptionId } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { SubmitButton } from "@/components/ui/submit-button";
import { Switch } from "@/components/ui/switch";
import { CACHE_KEY_METADATA_MAX, type GatewaySettings } from "@/lib/services/gateways/settings";
import type { FormState } from "@/lib/forms/form-state";

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

          <Section title="Authentication">
            <SwitchRow
              name="authentication"
              label="Authenticated gateway"
              defaultChecked={settings.authentication}
              hint="Refuse requests without a valid gateway token (cf-aig-authorization: Bearer sy_…)."
            />
            <SwitchRow
              name="byokOnly"
              label="Require provider credentials"
              defaultChecked={settings.byokOnly}
              hint="Never fall back to the operator's keys: requests use the team's stored keys or bring their own, and are refused (400) when there is neither. Requests can ask the same with cf-aig-no-wholesale: true."
            />
          </Section>

          <Section title="Logs">
            <SwitchRow
              name="collectLogs"
              label="Collect logs"
              defaultChecked={settings.collectLogs}
              hint="Store a log row per request with tokens, cost and timing. A request can opt out with cf-aig-collect-log: false."
            />
            <SwitchRow
              name="collectLogPayloads"
              label="Collect request and response bodies"
              defaultChecked={settings.collectLogPayloads}
              hint="Keep the bodies and headers (credentials redacted) for the log detail page."
            />
            <div className="grid gap-4 sm:grid-cols-2">
              <NumberField
                name="logManagement"
                label="Log limit"
                defaultValue={settings.logManagement ?? ""}
                min={10_000}
                max={10_000_000}
                placeholder="No limit"
                error={errors.logManagement}
                hint="10,000 to 10,000,000 rows; empty keeps every row."
              />
              <SelectField
                name="logManagementStrategy"
                label="When the limit is reached"
                defaultValue={settings.logManagementStrategy ?? ""}
                error={errors.logManagementStrategy}
                options={[
                  ["", "—"],
                  ["STOP_INSERTING", "Stop logging"],
                  ["DELETE_OLDEST", "Delete the oldest logs"],
                ]}
              />
            </div>
          </Section>

          <Section title="Caching">
            <div className="grid gap-4 sm:grid-cols-2">
              <NumberField
                name="cacheTtl"
                label="Cache TTL (seconds)"
                defaultValue={settings.cacheTtl}
                min={0}
                max={2_592_000}
                error={errors.cacheTtl}
                hint="0 turns caching off; at most 30 days. A request can set its own with cf-aig-cache-ttl or skip the cache with cf-aig-skip-cache."
              />
              <TextField
                name="cacheKeyMetadata"
                label="Metadata keys in the cache key"
                defaultValue={settings.cacheKeyMetadata.join(", ")}
                placeholder="user, tenant"
                error={errors.cacheKeyMetadata}
                hint={`Up to ${CACHE_KEY_METADATA_MAX} cf-aig-metadata keys, comma-separated: requests with different values for them never share a cached answer.`}
              />
            </div>
            <SwitchRow
              name="cacheInvalidateOnUpdate"
              label="Invalidate the cache when settings change"
              defaultChecked={settings.cacheInvalidateOnUpdate}
              hint="Saving these settings then drops every answer cached for this gateway."
            />
          </Section>

          <Section title="Rate limiting">
            <div className="grid gap-4 sm:grid-cols-3">
              <NumberField
                name="rateLimitingLimit"
                label="Requests"
                defaultValue={settings.rateLimitingLimit}
                min={0}
                error={errors.rateLimitingLimit}
                hint="For the whole gateway; 0 with an interval of 0 turns it off. Over it: 429 with code 2003."
              />
              <NumberField
                name="rateLimitingInterval"
                label="Per (seconds)"
                defaultValue={settings.rateLimitingInterval}
                min={0}
                error={errors.rateLimitingInterval}
              />
              <SelectField
                name="rateLimitingTechnique"
                label="Window"
                hint="Fixed resets on the clock; sliding also weighs the previous window."
                defaultValue={settings.rateLimitingTechnique}
                error={errors.rateLimitingTechnique}
                options={[
                  ["fixed", "Fixed"],
                  ["sliding", "Sliding"],
                ]}
              />
            </div>
          </Section>

          <Section title="Retries and timeout">
            <div className="grid gap-4 sm:grid-cols-3">
              <NumberField
                name="retryMaxAttempts"
                label="Attempts"
                defaultValue={settings.retryMaxAttempts}
                min={1}
                max={5}
                error={errors.retryMaxAttempts}
                hint="1 means no retry; at most 5. Connection errors, timeouts, 429 and 5xx answers are retried."
              />
              <NumberField
                name="retryDelay"
                label="Delay (ms)"
                defaultValue={settings.retryDelay}
                min={0}
                max={5000}
                error={errors.retryDelay}
                hint="Before the first retry; at most 5000."
              />
              <SelectField
                name="retryBackoff"
                label="Backoff"
                defaultValue={settings.retryBackoff}
                error={errors.retryBackoff}
                options={[
                  ["constant", "Constant"],
                  ["linear", "Linear"],
                  ["exponential", "Exponential"],
                ]}
              />
            </div>
            <div className="grid gap-4 sm:grid-cols-3">
              <NumberField
                name="requestTimeoutMs"
                label="Request timeout (ms)"
                defaultValue={settings.requestTimeoutMs ?? ""}
                min={1}
                placeholder="No timeout"
                error={errors.requestTimeoutMs}
                hint="Time to the provider's first byte; empty waits as long as it takes. A request can set its own with cf-aig-request-timeout."
              />
            </div>
          </Section>
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

function Section({ title, badge, children }: { title: string; badge?: string; children: ReactNode }) {
  return (
    <div className="grid gap-4 px-5 py-5 md:grid-cols-[12rem_1fr]">
      <div className="space-y-1.5">
        <h3 className="text-sm font-medium">{title}</h3>
        {badge ? <Badge variant="neutral">{badge}</Badge> : null}
      </div>
      <div className="space-y-4">{children}</div>
    </div>
  );
}

function SwitchRow({
  name,
  label,
  hint,
  badge,
  defaultChecked,
}: {
  name: string;
  label: string;
  hint?: string;
  badge?: string;
  defaultChecked: boolean;
}) {
  const id = `setting-${name}`;
  return (
    <div className="flex items-start gap-3">
      {/* An unchecked checkbox submits nothing; the marker tells the action the switch was on the form. */}
      <input type="hidden" name={`${name}__present`} value="1" />
      <Switch id={id} name={name} defaultChecked={defaultChecked} aria-describedby={hint ? fieldDescriptionId(id) : undefined} className="mt-0.5" />
      <div className="space-y-1">
        <div className="flex flex-wrap items-center gap-2">
          <Label htmlFor={id}>{label}</Label>
          {badge ? <Badge variant="neutral">{badge}</Badge> : null}
        </div>
        {hint ? (
          <p id={fieldDescriptionId(id)} className="text-xs text-muted-foreground">
            {hint}
          </p>
        ) : null}
      </div>
    </div>
  );
}

function FieldShell({
  id,
  label,
  hint,
  error,
  badge,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  badge?: string;
  children: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-1.5">
      <div className="flex flex-wrap items-center gap-2">
        <Label htmlFor={id}>{label}</Label>
        {badge ? <Badge variant="neutral">{badge}</Badge> : null}
      </div>
      {children}
      {error ? (
        <p id={fieldDescriptionId(id)} className="text-xs text-destructive">
          {error}
        </p>
      ) : hint ? (
        <p id={fieldDescriptionId(id)} className="text-xs text-muted-foreground">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

function NumberField({
  name,
  label,
  hint,
  error,
  badge,
  defaultValue,
  min,
  max,
  placeholder,
}: {
  name: string;
  label: string;
  hint?: string;
  error?: string;
  badge?: string;
  defaultValue: number | string;
  min?: number;
  max?: number;
  placeholder?: string;
}) {
  const id = `setting-${name}`;
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} badge={badge}>
      <Input
        id={id}
        name={name}
        type="number"
        inputMode="numeric"
        step={1}
        min={min}
        max={max}
        placeholder={placeholder}
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={hint || error ? fieldDescriptionId(id) : undefined}
        className="tabular-nums"
      />
    </FieldShell>
  );
}

function TextField({
  name,
  label,
  hint,
  error,
  defaultValue,
  placeholder,
}: {
  name: string;
  label: string;
  hint?: string;
  error?: string;
  defaultValue: string;
  placeholder?: string;
}) {
  const id = `setting-${name}`;
  return (
    <FieldShell id={id} label={label} hint={hint} error={error}>
      <Input
        id={id}
        name={name}
        placeholder={placeholder}
        defaultValue={defaultValue}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={hint || error ? fieldDescriptionId(id) : undefined}
        className="font-mono"
      />
    </FieldShell>
  );
}

function SelectField({
  name,
  label,
  hint,
  error,
  defaultValue,
  options,
}: {
  name: string;
  label: string;
  hint?: string;
  error?: string;
  defaultValue: string;
  options: [string, string][];
}) {
  const id = `setting-${name}`;
  return (
    <FieldShell id={id} label={label} hint={hint} error={error}>
      <Select
        id={id}
        name={name}
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={hint || error ? fieldDescriptionId(id) : undefined}
      >
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </Select>
    </FieldShell>
  );
}
