"use client";

import { useActionState, useState } from "react";
import type { Role } from "@/db/schema";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { DialogClose, DialogFooter } from "@/components/ui/dialog";
import { Field, fieldDescriptionId } from "@/components/ui/field";
import { keepValuesOnSubmit } from "@/components/ui/form";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { SubmitButton } from "@/components/ui/submit-button";
import type { FormState } from "@/lib/forms/form-state";
import type { InviteState } from "./actions";

export const ROLE_ABOUT: Record<Role, string> = {
  owner: "Everything, including the team's slug and other owners.",
  admin: "Gateways, tokens, keys and members.",
  member: "Uses the playground and reads everything.",
  viewer: "Reads gateways, logs and usage.",
};

/** A member's role with a Save button that appears once another role is picked. */
export function RoleForm({
  action,
  role,
  grantable,
  label,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  role: Role;
  grantable: Role[];
  label: string;
}) {
  const [state, formAction] = useActionState(action, {});
  const [value, setValue] = useState<Role>(role);
  const options = grantable.includes(role) ? grantable : [role, ...grantable];
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <Select
        name="role"
        aria-label={label}
        value={value}
        onChange={(e) => setValue(e.target.value as Role)}
        className="w-28"
      >
        {options.map((option) => (
          <option key={option} value={option}>
            {option[0]!.toUpperCase() + option.slice(1)}
          </option>
        ))}
      </Select>
      {value !== role ? (
        <>
          <SubmitButton size="sm" pendingLabel="Saving…">
            Save
          </SubmitButton>
          <Button size="sm" variant="ghost" onClick={() => setValue(role)}>
            Cancel
          </Button>
        </>
      ) : null}
      {state.error ? (
        <p role="alert" className="basis-full text-xs text-destructive">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}

export function InviteForm({
  action,
  grantable,
}: {
  action: (state: InviteState, form: FormData) => Promise<InviteState>;
  grantable: Role[];
}) {
  const [state, formAction] = useActionState(action, {});
  if (state.url) {
    return (
      <div className="space-y-4">
        <Alert variant="success" title="Invitation created">
          Send this link to the person you invite. It works once, and this is the only time it is shown.
        </Alert>
        <div className="flex items-center gap-2 rounded-md border border-border bg-subtle p-2">
          <code className="min-w-0 flex-1 font-mono text-[13px] break-all select-all">{state.url}</code>
          <CopyButton value={state.url} label="Copy link" showLabel variant="secondary" />
        </div>
        <DialogFooter>
          <DialogClose variant="primary">Done</DialogClose>
        </DialogFooter>
      </div>
    );
  }
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} onSubmit={keepValuesOnSubmit(formAction)} className="space-y-4">
      {state.error ? <Alert variant="error">{state.error}</Alert> : null}
      <Field label="Role" htmlFor="invite-role" error={errors.role}>
        <Select id="invite-role" name="role" defaultValue={grantable.includes("member") ? "member" : grantable[0]}>
          {grantable.map((role) => (
            <option key={role} value={role}>
              {role[0]!.toUpperCase() + role.slice(1)} — {ROLE_ABOUT[role]}
            </option>
          ))}
        </Select>
      </Field>
      <Field
        label="Email (optional)"
        htmlFor="invite-email"
        error={errors.email}
        hint="With an address, only that user can accept. Without, anyone with the link can."
      >
        <Input id="invite-email" name="email" type="email" autoComplete="off" aria-describedby={fieldDescriptionId("invite-email")} />
      </Field>
      <Field label="Valid for" htmlFor="invite-days" error={errors.expiresInDays}>
        <Select id="invite-days" name="expiresInDays" defaultValue="7">
          <option value="1">1 day</option>
          <option value="7">7 days</option>
          <option value="14">14 days</option>
          <option value="30">30 days</option>
        </Select>
      </Field>
      <DialogFooter>
        <DialogClose />
        <SubmitButton pendingLabel="Creating…">Create link</SubmitButton>
      </DialogFooter>
    </form>
  );
}
