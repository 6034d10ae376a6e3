import type { FormState } from "@/lib/forms/form-state";

/** What a create-token action returns: the plaintext token once, and never again. */
export interface CreatedTokenState extends FormState {
  token?: string;
  name?: string;
}

const DAY_MS = 86_400_000;

/**
 * The create dialogs' expiry (see ExpiryOptions): undefined for "never", "invalid" for a day count or
 * date that is none. A date picked without a time expires at the end of that day (UTC).
 */
export function expiryFrom(form: FormData): Date | undefined | "invalid" {
  const choice = String(form.get("expiry") ?? "never");
  if (choice === "never") return undefined;
  if (choice === "custom") {
    const value = String(form.get("expiresOn") ?? "");
    const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T23:59:59Z`) : new Date(Number.NaN);
    return Number.isNaN(date.getTime()) ? "invalid" : date;
  }
  const days = Number(choice);
  return Number.isInteger(days) && days > 0 ? new Date(Date.now() + days * DAY_MS) : "invalid";
}
