"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Field, fieldDescriptionId } from "@/components/ui/field";
import { keepValuesOnSubmit } from "@/components/ui/form";
import { Input } from "@/components/ui/input";
import { SubmitButton } from "@/components/ui/submit-button";
import type { FormState } from "@/lib/auth/actions";

type Action = (state: FormState, form: FormData) => Promise<FormState>;

function useForm(action: Action) {
  const [state, dispatch] = useActionState(action, {});
  return { state, formProps: { action: dispatch, onSubmit: keepValuesOnSubmit(dispatch) } };
}

function describedBy(state: FormState, id: string, name: string, hint = false): string | undefined {
  return state.fieldErrors?.[name] || hint ? fieldDescriptionId(id) : undefined;
}

function FormError({ state }: { state: FormState }) {
  return state.error ? <Alert variant="error">{state.error}</Alert> : null;
}

export function PasswordSignInForm({ action, callbackUrl }: { action: Action; callbackUrl: string }) {
  const { state, formProps } = useForm(action);
  return (
    <form {...formProps} className="space-y-4">
      <FormError state={state} />
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field label="Email" htmlFor="signin-email">
        <Input id="signin-email" name="email" type="email" required autoComplete="email" defaultValue={state.values?.email} />
      </Field>
      <Field label="Password" htmlFor="signin-password">
        <Input id="signin-password" name="password" type="password" required autoComplete="current-password" />
      </Field>
      <SubmitButton className="w-full" pendingLabel="Signing in…">
        Sign in
      </SubmitButton>
    </form>
  );
}

export function MagicLinkForm({ action, callbackUrl, hint }: { action: Action; callbackUrl: string; hint: string }) {
  const { state, formProps } = useForm(action);
  return (
    <form {...formProps} className="space-y-4">
      <FormError state={state} />
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field label="Email" htmlFor="magic-email" hint={hint}>
        <Input
          id="magic-email"
          name="email"
          type="email"
          required
          autoComplete="email"
          defaultValue={state.values?.email}
          aria-describedby={fieldDescriptionId("magic-email")}
        />
      </Field>
      <SubmitButton variant="secondary" className="w-full" pendingLabel="Sending…">
        Email me a sign-in link
      </SubmitButton>
    </form>
  );
}

export function SetupForm({ action }: { action: Action }) {
  const { state, formProps } = useForm(action);
  const v = state.values ?? {};
  const errors = state.fieldErrors ?? {};
  return (
    <form {...formProps} className="space-y-5">
      <FormError state={state} />
      <fieldset className="space-y-4">
        <legend className="mb-3 text-sm font-medium text-muted-foreground">Your owner account</legend>
        <Field label="Name" htmlFor="setup-name" error={errors.name}>
          <Input id="setup-name" name="name" required maxLength={100} autoComplete="name" defaultValue={v.name}
            aria-invalid={errors.name ? true : undefined} aria-describedby={describedBy(state, "setup-name", "name")} />
        </Field>
        <Field label="Email" htmlFor="setup-email" error={errors.email}>
          <Input id="setup-email" name="email" type="email" required autoComplete="email" defaultValue={v.email}
            aria-invalid={errors.email ? true : undefined} aria-describedby={describedBy(state, "setup-email", "email")} />
        </Field>
        <Field label="Password" htmlFor="setup-password" error={errors.password} hint="At least 8 characters.">
          <Input id="setup-password" name="password" type="password" required minLength={8} autoComplete="new-password"
            aria-invalid={errors.password ? true : undefined} aria-describedby={describedBy(state, "setup-password", "password", true)} />
        </Field>
      </fieldset>
      <fieldset className="space-y-4">
        <legend className="mb-3 text-sm font-medium text-muted-foreground">Your first team</legend>
        <Field label="Team name" htmlFor="setup-team-name" error={errors.teamName}>
          <Input id="setup-team-name" name="teamName" required maxLength={100} autoComplete="organization" defaultValue={v.teamName}
            aria-invalid={errors.teamName ? true : undefined} aria-describedby={describedBy(state, "setup-team-name", "teamName")} />
        </Field>
        <Field
          label="URL slug"
          htmlFor="setup-team-slug"
          error={errors.teamSlug}
          hint="Part of the team's gateway URLs, e.g. /v1/acme/{gateway}/compat. Lowercase letters, digits and hyphens."
        >
          <Input id="setup-team-slug" name="teamSlug" required pattern="[a-z0-9][a-z0-9\-]{1,39}" className="font-mono" defaultValue={v.teamSlug}
            aria-invalid={errors.teamSlug ? true : undefined} aria-describedby={describedBy(state, "setup-team-slug", "teamSlug", true)} />
        </Field>
      </fieldset>
      <SubmitButton className="w-full" pendingLabel="Setting up…">
        Create account and team
      </SubmitButton>
    </form>
  );
}

export function AcceptInvitationForm({ action, token, label }: { action: Action; token: string; label: string }) {
  const { state, formProps } = useForm(action);
  return (
    <form {...formProps} className="space-y-4">
      <FormError state={state} />
      <input type="hidden" name="token" value={token} />
      <SubmitButton className="w-full" pendingLabel="Joining…">
        {label}
      </SubmitButton>
    </form>
  );
}

export function InvitationSignUpForm({ action, token, email }: { action: Action; token: string; email: string | null }) {
  const { state, formProps } = useForm(action);
  const v = state.values ?? {};
  const errors = state.fieldErrors ?? {};
  return (
    <form {...formProps} className="space-y-4">
      <FormError state={state} />
      <input type="hidden" name="token" value={token} />
      <Field label="Name" htmlFor="join-name" error={errors.name}>
        <Input id="join-name" name="name" required maxLength={100} autoComplete="name" defaultValue={v.name}
          aria-invalid={errors.name ? true : undefined} aria-describedby={describedBy(state, "join-name", "name")} />
      </Field>
      <Field label="Email" htmlFor="join-email" error={errors.email}>
        <Input id="join-email" name="email" type="email" required autoComplete="email" defaultValue={email ?? v.email}
          readOnly={email !== null} aria-invalid={errors.email ? true : undefined} aria-describedby={describedBy(state, "join-email", "email")} />
      </Field>
      <Field label="Password" htmlFor="join-password" error={errors.password} hint="At least 8 characters.">
        <Input id="join-password" name="password" type="password" required minLength={8} autoComplete="new-password"
          aria-invalid={errors.password ? true : undefined} aria-describedby={describedBy(state, "join-password", "password", true)} />
      </Field>
      <SubmitButton className="w-full" pendingLabel="Creating account…">
        Create account and join
      </SubmitButton>
    </form>
  );
}
