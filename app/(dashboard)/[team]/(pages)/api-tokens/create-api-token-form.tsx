"use client";

import { useActionState } from "react";
import type { Role } from "@/db/schema";
import { NewTokenSecret } from "@/components/tokens/new-token-secret";
import { ExpiryOptions, TokenNameField } from "@/components/tokens/token-form-fields";
import { Alert } from "@/components/ui/alert";
import { DialogClose, DialogFooter } from "@/components/ui/dialog";
import { Field, fieldDescriptionId } from "@/components/ui/field";
import { keepValuesOnSubmit } from "@/components/ui/form";
import { Select } from "@/components/ui/select";
import { SubmitButton } from "@/components/ui/submit-button";
import type { CreatedTokenState } from "../token-form-input";

const SCOPES = [
  { value: "read", label: "Read", hint: "GET: gateways, logs, keys (never secrets)" },
  { value: "edit", label: "Edit", hint: "Create, change and delete" },
  { value: "run", label: "Run", hint: "Call the team's gateways (member or above)" },
];

export function CreateApiTokenForm({
  action,
  roles,
}: {
  action: (state: CreatedTokenState, form: FormData) => Promise<CreatedTokenState>;
  /** The roles the creator may give: their own and those below it. */
  roles: Role[];
}) {
  const [state, formAction] = useActionState(action, {});

  if (state.token) {
    return (
      <NewTokenSecret kind="API token" name={state.name} secret={state.token} testId="new-api-token">
        Send it as <code className="font-mono">Authorization: Bearer …</code> to <code className="font-mono">/client/v4/accounts/…/ai-gateway/…</code>; with the
        run scope, also as <code className="font-mono">cf-aig-authorization: Bearer …</code> to the team&apos;s gateways.
      </NewTokenSecret>
    );
  }

  return (
    <form action={formAction} onSubmit={keepValuesOnSubmit(formAction)} className="space-y-4">
      {state.error ? <Alert variant="error">{state.error}</Alert> : null}
      <TokenNameField id="api-token-name" hint="What uses it, e.g. “deploy pipeline”." error={state.fieldErrors?.name} />
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
            <ExpiryOptions />
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
