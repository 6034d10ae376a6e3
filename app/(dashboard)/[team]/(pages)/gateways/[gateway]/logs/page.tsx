import { ChevronRight } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { LogList } from "@/components/logs/log-list";
import { buttonVariants } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { requireTeam } from "@/lib/auth/team";
import { NotFoundError } from "@/lib/services/errors";
import { getGateway } from "@/lib/services/gateways/get";
import type { SearchParams } from "@/lib/services/logs/search-params";
import { deleteLogsAction } from "../../../logs/actions";

type Params = Promise<{ team: string; gateway: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: `Logs · ${(await params).gateway}` };
}

export default async function GatewayLogsPage({ params, searchParams }: { params: Params; searchParams: Promise<SearchParams> }) {
  const [{ team: teamSlug, gateway: gatewaySlug }, search] = await Promise.all([params, searchParams]);
  const { ctx, team, role } = await requireTeam(teamSlug);
  const gateway = await getGateway({ ctx, teamId: team.id, slug: gatewaySlug }).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const base = `/${team.slug}/gateways/${gateway.slug}/logs`;
  return (
    <>
      <PageHeader
        breadcrumb={
          <>
            <Link href={`/${team.slug}/gateways`} className="hover:text-foreground hover:underline">
              Gateways
            </Link>
            <ChevronRight aria-hidden className="mx-1 inline size-3.5 align-[-2px]" />
            <Link href={`/${team.slug}/gateways/${gateway.slug}`} className="font-mono hover:text-foreground hover:underline">
              {gateway.slug}
            </Link>
          </>
        }
        title="Request logs"
        description={
          gateway.collectLogs
            ? "Every request through this gateway, newest first. Times are UTC."
            : "Log collection is off for this gateway, so new requests are not recorded."
        }
      />
      <LogList
        ctx={ctx}
        teamId={team.id}
        role={role}
        gatewaySlug={gateway.slug}
        base={base}
        search={search}
        deleteAction={(query) => deleteLogsAction.bind(null, team.slug, gateway.slug, query, base)}
        emptyAction={
          <>
            <Link href={`/${team.slug}/gateways/${gateway.slug}`} className={buttonVariants({ variant: "secondary" })}>
              See the quickstart
            </Link>
            <Link href={`/${team.slug}/playground`} className={buttonVariants()}>
              Open the playground
            </Link>
          </>
        }
      />
    </>
  );
}
