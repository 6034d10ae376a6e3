"use server";

import { revalidatePath } from "next/cache";
import { requireTeam } from "@/lib/auth/team";
import { removeGatewayRateLimit, setGatewayRateLimit } from "@/lib/services/limits/rate-limits";
import { enableSpendLimits, removeSpendLimitRule, setSpendLimitRule } from "@/lib/services/limits/spend-limits";
import { formError, type FormState } from "@/lib/forms/form-state";
import { rateLimitFrom, spendLimitRuleFrom } from "../../limit-form-input";

/** Runs a change of the gateway's limits and answers the form that asked for it. */
async function change(teamSlug: string, gatewaySlug: string, doing: string, run: (ctx: Awaited<ReturnType<typeof requireTeam>>) => Promise<unknown>): Promise<FormState> {
  const team = await requireTeam(teamSlug);
  try {
    await run(team);
  } catch (error) {
    return formError(error, { role: team.role, doing });
  }
  revalidatePath(`/${team.team.slug}/gateways/${gatewaySlug}`);
  return { ok: true };
}

export async function setGatewayRateLimitAction(teamSlug: string, gatewaySlug: string, _previous: FormState, form: FormData): Promise<FormState> {
  return change(teamSlug, gatewaySlug, "change rate limits", ({ ctx, team }) =>
    setGatewayRateLimit({ ctx, teamId: team.id, gatewaySlug, rule: rateLimitFrom(form) }),
  );
}

export async function removeGatewayRateLimitAction(teamSlug: string, gatewaySlug: string, ruleId: string, _previous: FormState, _form: FormData): Promise<FormState> {
  return change(teamSlug, gatewaySlug, "change rate limits", ({ ctx, team }) => removeGatewayRateLimit({ ctx, teamId: team.id, gatewaySlug, ruleId }));
}

export async function setSpendLimitRuleAction(teamSlug: string, gatewaySlug: string, _previous: FormState, form: FormData): Promise<FormState> {
  return change(teamSlug, gatewaySlug, "change spend limits", ({ ctx, team }) =>
    setSpendLimitRule({ ctx, teamId: team.id, gatewaySlug, rule: spendLimitRuleFrom(form) }),
  );
}

export async function removeSpendLimitRuleAction(teamSlug: string, gatewaySlug: string, ruleId: string, _previous: FormState, _form: FormData): Promise<FormState> {
  return change(teamSlug, gatewaySlug, "change spend limits", ({ ctx, team }) => removeSpendLimitRule({ ctx, teamId: team.id, gatewaySlug, ruleId }));
}

export async function enableSpendLimitsAction(teamSlug: string, gatewaySlug: string, _previous: FormState, form: FormData): Promise<FormState> {
  return change(teamSlug, gatewaySlug, "change spend limits", ({ ctx, team }) =>
    enableSpendLimits({ ctx, teamId: team.id, gatewaySlug, enabled: form.get("enabled") === "on" }),
  );
}
