import { Field, fieldDescriptionId } from "@/components/ui/field";
import { Input } from "@/components/ui/input";

/** The create dialog's Name field (`name`), focused when the dialog opens. */
export function TokenNameField({ id, hint, error }: { id: string; hint: string; error: string | undefined }) {
  return (
    <Field label="Name" htmlFor={id} error={error} hint={hint}>
      <Input id={id} name="name" required maxLength={100} autoFocus aria-describedby={fieldDescriptionId(id)} aria-invalid={error ? true : undefined} />
    </Field>
  );
}

/**
 * The choices of an `expiry` select, read by expiryFrom: a number of days, "never", and with
 * `onDate` "custom" for a date in the form's `expiresOn`.
 */
export function ExpiryOptions({ onDate = false }: { onDate?: boolean }) {
  return (
    <>
      <option value="7">In 7 days</option>
      <option value="30">In 30 days</option>
      <option value="90">In 90 days</option>
      <option value="365">In a year</option>
      {onDate ? <option value="custom">On a date…</option> : null}
      <option value="never">Never</option>
    </>
  );
}
