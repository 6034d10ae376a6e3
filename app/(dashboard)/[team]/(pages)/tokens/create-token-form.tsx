"use client";

import { TriangleAlert } from "lucide-react";
import { useActionState, useState } from "react";
import { NewTokenSecret } from "@/components/tokens/new-token-secret";
import { ExpiryOptions, TokenNameField } from "@/components/tokens/token-form-fields";
import { Alert } from "@/components/ui/alert";
import { DialogClose, DialogFooter } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { keepValuesOnSubmit } from "@/components/ui/form";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { SubmitButton } from "@/components/ui/submit-button";
import type { CreatedTokenState } from "../token-form-input";

export function CreateTokenForm({
  action,
  gateways,
}: {
  action: (state: CreatedTokenState, form: FormData) => Promise<CreatedTokenState>;
  gateways: string[];
}) {
  const [state, formAction] = useActionState(action, {});
  const [expiry, setExpiry] = useState("90");

  if (state.token) {
    return (
      <NewTokenSecret kind="Token" name={state.name} secret={state.token} testId="new-token">
        Send it as <code className="font-mono">cf-aig-authorization: Bearer …</code>, or as the OpenAI SDK&apos;s{" "}
        <code className="font-mono">apiKey</code>.
      </NewTokenSecret>
    );
  }

  return (
    <form action={formAction} onSubmit={keepValuesOnSubmit(formAction)} className="space-y-4">
      {state.error ? <Alert variant="error">{state.error}</Alert> : null}
      <TokenNameField id="token-name" hint="What uses it, e.g. “billing-service (prod)”." error={state.fieldErrors?.name} />

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
            <ExpiryOptions onDate />
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
