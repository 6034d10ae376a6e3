"use client";

import { TriangleAlert } from "lucide-react";
import { useActionState, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { CopyButton } from "@/components/ui/copy-button";
import { DialogClose, DialogFooter } from "@/components/ui/dialog";
import { Field, fieldDescriptionId } from "@/components/ui/field";
import { keepValuesOnSubmit } from "@/components/ui/form";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { SubmitButton } from "@/components/ui/submit-button";
import type { CreateTokenState } from "./actions";

export function CreateTokenForm({
  action,
  gateways,
}: {
  action: (state: CreateTokenState, form: FormData) => Promise<CreateTokenState>;
  gateways: string[];
}) {
  const [state, formAction] = useActionState(action, {});
  const [expiry, setExpiry] = useState("90");

  if (state.token) {
    return (
      <div className="space-y-4">
        <Alert variant="warning" title="Copy this token now">
          This is the only time it is shown. Switchyard stores only its hash; if you lose it, revoke it and create
          another.
        </Alert>
        <div>
          <p className="mb-1.5 text-sm font-medium">Token “{state.name}”</p>
          <div className="flex items-center gap-2 rounded-md border border-border bg-subtle p-2">
            <code className="min-w-0 flex-1 font-mono text-[13px] break-all select-all" data-testid="new-token">
              {state.token}
            </code>
            <CopyButton value={state.token} label="Copy token" showLabel variant="secondary" />
          </div>
        </div>
        <p className="text-xs text-muted-foreground">
          Send it as <code className="font-mono">cf-aig-authorization: Bearer …</code>, or as the OpenAI SDK&apos;s{" "}
          <code className="font-mono">apiKey</code>.
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
      <Field label="Name" htmlFor="token-name" error={state.fieldErrors?.name} hint="What uses it, e.g. “billing-service (prod)”.">
        <Input
          id="token-name"
          name="name"
          required
          maxLength={100}
          autoFocus
          aria-describedby={fieldDescriptionId("token-name")}
          aria-invalid={state.fieldErrors?.name ? true : undefined}
        />
      </Field>

      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Gateways</legend>
        <p className="text-xs text-muted-foreground">Leave all unticked to allow every gateway of the team, including ones created later.</p>
        {gateways.length === 0 ? (
          <p className="text-sm text-muted-foreground">The team has no gateways yet; the token will work on every gateway.</p>
        ) : (
          <div className="grid max-h-40 gap-1.5 overflow-y-auto rounded-md border border-border p-2 sm:grid-cols-2">
            {gateways.map((slug) => (
              <label key={slug} className="flex items-center gap-2 rounded px-1.5 py-1 text-sm hover:bg-muted">
                <input type="checkbox" name="gateways" value={slug} className="size-4 accent-(--color-primary)" />
                <span className="font-mono text-[13px]">{slug}</span>
              </label>
            ))}
          </div>
        )}
        {state.fieldErrors?.gatewaySlugs ? <p className="text-xs text-destructive">{state.fieldErrors.gatewaySlugs}</p> : null}
      </fieldset>

      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Expires" htmlFor="token-expiry">
          <Select id="token-expiry" name="expiry" value={expiry} onChange={(e) => setExpiry(e.target.value)}>
            <option value="7">In 7 days</option>
            <option value="30">In 30 days</option>
            <option value="90">In 90 days</option>
            <option value="365">In a year</option>
            <option value="custom">On a date…</option>
            <option value="never">Never</option>
          </Select>
        </Field>
        {expiry === "custom" ? (
          <Field label="Expiry date (UTC)" htmlFor="token-expires-on" error={state.fieldErrors?.expiresAt}>
            <Input id="token-expires-on" name="expiresOn" type="date" required min={new Date().toISOString().slice(0, 10)} />
          </Field>
        ) : null}
      </div>
      {expiry === "never" ? (
        <p className="flex items-center gap-1.5 text-xs text-muted-foreground">
          <TriangleAlert aria-hidden className="size-3.5" /> A token that never expires stays valid until it is revoked.
        </p>
      ) : null}

      <DialogFooter>
        <DialogClose />
        <SubmitButton pendingLabel="Creating…">Create token</SubmitButton>
      </DialogFooter>
    </form>
  );
}
