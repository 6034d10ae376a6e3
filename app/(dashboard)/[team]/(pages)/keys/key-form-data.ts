import { composeSecret, credentialForm, CredentialFieldError, fieldOfProblem } from "@/lib/providers/credential-fields";
import type { FormState } from "@/lib/forms/form-state";

// The key forms' data as their server actions read it: the team's keys and the operator's.

export function text(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** A number field as the service's input: the service names a value that is not a whole number in range. */
export function wholeNumber(form: FormData, name: string): number | undefined {
  const value = text(form, name);
  return value === undefined ? undefined : Number(value);
}

/** The secret the provider's key fields make, or the form state naming the field to fix. */
export function secretOf(provider: string, form: FormData): { secret: string } | { problem: FormState } {
  const values = Object.fromEntries(credentialForm(provider).fields.map((field) => [field.name, text(form, field.name)]));
  try {
    return { secret: composeSecret(provider, values) };
  } catch (error) {
    if (!(error instanceof CredentialFieldError)) throw error;
    return { problem: { error: "Some fields need attention.", fieldErrors: { [error.field]: error.message } } };
  }
}

/**
 * The service reports a provider's complaint about the secret as "secret: …"; a key made of
 * several fields shows it on the field it names, or above the form.
 */
export function onCredentialField(provider: string, state: FormState): FormState {
  const problem = state.fieldErrors?.secret;
  if (problem === undefined || credentialForm(provider).fields.some((field) => field.name === "secret")) return state;
  const { secret: _secret, ...others } = state.fieldErrors!;
  const field = fieldOfProblem(provider, problem);
  if (!field) return { ...state, error: problem, fieldErrors: others };
  // Shown under the field, "region: …" needs no name of its own.
  const text = problem.slice(problem.toLowerCase().startsWith(`${field.toLowerCase()}: `) ? field.length + 2 : 0);
  return { ...state, fieldErrors: { ...others, [field]: text.charAt(0).toUpperCase() + text.slice(1) } };
}
