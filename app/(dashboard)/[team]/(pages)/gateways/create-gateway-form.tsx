"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { keepValuesOnSubmit } from "@/components/ui/form";
import { DialogClose } from "@/components/ui/dialog";
import { Field, fieldDescriptionId } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { SubmitButton } from "@/components/ui/submit-button";
import { Switch } from "@/components/ui/switch";
import type { FormState } from "@/lib/forms/form-state";
import { GATEWAY_SETTINGS } from "@/lib/gateways/settings/declarations";
import { presentMarker } from "@/lib/gateways/settings/form";

export function CreateGatewayForm({ action }: { action: (state: FormState, form: FormData) => Promise<FormState> }) {
  const [state, formAction] = useActionState(action, {});
  return (
    <form action={formAction} onSubmit={keepValuesOnSubmit(formAction)} className="space-y-4">
      {state.error ? <Alert variant="error">{state.error}</Alert> : null}
      <Field
        label="Gateway ID"
        htmlFor="gateway-slug"
        error={state.fieldErrors?.slug}
        hint="Appears in the URL: /v1/{team}/{gateway}/… — lowercase letters, digits and hyphens."
      >
        <Input
          id="gateway-slug"
          name="slug"
          required
          autoFocus
          placeholder="production"
          pattern="[a-z0-9\-]{1,64}"
          className="font-mono"
          aria-describedby={fieldDescriptionId("gateway-slug")}
          aria-invalid={state.fieldErrors?.slug ? true : undefined}
        />
      </Field>
      <div className="flex items-start gap-3">
        <input type="hidden" name={presentMarker("authentication")} value="1" />
        <Switch id="gateway-auth" name="authentication" defaultChecked aria-describedby="gateway-auth-hint" className="mt-0.5" />
        <div className="space-y-1">
          <Label htmlFor="gateway-auth">{GATEWAY_SETTINGS.authentication.form.label}</Label>
          <p id="gateway-auth-hint" className="text-xs text-muted-foreground">
            Requests need a gateway token. Stored provider keys are only used with a token, so leave this on unless
            every client sends its own provider key.
          </p>
        </div>
      </div>
      <p className="text-xs text-muted-foreground">Logging, caching and the other settings can be changed after creation.</p>
      <div className="flex justify-end gap-2">
        <DialogClose />
        <SubmitButton pendingLabel="Creating…">Create gateway</SubmitButton>
      </div>
    </form>
  );
}
