"use server";

import { revalidatePath } from "next/cache";
import { requireTeam } from "@/lib/auth/team";
import { createCustomProvider } from "@/lib/services/custom-providers/create";
import { addProviderKey } from "@/lib/services/provider-keys/add";
import { removeProviderKey } from "@/lib/services/provider-keys/remove";
import { rotateProviderKey } from "@/lib/services/provider-keys/rotate";
import { setProviderKeyWeight } from "@/lib/services/provider-keys/weight";
import { formError, type FormState } from "@/lib/forms/form-state";
import { onCredentialField, secretOf, text, wholeNumber } from "./key-form-data";

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
