"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireTeam } from "@/lib/auth/team";
import { createGateway } from "@/lib/services/gateways/create";
import { deleteGateway } from "@/lib/services/gateways/delete";
import { updateGateway } from "@/lib/services/gateways/update";
import { settingsFromForm } from "@/lib/gateways/settings/form";
import { formError, type FormState } from "@/lib/forms/form-state";

export async function createGatewayAction(teamSlug: string, _previous: FormState, form: FormData): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  const slug = String(form.get("slug") ?? "").trim();
  try {
    await createGateway({ ctx, teamId: team.id, slug, settings: settingsFromForm(form) });
  } catch (error) {
    return formError(error, { role, doing: "create gateways" });
  }
  revalidatePath(`/${team.slug}/gateways`);
  redirect(`/${team.slug}/gateways/${slug}`);
}

export async function updateGatewayAction(
  teamSlug: string,
  gatewaySlug: string,
  _previous: FormState,
  form: FormData,
): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  try {
    await updateGateway({ ctx, teamId: team.id, slug: gatewaySlug, settings: settingsFromForm(form) });
  } catch (error) {
    return formError(error, { role, doing: "change gateway settings" });
  }
  revalidatePath(`/${team.slug}/gateways`, "layout");
  return { ok: true, message: "Settings saved." };
}

export async function deleteGatewayAction(teamSlug: string, gatewaySlug: string, _previous: FormState, _form: FormData): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  try {
    await deleteGateway({ ctx, teamId: team.id, slug: gatewaySlug });
  } catch (error) {
    return formError(error, { role, doing: "delete gateways" });
  }
  revalidatePath(`/${team.slug}/gateways`, "layout");
  redirect(`/${team.slug}/gateways`);
}
