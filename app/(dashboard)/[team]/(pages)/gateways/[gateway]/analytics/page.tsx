import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AnalyticsView } from "@/components/analytics/analytics-view";
import { PageHeader } from "@/components/ui/page-header";
import { rangeFromSearchParams, searchParam } from "@/lib/analytics/range";
import { requireTeam } from "@/lib/auth/team";
import { getAnalyticsDashboard } from "@/lib/services/analytics/dashboard";
import { NotFoundError } from "@/lib/services/errors";
import { getGateway } from "@/lib/services/gateways/get";

type Params = Promise<{ team: string; gateway: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: `Analytics · ${(await params).gateway}` };
}

/** One gateway's analytics over the range in the URL. */
export default async function GatewayAnalyticsPage({ params, searchParams }: { params: Params; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { team: teamSlug, gateway: gatewaySlug } = await params;
  const { ctx, team } = await requireTeam(teamSlug);
  const gateway = await getGateway({ ctx, teamId: team.id, slug: gatewaySlug }).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const query = await searchParams;
  const { range, error } = rangeFromSearchParams(query);
  const dashboard = await getAnalyticsDashboard({ ctx, teamId: team.id, gatewayId: gateway.id, range, by: searchParam(query, "by") });
  const teamBase = `/${team.slug}`;
  const base = `${teamBase}/gateways/${gateway.slug}`;
  return (
    <>
      <PageHeader
        title="Analytics"
        description={
          <>
            Gateway{" "}
            <Link href={base} className="font-mono hover:text-foreground hover:underline">
              {gateway.slug}
            </Link>
            {" · "}
            <Link href={`${base}/logs`} className="hover:text-foreground hover:underline">
              Request logs
            </Link>
          </>
        }
      />
      <AnalyticsView dashboard={dashboard} range={range} rangeError={error} precision={team.displayPrecision} base={`${base}/analytics`} teamBase={teamBase} />
    </>
  );
}
