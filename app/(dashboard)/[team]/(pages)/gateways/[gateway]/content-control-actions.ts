"use server";

import { revalidatePath } from "next/cache";
import { requireTeam } from "@/lib/auth/team";
import { updateGateway } from "@/lib/services/gateways/update";
import { formError, type FormState } from "@/lib/forms/form-state";

/**
 * Saves the gateway's `guardrails` or `dlp` setting, which its editor sends whole as JSON (null
 * turns it off); the service validates it and names each bad field by its path.
 */
async function saveSetting(teamSlug: string, gatewaySlug: string, setting: "guardrails" | "dlp", form: FormData, saved: string): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  let value: unknown;
  try {
    value = JSON.parse(String(form.get(setting) ?? ""));
  } catch {
    return { error: `The ${setting} editor sent no readable settings: reload the page and try again.` };
  }
  try {
    await updateGateway({ ctx, teamId: team.id, slug: gatewaySlug, settings: { [setting]: value } });
  } catch (error) {
    return formError(error, { role, doing: "change gateway settings" });
  }
  revalidatePath(`/${team.slug}/gateways/${gatewaySlug}`);
  return { ok: true, message: saved };
}

export async function saveGuardrailsAction(teamSlug: string, gatewaySlug: string, _previous: FormState, form: FormData): Promise<FormState> {
  return saveSetting(teamSlug, gatewaySlug, "guardrails", form, "Guardrails saved.");
}

export async function saveDlpAction(teamSlug: string, gatewaySlug: string, _previous: FormState, form: FormData): Promise<FormState> {
  return saveSetting(teamSlug, gatewaySlug, "dlp", form, "DLP settings saved.");
}
