"use server";

import { revalidatePath } from "next/cache";
import { requireTeam } from "@/lib/auth/team";
import { formError, type FormState } from "@/lib/forms/form-state";
import { createApiToken } from "@/lib/services/api-tokens/create";
import { revokeApiToken } from "@/lib/services/api-tokens/revoke";
import { expiryFrom, type CreatedTokenState } from "../token-form-input";

export async function createApiTokenAction(teamSlug: string, _previous: CreatedTokenState, form: FormData): Promise<CreatedTokenState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  const expiresAt = expiryFrom(form);
  if (expiresAt === "invalid") return { fieldErrors: { expiresAt: "Pick a date" } };
  try {
    const { token, record } = await createApiToken({
      ctx,
      teamId: team.id,
      name: String(form.get("name") ?? ""),
      scopes: form.getAll("scopes").map(String),
      role: String(form.get("role") ?? ""),
      expiresAt,
    });
    revalidatePath(`/${team.slug}/api-tokens`);
    return { ok: true, token, name: record.name };
  } catch (error) {
    return formError(error, { role, doing: "create API tokens" });
  }
}

export async function revokeApiTokenAction(teamSlug: string, tokenId: string, _previous: FormState, _form: FormData): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  try {
    await revokeApiToken({ ctx, teamId: team.id, tokenId });
  } catch (error) {
    return formError(error, { role, doing: "revoke API tokens" });
  }
  revalidatePath(`/${team.slug}/api-tokens`);
  return { ok: true };
}
