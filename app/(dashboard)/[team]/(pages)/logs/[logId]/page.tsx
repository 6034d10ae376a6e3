import type { Metadata } from "next";
import { LogDetail } from "@/components/logs/log-detail";
import { requireTeam } from "@/lib/auth/team";
import { roleAtLeast } from "@/lib/services/roles";
import { saveFeedbackAction } from "../actions";

export const metadata: Metadata = { title: "Request log" };

export default async function TeamLogDetailPage({ params }: { params: Promise<{ team: string; logId: string }> }) {
  const { team: teamSlug, logId } = await params;
  const { ctx, team, role } = await requireTeam(teamSlug);
  return (
    <LogDetail
      ctx={ctx}
      team={team}
      logId={logId}
      canGiveFeedback={roleAtLeast(role, "member")}
      feedbackAction={saveFeedbackAction.bind(null, team.slug, undefined, logId, `/${team.slug}/logs/${logId}`)}
    />
  );
}
