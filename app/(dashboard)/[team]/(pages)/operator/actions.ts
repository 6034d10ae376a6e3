"use server";

import { revalidatePath } from "next/cache";
import { requireTeam } from "@/lib/auth/team";
import { grantCredits } from "@/lib/services/operator/credits";
import { addOperatorKey, removeOperatorKey } from "@/lib/services/operator/keys";
import { formError, type FormState } from "@/lib/forms/form-state";
import { onCredentialField, secretOf, text, wholeNumber } from "../keys/key-form-data";

// The team in the URL only carries the session: the services check the operator role themselves.

export async function addOperatorKeyAction(teamSlug: string, _previous: FormState, form: FormData): Promise<FormState> {
  const { ctx } = await requireTeam(teamSlug);
  const provider = text(form, "provider") ?? "";
  const composed = secretOf(provider, form);
  if ("problem" in composed) return composed.problem;
  try {
    await addOperatorKey({
      ctx,
      provider,
      secret: composed.secret,
      alias: text(form, "alias"),
      baseUrl: text(form, "baseUrl"),
      pool: form.get("pool") === "on",
      weight: wholeNumber(form, "weight"),
    });
  } catch (error) {
    return onCredentialField(provider, formError(error, { doing: "store operator keys" }));
  }
  revalidatePath(`/${teamSlug}/operator`);
  return { ok: true };
}

export async function removeOperatorKeyAction(teamSlug: string, keyId: string, _previous: FormState, _form: FormData): Promise<FormState> {
  const { ctx } = await requireTeam(teamSlug);
  try {
    await removeOperatorKey({ ctx, id: keyId });
  } catch (error) {
    return formError(error, { doing: "remove operator keys" });
  }
  revalidatePath(`/${teamSlug}/operator`);
  return { ok: true };
}

export async function grantCreditsAction(teamSlug: string, _previous: FormState, form: FormData): Promise<FormState> {
  const { ctx } = await requireTeam(teamSlug);
  try {
    await grantCredits({ ctx, teamId: text(form, "teamId") ?? "", usd: text(form, "usd") ?? "", note: text(form, "note") });
  } catch (error) {
    return formError(error, { doing: "grant credits" });
  }
  revalidatePath(`/${teamSlug}/operator`);
  return { ok: true, message: "Granted." };
}
