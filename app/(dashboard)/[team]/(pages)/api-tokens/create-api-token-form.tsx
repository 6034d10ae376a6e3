"use client";

import { useActionState } from "react";
import type { Role } from "@/db/schema";
import { Alert } from "@/components/ui/alert";
import { CopyButton } from "@/components/ui/copy-button";
import { DialogClose, DialogFooter } from "@/components/ui/dialog";
import { Field, fieldDescriptionId } from "@/components/ui/field";
import { keepValuesOnSubmit } from "@/components/ui/form";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { SubmitButton } from "@/components/ui/submit-button";
import type { CreateApiTokenState } from "./actions";

const SCOPES = [
  { value: "read", label: "Read", hint: "GET: gateways, logs, keys (never secrets)" },
  { value: "edit", label: "Edit", hint: "Create, change and delete" },
  { value: "run", label: "Run", hint: "Reserved for calling gateways" },
];

export function CreateApiTokenForm({
  action,
  roles,
}: {
  action: (state: CreateApiTokenState, form: FormData) => Promise<CreateApiTokenState>;
  /** The roles the creator may give: their own and those below it. */
  roles: Role[];
}) {
  const [state, formAction] = useActionState(action, {});

  if (state.token) {
    return (
      <div className="space-y-4">
        <Alert variant="warning" title="Copy this token now">
          This is the only time it is shown. Switchyard stores only its hash; if you lose it, revoke it and create another.
        </Alert>
        <div>
          <p className="mb-1.5 text-sm font-medium">API token “{state.name}”</p>
          <div className="flex items-center gap-2 rounded-md border border-border bg-subtle p-2">
            <code className="min-w-0 flex-1 font-mono text-[13px] break-all select-all" data-testid="new-api-token">
              {state.token}
            </code>
            <CopyButton value={state.token} label="Copy token" showLabel variant="secondary" />
          </div>
        </div>
        <p className="text-xs text-muted-foreground">
          Send it as <code className="font-mono">Authorization: Bearer …</code> to <code className="font-mono">/client/v4/accounts/…/ai-gateway/…</code>.
        </p>
        <DialogFooter>
          <DialogClose variant="primary">Done</DialogClose>
        </DialogFooter>
      </div>
    );
  }

  return (
    <form action={formAction} onSubmit={keepValuesOnSubmit(formAction)} className="space-y-4">
      {state.error ? <Alert variant="error">{state.error}</Alert> : null}
      <Field label="Name" htmlFor="api-token-name" error={state.fieldErrors?.name} hint="What uses it, e.g. “deploy pipeline”.">
        <Input
          id="api-token-name"
          name="name"
          required
          maxLength={100}
          autoFocus
          aria-describedby={fieldDescriptionId("api-token-name")}
          aria-invalid={state.fieldErrors?.name ? true : undefined}
        />
      </Field>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Scopes</legend>
        <div className="grid gap-1.5 rounded-md border border-border p-2">
          {SCOPES.map((scope) => (
            <label key={scope.value} className="flex items-center gap-2 rounded px-1.5 py-1 text-sm hover:bg-muted">
              <input type="checkbox" name="scopes" value={scope.value} defaultChecked={scope.value === "read"} className="size-4 accent-(--color-primary)" />
              <span className="font-medium">{scope.label}</span>
              <span className="text-xs text-muted-foreground">{scope.hint}</span>
            </label>
          ))}
        </div>
        {state.fieldErrors?.scopes ? <p className="text-xs text-destructive">{state.fieldErrors.scopes}</p> : null}
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Role" htmlFor="api-token-role" error={state.fieldErrors?.role} hint="It never acts above this, nor above your own role.">
          <Select id="api-token-role" name="role" defaultValue="viewer" aria-describedby={fieldDescriptionId("api-token-role")}>
            {roles.map((role) => (
              <option key={role} value={role}>
                {role.charAt(0).toUpperCase() + role.slice(1)}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Expires" htmlFor="api-token-expiry" error={state.fieldErrors?.expiresAt}>
          <Select id="api-token-expiry" name="expiry" defaultValue="90">
            <option value="7">In 7 days</option>
            <option value="30">In 30 days</option>
            <option value="90">In 90 days</option>
            <option value="365">In a year</option>
            <option value="never">Never</option>
          </Select>
        </Field>
      </div>
      <DialogFooter>
        <DialogClose />
        <SubmitButton pendingLabel="Creating…">Create API token</SubmitButton>
      </DialogFooter>
    </form>
  );
}
