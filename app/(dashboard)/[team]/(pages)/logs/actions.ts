"use server";

import { revalidatePath } from "next/cache";
import { requireTeam } from "@/lib/auth/team";
import { formError, type FormState } from "@/lib/forms/form-state";
import { deleteRequestLogs } from "@/lib/services/logs/delete";
import { updateLogFeedback } from "@/lib/services/logs/feedback";
import { parseLogSearch } from "@/lib/services/logs/search-params";

/** Deletes the logs the list's query string matches (the team's, or one gateway's). */
export async function deleteLogsAction(teamSlug: string, gatewaySlug: string | undefined, search: string, path: string, _previous: FormState, _form: FormData): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  try {
    const { deleted } = await deleteRequestLogs({ ctx, teamId: team.id, gatewaySlug, query: parseLogSearch(new URLSearchParams(search)).query });
    revalidatePath(path);
    return { ok: true, message: `Deleted ${deleted} ${deleted === 1 ? "log" : "logs"}.` };
  } catch (error) {
    return formError(error, { role, doing: "delete logs" });
  }
}

/** Thumbs up or down (`feedback`: 1, -1, 0 to clear) and a 0–100 `score` (empty clears it) on one log. */
export async function saveFeedbackAction(teamSlug: string, gatewaySlug: string | undefined, logId: string, path: string, _previous: FormState, form: FormData): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  const feedback = Number(form.get("feedback"));
  const scoreText = String(form.get("score") ?? "").trim();
  try {
    await updateLogFeedback({
      ctx,
      teamId: team.id,
      gatewaySlug,
      logId,
      feedback,
      score: scoreText === "" ? null : Number(scoreText),
    });
    revalidatePath(path);
    return { ok: true, message: "Feedback saved." };
  } catch (error) {
    return formError(error, { role, doing: "give feedback on logs" });
  }
}
