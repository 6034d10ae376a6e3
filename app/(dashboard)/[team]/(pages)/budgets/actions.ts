"use server";

import { revalidatePath } from "next/cache";
import { requireTeam } from "@/lib/auth/team";
import { createBudget } from "@/lib/services/budgets/create";
import { removeBudget } from "@/lib/services/budgets/remove";
import type { ScopeInput } from "@/lib/services/budgets/scope";
import { formError, type FormState } from "@/lib/forms/form-state";
import { budgetFrom } from "../limit-form-input";

/** The Budgets page's `scope` select: `team`, `gateway:{slug}` or `token:{id}`. */
function scopeFrom(form: FormData): ScopeInput {
  const value = String(form.get("scope") ?? "team");
  if (value.startsWith("gateway:")) return { gatewaySlug: value.slice("gateway:".length) };
  if (value.startsWith("token:")) return { tokenId: value.slice("token:".length) };
  return {};
}

/** `scope` fixed by the page (a token's) or, when undefined, chosen on the form. */
export async function createBudgetAction(teamSlug: string, scope: ScopeInput | undefined, _previous: FormState, form: FormData): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  try {
    await createBudget({ ctx, teamId: team.id, ...budgetFrom(form), scope: scope ?? scopeFrom(form) });
  } catch (error) {
    return formError(error, { role, doing: "add budgets" });
  }
  revalidatePath(`/${team.slug}`, "layout");
  return { ok: true };
}

export async function removeBudgetAction(teamSlug: string, budgetId: string, _previous: FormState, _form: FormData): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  try {
    await removeBudget({ ctx, teamId: team.id, budgetId });
  } catch (error) {
    return formError(error, { role, doing: "remove budgets" });
  }
  revalidatePath(`/${team.slug}`, "layout");
  return { ok: true };
}
