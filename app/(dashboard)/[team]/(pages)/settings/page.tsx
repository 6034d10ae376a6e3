import type { Metadata } from "next";
import Link from "next/link";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requireTeam } from "@/lib/auth/team";
import { config } from "@/lib/config";
import { roleAtLeast } from "@/lib/services/roles";
import { formatDate } from "@/lib/utils/format";
import { METADATA_VALUE_MAX_LENGTH } from "@/db/schema";
import { ANALYTICS_METADATA_KEYS_MAX } from "@/lib/services/teams/analytics-metadata-keys";
import { DISPLAY_PRECISIONS } from "@/lib/services/teams/display-precision";
import { LOG_RETENTION_DAYS_MAX } from "@/lib/services/teams/set-log-retention";
import { renameTeamAction, setAnalyticsMetadataKeysAction, setDisplayPrecisionAction, setLogRetentionAction } from "./actions";
import { AnalyticsMetadataForm } from "./analytics-metadata-form";
import { DisplayForm } from "./display-form";
import { LogRetentionForm } from "./log-retention-form";
import { TeamForm } from "./team-form";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ team: string }> }) {
  const { team: slug } = await params;
  const { team, role } = await requireTeam(slug);
  const canRename = roleAtLeast(role, "admin");
  return (
    <>
      <PageHeader title="Team settings" description={`Created ${formatDate(team.createdAt)}. Your role: ${role}.`} />
      <div className="space-y-6">
        <Card>
          <CardHeader>
            <CardTitle>General</CardTitle>
            <CardDescription>
              {canRename ? "Admins can rename the team; changing its slug takes an owner." : `Your role (${role}) can view these settings; an admin or owner can change them.`}
            </CardDescription>
          </CardHeader>
          <TeamForm
            action={renameTeamAction.bind(null, team.slug)}
            name={team.name}
            slug={team.slug}
            canRename={canRename}
            canChangeSlug={role === "owner"}
            publicUrl={config().publicUrl}
          />
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Money</CardTitle>
            <CardDescription>How the dashboard shows costs and spend.</CardDescription>
          </CardHeader>
          <DisplayForm action={setDisplayPrecisionAction.bind(null, team.slug)} precision={team.displayPrecision} precisions={DISPLAY_PRECISIONS} canEdit={canRename} />
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Analytics by metadata</CardTitle>
            <CardDescription>Besides gateway, provider, model, token and format, the analytics pages can break usage down by values of request metadata.</CardDescription>
          </CardHeader>
          <AnalyticsMetadataForm
            action={setAnalyticsMetadataKeysAction.bind(null, team.slug)}
            keys={team.analyticsMetadataKeys}
            maxKeys={ANALYTICS_METADATA_KEYS_MAX}
            valueMaxLength={METADATA_VALUE_MAX_LENGTH}
            canEdit={canRename}
          />
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Log retention</CardTitle>
            <CardDescription>How long the team&apos;s request logs are kept. Usage analytics are kept apart and stay.</CardDescription>
          </CardHeader>
          <LogRetentionForm
            action={setLogRetentionAction.bind(null, team.slug)}
            logRetentionDays={team.logRetentionDays}
            maxDays={LOG_RETENTION_DAYS_MAX}
            canEdit={canRename}
          />
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Leaving the team</CardTitle>
          </CardHeader>
          <CardContent className="text-sm text-muted-foreground">
            Leave from the{" "}
            <Link href={`/${team.slug}/members`} className="text-primary underline-offset-4 hover:underline">
              Members
            </Link>{" "}
            page. A team always keeps at least one owner: the last owner makes someone else owner before leaving.
          </CardContent>
        </Card>
      </div>
    </>
  );
}
