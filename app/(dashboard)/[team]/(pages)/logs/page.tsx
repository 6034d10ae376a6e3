import type { Metadata } from "next";
import Link from "next/link";
import { LogList } from "@/components/logs/log-list";
import { buttonVariants } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { requireTeam } from "@/lib/auth/team";
import type { SearchParams } from "@/lib/services/logs/search-params";
import { deleteLogsAction } from "./actions";

export const metadata: Metadata = { title: "Logs" };

export default async function TeamLogsPage({ params, searchParams }: { params: Promise<{ team: string }>; searchParams: Promise<SearchParams> }) {
  const [{ team: teamSlug }, search] = await Promise.all([params, searchParams]);
  const { ctx, team, role } = await requireTeam(teamSlug);
  const base = `/${team.slug}/logs`;
  return (
    <>
      <PageHeader
        title="Request logs"
        description="Every request to the team's gateways, newest first, with the ones refused before a gateway was found (a bad token, an unknown gateway) and why. Times are UTC."
      />
      <LogList
        ctx={ctx}
        teamId={team.id}
        role={role}
        base={base}
        search={search}
        deleteAction={(query) => deleteLogsAction.bind(null, team.slug, undefined, query, base)}
        emptyAction={
          <Link href={`/${team.slug}/playground`} className={buttonVariants()}>
            Open the playground
          </Link>
        }
      />
    </>
  );
}
