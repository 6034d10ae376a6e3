"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireTeam } from "@/lib/auth/team";
import { setAnalyticsMetadataKeys, splitMetadataKeys } from "@/lib/services/teams/analytics-metadata-keys";
import { setDisplayPrecision } from "@/lib/services/teams/display-precision";
import { renameTeam } from "@/lib/services/teams/rename";
import { setLogRetention } from "@/lib/services/teams/set-log-retention";
import { formError, type FormState } from "@/lib/forms/form-state";

export async function renameTeamAction(teamSlug: string, _previous: FormState, form: FormData): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  const name = String(form.get("name") ?? "");
  // Admins see the slug but cannot change it; only an owner's form sends it.
  const slug = form.has("slug") ? String(form.get("slug")) : undefined;
  let renamed;
  try {
    renamed = await renameTeam({ ctx, teamId: team.id, name, slug });
  } catch (error) {
    return formError(error, { role, doing: slug !== undefined && slug !== team.slug ? "change the team's slug" : "rename the team" });
  }
  revalidatePath("/", "layout");
  if (renamed.slug !== team.slug) redirect(`/${renamed.slug}/settings`);
  return { ok: true, message: "Saved." };
}

export async function setDisplayPrecisionAction(teamSlug: string, _previous: FormState, form: FormData): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  try {
    await setDisplayPrecision({ ctx, teamId: team.id, displayPrecision: form.get("displayPrecision") });
  } catch (error) {
    return formError(error, { role, doing: "change how money is shown" });
  }
  revalidatePath("/", "layout");
  return { ok: true, message: "Saved." };
}

export async function setLogRetentionAction(teamSlug: string, _previous: FormState, form: FormData): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  const text = String(form.get("logRetentionDays") ?? "").trim();
  try {
    await setLogRetention({ ctx, teamId: team.id, logRetentionDays: text === "" ? null : Number(text) });
  } catch (error) {
    return formError(error, { role, doing: "change how long the team keeps its logs" });
  }
  revalidatePath(`/${team.slug}/settings`);
  return { ok: true, message: text === "" ? "Saved: logs are kept." : `Saved: logs older than ${text} days are deleted.` };
}

export async function setAnalyticsMetadataKeysAction(teamSlug: string, _previous: FormState, form: FormData): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  let updated;
  try {
    updated = await setAnalyticsMetadataKeys({ ctx, teamId: team.id, analyticsMetadataKeys: splitMetadataKeys(String(form.get("analyticsMetadataKeys") ?? "")) });
  } catch (error) {
    return formError(error, { role, doing: "choose the metadata keys analytics break down by" });
  }
  revalidatePath(`/${team.slug}`, "layout");
  const keys = updated.analyticsMetadataKeys;
  return { ok: true, message: keys.length === 0 ? "Saved: analytics break down by no metadata key." : `Saved: analytics break down by ${keys.join(", ")} from now on.` };
}
