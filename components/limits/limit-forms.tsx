"use client";

import { useActionState, useState } from "react";
import type { FormState } from "@/lib/forms/form-state";
import { Alert } from "@/components/ui/alert";
import { DialogClose, DialogFooter, useCloseOnSuccess } from "@/components/ui/dialog";
import { Field, fieldDescriptionId } from "@/components/ui/field";
import { keepValuesOnSubmit } from "@/components/ui/form";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { SubmitButton } from "@/components/ui/submit-button";
import { Textarea } from "@/components/ui/textarea";

type Action = (state: FormState, form: FormData) => Promise<FormState>;

function NumberInput({ id, name, error, ...props }: { id: string; name: string; error?: string; min?: number; step?: string; placeholder?: string; required?: boolean }) {
  return (
    <Input
      id={id}
      name={name}
      type="number"
      inputMode="decimal"
      aria-invalid={error ? true : undefined}
      aria-describedby={fieldDescriptionId(id)}
      className="tabular-nums"
      {...props}
    />
  );
}

/** A rule's ID: the same ID replaces a rule, and refusals name it. */
function RuleIdField({ id, error, hint }: { id: string; error?: string; hint: string }) {
  return (
    <Field label="Rule ID" htmlFor={id} error={error} hint={hint}>
      <Input id={id} name="id" required autoFocus autoComplete="off" aria-invalid={error ? true : undefined} aria-describedby={fieldDescriptionId(id)} />
    </Field>
  );
}

/** A rule's window and how it is counted, the default technique listed first. */
function WindowFields({ idPrefix, errors, defaultTechnique }: { idPrefix: string; errors: Record<string, string | undefined>; defaultTechnique: "fixed" | "sliding" }) {
  const techniques = defaultTechnique === "fixed" ? (["fixed", "sliding"] as const) : (["sliding", "fixed"] as const);
  return (
    <>
      <Field label="Window (seconds)" htmlFor={`${idPrefix}-window`} error={errors.window}>
        <NumberInput id={`${idPrefix}-window`} name="window" min={1} step="1" required error={errors.window} />
      </Field>
      <Field label="Technique" htmlFor={`${idPrefix}-technique`} error={errors.technique}>
        <Select id={`${idPrefix}-technique`} name="technique" defaultValue={defaultTechnique}>
          {techniques.map((technique) => (
            <option key={technique} value={technique}>
              {technique === "fixed" ? "Fixed" : "Sliding"}
            </option>
          ))}
        </Select>
      </Field>
    </>
  );
}

/** A rate-limit rule of a gateway or a token; the same id replaces a rule. */
export function RateLimitRuleForm({ action, allowTokenKey }: { action: Action; allowTokenKey: boolean }) {
  const [state, formAction] = useActionState(action, {});
  const [key, setKey] = useState("");
  useCloseOnSuccess(state);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} onSubmit={keepValuesOnSubmit(formAction)} className="space-y-4">
      {state.error ? <Alert variant="error">{state.error}</Alert> : null}
      <RuleIdField id="rule-id" error={errors.id} hint="Lowercase letters, digits, - and _. An existing rule's ID replaces it." />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Limit" htmlFor="rule-limit" error={errors.limit}>
          <NumberInput id="rule-limit" name="limit" min={1} step="1" required error={errors.limit} />
        </Field>
        <Field label="Counts" htmlFor="rule-counts" error={errors.counts}>
          <Select id="rule-counts" name="counts" defaultValue="requests">
            <option value="requests">Requests</option>
            <option value="tokens">Tokens (input + output)</option>
          </Select>
        </Field>
        <WindowFields idPrefix="rule" errors={errors} defaultTechnique="fixed" />
      </div>
      <Field label="Counted per" htmlFor="rule-key" error={errors.key} hint="One count for all requests, or one per value.">
        <Select id="rule-key" name="key" value={key} onChange={(event) => setKey(event.target.value)}>
          <option value="">All requests together</option>
          {allowTokenKey ? <option value="token">Token</option> : null}
          <option value="model">Model</option>
          <option value="provider">Provider</option>
          <option value="metadata">Metadata value…</option>
        </Select>
      </Field>
      {key === "metadata" ? (
        <Field label="Metadata key" htmlFor="rule-metadata-key" hint="A cf-aig-metadata key, e.g. user_id.">
          <Input id="rule-metadata-key" name="metadataKey" required autoComplete="off" aria-describedby={fieldDescriptionId("rule-metadata-key")} />
        </Field>
      ) : null}
      <DialogFooter>
        <DialogClose />
        <SubmitButton pendingLabel="Saving…">Save rule</SubmitButton>
      </DialogFooter>
    </form>
  );
}

function DimensionField({ name, label, example, error }: { name: string; label: string; example: string; error?: string }) {
  const [mode, setMode] = useState("");
  const id = `spend-${name}`;
  return (
    <div className="grid gap-2 sm:grid-cols-[10rem_1fr] sm:items-end">
      <Field label={label} htmlFor={`${id}-mode`} error={error}>
        <Select id={`${id}-mode`} name={`${name}Mode`} value={mode} onChange={(event) => setMode(event.target.value)}>
          <option value="">Every {name}</option>
          <option value="partition">A bucket per {name}</option>
          <option value="filter">Only these…</option>
        </Select>
      </Field>
      {mode === "filter" ? <Input aria-label={`${label} values`} name={`${name}Values`} placeholder={example} required autoComplete="off" /> : null}
    </div>
  );
}

/** One of Cloudflare's spend-limit rules: a USD limit per window, with partition and filter dimensions. */
export function SpendLimitRuleForm({ action }: { action: Action }) {
  const [state, formAction] = useActionState(action, {});
  useCloseOnSuccess(state);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} onSubmit={keepValuesOnSubmit(formAction)} className="space-y-4">
      {state.error ? <Alert variant="error">{state.error}</Alert> : null}
      <RuleIdField id="spend-id" error={errors.id} hint="Refusals name it: “rule 'per-user' (cost limit 5 per 86400s, sliding)”." />
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label="Limit (USD)" htmlFor="spend-limit" error={errors.limit}>
          <NumberInput id="spend-limit" name="limit" min={0} step="any" required error={errors.limit} />
        </Field>
        <WindowFields idPrefix="spend" errors={errors} defaultTechnique="sliding" />
      </div>
      <DimensionField name="model" label="Model" example="openai/gpt-4o-mini, openai/gpt-4o" error={errors.model ?? errors["model.values"]} />
      <DimensionField name="provider" label="Provider" example="openai, anthropic" error={errors.provider ?? errors["provider.values"]} />
      <Field
        label="Metadata"
        htmlFor="spend-metadata"
        error={errors.metadata}
        hint="One a line: user_id=partition for a bucket per value, env=prod,staging to count only those values."
      >
        <Textarea id="spend-metadata" name="metadata" rows={2} className="font-mono text-[13px]" aria-describedby={fieldDescriptionId("spend-metadata")} />
      </Field>
      <DialogFooter>
        <DialogClose />
        <SubmitButton pendingLabel="Saving…">Save rule</SubmitButton>
      </DialogFooter>
    </form>
  );
}

/** A budget of the team, or of the gateway or token `scope` fixes. */
export function BudgetForm({ action, scopes }: { action: Action; scopes?: { value: string; label: string }[] }) {
  const [state, formAction] = useActionState(action, {});
  const [period, setPeriod] = useState("monthly");
  useCloseOnSuccess(state);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} onSubmit={keepValuesOnSubmit(formAction)} className="space-y-4">
      {state.error ? <Alert variant="error">{state.error}</Alert> : null}
      <Field label="Name" htmlFor="budget-name" error={errors.name} hint="Refusals and alerts name it.">
        <Input id="budget-name" name="name" required maxLength={100} autoFocus aria-invalid={errors.name ? true : undefined} aria-describedby={fieldDescriptionId("budget-name")} />
      </Field>
      {scopes ? (
        <Field label="Applies to" htmlFor="budget-scope">
          <Select id="budget-scope" name="scope" defaultValue="team">
            {scopes.map((scope) => (
              <option key={scope.value} value={scope.value}>
                {scope.label}
              </option>
            ))}
          </Select>
        </Field>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Limit (USD)" htmlFor="budget-limit" error={errors.limitUsd}>
          <NumberInput id="budget-limit" name="limitUsd" min={0} step="any" required error={errors.limitUsd} />
        </Field>
        <Field label="Period" htmlFor="budget-period" error={errors.period}>
          <Select id="budget-period" name="period" value={period} onChange={(event) => setPeriod(event.target.value)}>
            <option value="daily">Daily (UTC)</option>
            <option value="weekly">Weekly (from Monday, UTC)</option>
            <option value="monthly">Monthly (UTC)</option>
            <option value="rolling">Rolling window</option>
          </Select>
        </Field>
        {period === "rolling" ? (
          <Field label="Window (seconds)" htmlFor="budget-window" error={errors.windowSeconds}>
            <NumberInput id="budget-window" name="windowSeconds" min={60} step="1" required error={errors.windowSeconds} />
          </Field>
        ) : null}
        <Field label="Alert at (%)" htmlFor="budget-alert" error={errors.alertPercent} hint="Empty for no alert.">
          <NumberInput id="budget-alert" name="alertPercent" min={1} step="1" placeholder="80" error={errors.alertPercent} />
        </Field>
      </div>
      <DialogFooter>
        <DialogClose />
        <SubmitButton pendingLabel="Adding…">Add budget</SubmitButton>
      </DialogFooter>
    </form>
  );
}

/** Turns a gateway's spend limits on or off without touching its rules. */
export function SpendLimitsSwitch({ enabled, action }: { enabled: boolean; action: Action }) {
  const [state, formAction] = useActionState(action, {});
  return (
    <form action={formAction} className="flex items-center gap-2">
      <input type="hidden" name="enabled" value={enabled ? "off" : "on"} />
      {state.error ? <span className="text-xs text-destructive">{state.error}</span> : null}
      <SubmitButton variant="secondary" size="sm" pendingLabel="Saving…">
        {enabled ? "Turn spend limits off" : "Turn spend limits on"}
      </SubmitButton>
    </form>
  );
}
