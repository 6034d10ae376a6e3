"use server";

import { revalidatePath } from "next/cache";
import { requireTeam } from "@/lib/auth/team";
import { createCustomProvider } from "@/lib/services/custom-providers/create";
import { addProviderKey } from "@/lib/services/provider-keys/add";
import { removeProviderKey } from "@/lib/services/provider-keys/remove";
import { rotateProviderKey } from "@/lib/services/provider-keys/rotate";
import { formError, type FormState } from "../form-state";

function text(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

export async function addKeyAction(teamSlug: string, _previous: FormState, form: FormData): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  try {
    await addProviderKey({
      ctx,
      teamId: team.id,
      provider: text(form, "provider") ?? "",
      secret: String(form.get("secret") ?? ""),
      alias: text(form, "alias"),
      gatewaySlug: text(form, "gateway"),
      baseUrl: text(form, "baseUrl"),
    });
  } catch (error) {
    return formError(error, { role, doing: "add provider keys" });
  }
  revalidatePath(`/${team.slug}`, "layout");
  return { ok: true };
}

export async function rotateKeyAction(teamSlug: string, keyId: string, _previous: FormState, form: FormData): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  try {
    await rotateProviderKey({ ctx, teamId: team.id, key: { id: keyId }, secret: String(form.get("secret") ?? "") });
  } catch (error) {
    return formError(error, { role, doing: "rotate provider keys" });
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
