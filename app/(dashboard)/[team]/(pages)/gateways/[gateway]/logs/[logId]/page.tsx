import type { Metadata } from "next";
import { LogDetail } from "@/components/logs/log-detail";
import { requireTeam } from "@/lib/auth/team";
import { roleAtLeast } from "@/lib/services/roles";
import { saveFeedbackAction } from "../../../../logs/actions";

export const metadata: Metadata = { title: "Request log" };

export default async function GatewayLogDetailPage({ params }: { params: Promise<{ team: string; gateway: string; logId: string }> }) {
  const { team: teamSlug, gateway, logId } = await params;
  const { ctx, team, role } = await requireTeam(teamSlug);
  const path = `/${team.slug}/gateways/${gateway}/logs/${logId}`;
  return (
    <LogDetail
      ctx={ctx}
      team={team}
      gatewaySlug={gateway}
      logId={logId}
      canGiveFeedback={roleAtLeast(role, "member")}
      feedbackAction={saveFeedbackAction.bind(null, team.slug, gateway, logId, path)}
    />
  );
}
