"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireTeam } from "@/lib/auth/team";
import { createGateway } from "@/lib/services/gateways/create";
import { deleteGateway } from "@/lib/services/gateways/delete";
import { updateGateway } from "@/lib/services/gateways/update";
import { metadataKeyList, type GatewaySettingsPatch } from "@/lib/services/gateways/settings";
import { formError, type FormState } from "@/lib/forms/form-state";

/** Reads the settings fields present in the form; a switch that is present but unchecked is absent, so `…__present` marks it. */
function settingsFrom(form: FormData): GatewaySettingsPatch {
  const settings: Record<string, unknown> = {};
  for (const name of ["authentication", "collectLogs", "collectLogPayloads", "cacheInvalidateOnUpdate", "byokOnly"]) {
    if (form.has(`${name}__present`)) settings[name] = form.get(name) === "on";
  }
  for (const name of ["cacheTtl", "rateLimitingInterval", "rateLimitingLimit", "retryMaxAttempts", "retryDelay"]) {
    const value = form.get(name);
    if (typeof value === "string" && value.trim() !== "") settings[name] = Number(value);
  }
  if (form.has("logManagement")) {
    const value = String(form.get("logManagement")).trim();
    settings.logManagement = value === "" ? null : Number(value);
  }
  if (form.has("requestTimeoutMs")) {
    const value = String(form.get("requestTimeoutMs")).trim();
    settings.requestTimeoutMs = value === "" ? null : Number(value);
  }
  if (form.has("cacheKeyMetadata")) settings.cacheKeyMetadata = metadataKeyList(String(form.get("cacheKeyMetadata")));
  if (form.has("logManagementStrategy")) {
    const value = String(form.get("logManagementStrategy"));
    settings.logManagementStrategy = value === "" ? null : value;
  }
  for (const name of ["rateLimitingTechnique", "retryBackoff"]) {
    const value = form.get(name);
    if (typeof value === "string" && value !== "") settings[name] = value;
  }
  // The service validates every value and names each bad one.
  return settings as GatewaySettingsPatch;
}

export async function createGatewayAction(teamSlug: string, _previous: FormState, form: FormData): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  const slug = String(form.get("slug") ?? "").trim();
  try {
    await createGateway({ ctx, teamId: team.id, slug, settings: settingsFrom(form) });
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
    await updateGateway({ ctx, teamId: team.id, slug: gatewaySlug, settings: settingsFrom(form) });
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
