"use client";

import { useActionState, useState, type ChangeEvent } from "react";
import type { FormState } from "@/lib/forms/form-state";
import { Alert } from "@/components/ui/alert";
import { DialogClose, DialogFooter, useCloseOnSuccess } from "@/components/ui/dialog";
import { Field, fieldDescriptionId } from "@/components/ui/field";
import { keepValuesOnSubmit } from "@/components/ui/form";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { SubmitButton } from "@/components/ui/submit-button";
import { Switch } from "@/components/ui/switch";
import { Textarea } from "@/components/ui/textarea";
import type { CredentialField } from "@/lib/providers/credential-fields";

type Action = (state: FormState, form: FormData) => Promise<FormState>;

export interface ProviderOption {
  slug: string;
  name: string;
  /** Set when keys of this provider must carry a base URL (Workers AI). */
  baseUrlHint?: string;
  baseUrlRequired: boolean;
  /** Where the provider is reached when a key has no base URL of its own. */
  defaultBaseUrl?: string;
  /** The key's fields say where the provider is (a region, an account id). */
  baseUrlFromKey?: boolean;
  /** What its key is made of (lib/providers/credential-fields.ts): one API key, or Bedrock's access key, region… */
  fields: CredentialField[];
}

/** Closes the enclosing dialog once the action succeeds. */
const SECRET_HINT = "Encrypted at rest and never shown again; lists show only what identifies it.";

/** Fills the textarea from a chosen file in the browser: the file itself is never uploaded. */
function FileIntoTextarea({ textareaId, label }: { textareaId: string; label: string }) {
  const load = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    const textarea = document.getElementById(textareaId);
    if (file && textarea instanceof HTMLTextAreaElement) textarea.value = await file.text();
  };
  return <Input type="file" accept=".json,application/json" aria-label={label} onChange={load} className="h-auto py-1 text-xs" />;
}

/**
 * One input per field of the provider's key, named as the server action and the CLI's `--field`
 * read them. Secrets are never filled back in: after an error the user types them again.
 */
function CredentialInputs({ idPrefix, fields, errors }: { idPrefix: string; fields: CredentialField[]; errors: Record<string, string> }) {
  return (
    <div className="space-y-4">
      {fields.map((field, index) => {
        const id = `${idPrefix}-${field.name}`;
        const error = errors[field.name];
        const common = {
          id,
          name: field.name,
          required: field.required,
          placeholder: field.placeholder,
          autoComplete: "off",
          spellCheck: false,
          className: "font-mono",
          "aria-describedby": fieldDescriptionId(id),
          "aria-invalid": error ? true : undefined,
        };
        const hint = field.hint ?? (field.kind === "secret" && index === 0 ? SECRET_HINT : undefined);
        return (
          <Field key={field.name} label={field.label} htmlFor={id} error={error} hint={hint}>
            {field.kind === "textarea" ? (
              <>
                <Textarea {...common} rows={6} className="font-mono text-xs" />
                <FileIntoTextarea textareaId={id} label={`${field.label}: choose a file`} />
              </>
            ) : field.kind === "select" ? (
              <>
                <Input {...common} list={`${id}-options`} />
                <datalist id={`${id}-options`}>
                  {field.options?.map((option) => <option key={option} value={option} />)}
                </datalist>
              </>
            ) : (
              <Input {...common} type={field.kind === "secret" ? "password" : "text"} />
            )}
          </Field>
        );
      })}
    </div>
  );
}

export function AddKeyForm({
  action,
  providers,
  gateways,
  defaultGateway,
}: {
  action: Action;
  providers: ProviderOption[];
  /** The team's gateways a key may be kept to; undefined for the operator's keys, which are every team's. */
  gateways?: string[];
  defaultGateway?: string;
}) {
  const [state, formAction] = useActionState(action, {});
  const [provider, setProvider] = useState(providers[0]?.slug ?? "openai");
  const [pool, setPool] = useState(false);
  useCloseOnSuccess(state);
  const spec = providers.find((p) => p.slug === provider);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} onSubmit={keepValuesOnSubmit(formAction)} className="space-y-4">
      {state.error ? <Alert variant="error">{state.error}</Alert> : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Provider" htmlFor="key-provider" error={errors.provider}>
          <Select id="key-provider" name="provider" value={provider} onChange={(e) => setProvider(e.target.value)}>
            {providers.map((p) => (
              <option key={p.slug} value={p.slug}>
                {p.name}
              </option>
            ))}
          </Select>
        </Field>
        {gateways ? (
          <Field label="Used by" htmlFor="key-gateway" error={errors.gatewaySlug}>
            <Select id="key-gateway" name="gateway" defaultValue={defaultGateway ?? ""}>
              <option value="">Every gateway (team-wide)</option>
              {gateways.map((slug) => (
                <option key={slug} value={slug}>
                  Gateway {slug} only
                </option>
              ))}
            </Select>
          </Field>
        ) : null}
      </div>
      {/* Keyed by provider: switching providers starts its fields empty. */}
      <CredentialInputs key={provider} idPrefix="key" fields={spec?.fields ?? []} errors={errors} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Alias"
          htmlFor="key-alias"
          error={errors.alias}
          hint="Requests pick a key with cf-aig-byok-alias; “default” is used otherwise."
        >
          <Input
            id="key-alias"
            name="alias"
            defaultValue="default"
            pattern="[A-Za-z0-9_\-]{1,64}"
            className="font-mono"
            aria-describedby={fieldDescriptionId("key-alias")}
          />
        </Field>
        <Field
          label={spec?.baseUrlRequired ? "Base URL" : "Base URL (optional)"}
          htmlFor="key-base-url"
          error={errors.baseUrl}
          hint={
            (spec?.baseUrlFromKey ? "Leave empty when the key's fields say where its requests go (a region, an account id); set it for a proxy." : undefined) ??
            spec?.baseUrlHint ??
            (spec?.defaultBaseUrl
              ? `Leave empty for ${spec.defaultBaseUrl}; set it for a proxy or regional endpoint of the same API.`
              : "For a self-hosted or regional endpoint, e.g. http://gpu-box:8000/v1.")
          }
        >
          <Input
            id="key-base-url"
            name="baseUrl"
            type="url"
            required={spec?.baseUrlRequired}
            placeholder={spec?.baseUrlHint ?? spec?.defaultBaseUrl ?? "https://…"}
            className="font-mono"
            aria-describedby={fieldDescriptionId("key-base-url")}
          />
        </Field>
      </div>
      <div className="grid gap-4 sm:grid-cols-2 sm:items-start">
        <div className="flex items-start gap-3">
          <Switch
            id="key-pool"
            name="pool"
            checked={pool}
            onChange={(event) => setPool(event.target.checked)}
            aria-describedby={fieldDescriptionId("key-pool")}
            className="mt-0.5"
          />
          <div className="space-y-1">
            <Label htmlFor="key-pool">Add to the pool</Label>
            <p id={fieldDescriptionId("key-pool")} className="text-xs text-muted-foreground">
              When the alias has a key already, requests are spread across both instead. Without this, an alias in use is refused.
            </p>
          </div>
        </div>
        {pool ? (
          <Field label="Weight" htmlFor="key-weight" error={errors.weight} hint="Its share of the pool's requests: 2 gets twice what 1 gets.">
            <Input
              id="key-weight"
              name="weight"
              type="number"
              inputMode="numeric"
              min={1}
              max={1000}
              step={1}
              defaultValue={1}
              className="tabular-nums"
              aria-describedby={fieldDescriptionId("key-weight")}
            />
          </Field>
        ) : null}
      </div>
      <DialogFooter>
        <DialogClose />
        <SubmitButton pendingLabel="Saving…">Add key</SubmitButton>
      </DialogFooter>
    </form>
  );
}

export function KeyWeightForm({ action, weight }: { action: Action; weight: number }) {
  const [state, formAction] = useActionState(action, {});
  useCloseOnSuccess(state);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} className="space-y-4">
      {state.error ? <Alert variant="error">{state.error}</Alert> : null}
      <Field
        label="Weight"
        htmlFor="weight-value"
        error={errors.weight}
        hint="1 to 1000, relative to the other keys of its pool: keys of weight 1 each take turns."
      >
        <Input
          id="weight-value"
          name="weight"
          type="number"
          inputMode="numeric"
          required
          min={1}
          max={1000}
          step={1}
          defaultValue={weight}
          className="tabular-nums"
          aria-describedby={fieldDescriptionId("weight-value")}
        />
      </Field>
      <DialogFooter>
        <DialogClose />
        <SubmitButton pendingLabel="Saving…">Save weight</SubmitButton>
      </DialogFooter>
    </form>
  );
}

export function RotateKeyForm({ action, fields }: { action: Action; fields: CredentialField[] }) {
  const [state, formAction] = useActionState(action, {});
  useCloseOnSuccess(state);
  return (
    <form action={formAction} className="space-y-4">
      {state.error ? <Alert variant="error">{state.error}</Alert> : null}
      <CredentialInputs idPrefix="rotate" fields={fields} errors={state.fieldErrors ?? {}} />
      <p className="text-xs text-muted-foreground">
        The old secret is replaced at once; requests already on their way finish with it. The key&apos;s last status is
        cleared.
      </p>
      <DialogFooter>
        <DialogClose />
        <SubmitButton pendingLabel="Rotating…">Replace secret</SubmitButton>
      </DialogFooter>
    </form>
  );
}

export function AddCustomProviderForm({ action }: { action: Action }) {
  const [state, formAction] = useActionState(action, {});
  useCloseOnSuccess(state);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} onSubmit={keepValuesOnSubmit(formAction)} className="space-y-4">
      {state.error ? <Alert variant="error">{state.error}</Alert> : null}
      <Field label="Slug" htmlFor="cp-slug" error={errors.slug} hint="Reached as custom-{slug} in paths and model names.">
        <Input id="cp-slug" name="slug" required placeholder="gpu-box" pattern="[a-z0-9][a-z0-9\-]{0,63}" className="font-mono" aria-describedby={fieldDescriptionId("cp-slug")} />
      </Field>
      <Field label="Name (optional)" htmlFor="cp-name" error={errors.name}>
        <Input id="cp-name" name="name" maxLength={100} placeholder="GPU box (vLLM)" />
      </Field>
      <Field label="Base URL" htmlFor="cp-base-url" error={errors.baseUrl} hint="An OpenAI-compatible server, e.g. http://gpu-box:8000/v1.">
        <Input id="cp-base-url" name="baseUrl" type="url" required className="font-mono" aria-describedby={fieldDescriptionId("cp-base-url")} />
      </Field>
      <DialogFooter>
        <DialogClose />
        <SubmitButton pendingLabel="Adding…">Add provider</SubmitButton>
      </DialogFooter>
    </form>
  );
}
