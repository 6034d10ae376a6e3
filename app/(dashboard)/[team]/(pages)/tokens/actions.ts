"use server";

import { revalidatePath } from "next/cache";
import { requireTeam } from "@/lib/auth/team";
import { createGatewayToken } from "@/lib/services/tokens/create";
import { removeTokenRateLimit, setTokenRateLimit } from "@/lib/services/tokens/rate-limits";
import { revokeGatewayToken } from "@/lib/services/tokens/revoke";
import { formError, type FormState } from "@/lib/forms/form-state";
import { rateLimitFrom } from "../limit-form-input";
import { expiryFrom, type CreatedTokenState } from "../token-form-input";

export async function createTokenAction(teamSlug: string, _previous: CreatedTokenState, form: FormData): Promise<CreatedTokenState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  const name = String(form.get("name") ?? "");
  const gatewaySlugs = form.getAll("gateways").map(String);
  const expiresAt = expiryFrom(form);
  if (expiresAt === "invalid") return { fieldErrors: { expiresAt: "Pick a date" } };
  try {
    const { token, record } = await createGatewayToken({ ctx, teamId: team.id, name, gatewaySlugs, expiresAt });
    revalidatePath(`/${team.slug}/tokens`);
    return { ok: true, token, name: record.name };
  } catch (error) {
    return formError(error, { role, doing: "create gateway tokens" });
  }
}

export async function revokeTokenAction(teamSlug: string, tokenId: string, _previous: FormState, _form: FormData): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  try {
    await revokeGatewayToken({ ctx, teamId: team.id, tokenId });
  } catch (error) {
    return formError(error, { role, doing: "revoke gateway tokens" });
  }
  revalidatePath(`/${team.slug}/tokens`);
  return { ok: true };
}

export async function setTokenRateLimitAction(teamSlug: string, tokenId: string, _previous: FormState, form: FormData): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  try {
    await setTokenRateLimit({ ctx, teamId: team.id, tokenId, rule: rateLimitFrom(form) });
  } catch (error) {
    return formError(error, { role, doing: "change a token's rate limits" });
  }
  revalidatePath(`/${team.slug}/tokens/${tokenId}`);
  return { ok: true };
}

export async function removeTokenRateLimitAction(teamSlug: string, tokenId: string, ruleId: string, _previous: FormState, _form: FormData): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  try {
    await removeTokenRateLimit({ ctx, teamId: team.id, tokenId, ruleId });
  } catch (error) {
    return formError(error, { role, doing: "change a token's rate limits" });
  }
  revalidatePath(`/${team.slug}/tokens/${tokenId}`);
  return { ok: true };
}
