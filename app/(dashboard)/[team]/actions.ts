"use server";

import { redirect } from "next/navigation";
import { requireUser, userContext } from "@/lib/auth/session";
import { createTeam } from "@/lib/services/teams/create";
import { formError, type FormState } from "@/lib/forms/form-state";

/** Creates a team with the signed-in user as its owner and opens it. Used by the team switcher and `/`. */
export async function createTeamAction(_previous: FormState, form: FormData): Promise<FormState> {
  const user = await requireUser();
  const slug = String(form.get("slug") ?? "").trim();
  const name = String(form.get("name") ?? "").trim();
  try {
    await createTeam({ ctx: await userContext(user), slug, name: name || undefined });
  } catch (error) {
    return formError(error, { doing: "create teams" });
  }
  redirect(`/${slug}`);
}
