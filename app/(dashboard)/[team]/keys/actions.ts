"use server";

import { revalidatePath } from "next/cache";
import { requireTeam } from "@/lib/auth/team";
import { composeSecret, credentialForm, CredentialFieldError, fieldOfProblem } from "@/lib/providers/credential-fields";
import { createCustomProvider } from "@/lib/services/custom-providers/create";
import { addProviderKey } from "@/lib/services/provider-keys/add";
import { removeProviderKey } from "@/lib/services/provider-keys/remove";
import { rotateProviderKey } from "@/lib/services/provider-keys/rotate";
import { setProviderKeyWeight } from "@/lib/services/provider-keys/weight";
import { formError, type FormState } from "../form-state";

function text(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** A number field as the service's input: the service names a value that is not a whole number in range. */
function wholeNumber(form: FormData, name: string): number | undefined {
  const value = text(form, name);
  return value === undefined ? undefined : Number(value);
}

/** The secret the provider's key fields make, or the form state naming the field to fix. */
function secretOf(provider: string, form: FormData): { secret: string } | { problem: FormState } {
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
function onCredentialField(provider: string, state: FormState): FormState {
  const problem = state.fieldErrors?.secret;
  if (problem === undefined || credentialForm(provider).fields.some((field) => field.name === "secret")) return state;
  const { secret: _secret, ...others } = state.fieldErrors!;
  const field = fieldOfProblem(provider, problem);
  if (!field) return { ...state, error: problem, fieldErrors: others };
  // Shown under the field, "region: …" needs no name of its own.
  const text = problem.slice(problem.toLowerCase().startsWith(`${field.toLowerCase()}: `) ? field.length + 2 : 0);
  return { ...state, fieldErrors: { ...others, [field]: text.charAt(0).toUpperCase() + text.slice(1) } };
}

export async function addKeyAction(teamSlug: string, _previous: FormState, form: FormData): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  const provider = text(form, "provider") ?? "";
  const composed = secretOf(provider, form);
  if ("problem" in composed) return composed.problem;
  try {
    await addProviderKey({
      ctx,
      teamId: team.id,
      provider,
      secret: composed.secret,
      alias: text(form, "alias"),
      gatewaySlug: text(form, "gateway"),
      baseUrl: text(form, "baseUrl"),
      pool: form.get("pool") === "on",
      weight: wholeNumber(form, "weight"),
    });
  } catch (error) {
    return onCredentialField(provider, formError(error, { role, doing: "add provider keys" }));
  }
  revalidatePath(`/${team.slug}`, "layout");
  return { ok: true };
}

/** `provider` is the key's, bound by the page like its id: it says which fields the form has. */
export async function rotateKeyAction(
  teamSlug: string,
  keyId: string,
  provider: string,
  _previous: FormState,
  form: FormData,
): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  const composed = secretOf(provider, form);
  if ("problem" in composed) return composed.problem;
  try {
    await rotateProviderKey({ ctx, teamId: team.id, key: { id: keyId }, secret: composed.secret });
  } catch (error) {
    return onCredentialField(provider, formError(error, { role, doing: "rotate provider keys" }));
  }
  revalidatePath(`/${team.slug}/keys`);
  return { ok: true };
}

export async function setKeyWeightAction(teamSlug: string, keyId: string, _previous: FormState, form: FormData): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  try {
    await setProviderKeyWeight({ ctx, teamId: team.id, key: { id: keyId }, weight: wholeNumber(form, "weight") ?? Number.NaN });
  } catch (error) {
    return formError(error, { role, doing: "change provider keys" });
  }
  revalidatePath(`/${team.slug}/keys`);
  return { ok: true };
}

export async function removeKeyAction(teamSlug: string, keyId: string, _previous: FormState, _form: FormData): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  try {
    await removeProviderKey({ ctx, teamId: team.id, key: { id: keyId } });
  } catch (error) {
    return formError(error, { role, doing: "delete provider keys" });
  }
  revalidatePath(`/${team.slug}`, "layout");
  return { ok: true };
}

export async function addCustomProviderAction(teamSlug: string, _previous: FormState, form: FormData): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  try {
    await createCustomProvider({
      ctx,
      teamId: team.id,
      slug: text(form, "slug") ?? "",
      name: text(form, "name"),
      baseUrl: text(form, "baseUrl") ?? "",
    });
  } catch (error) {
    return formError(error, { role, doing: "add custom providers" });
  }
  revalidatePath(`/${team.slug}/keys`);
  return { ok: true };
}
