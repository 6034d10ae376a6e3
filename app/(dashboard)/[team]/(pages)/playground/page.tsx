import { KeyRound, Network } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { buttonVariants } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requireTeam } from "@/lib/auth/team";
import { reachableChatModels } from "@/lib/playground/reachable-models";
import { playgroundOptions } from "@/lib/services/playground/options";
import { roleAtLeast } from "@/lib/services/roles";
import { Playground } from "./playground";

export const metadata: Metadata = { title: "Playground" };

export default async function PlaygroundPage({ params }: { params: Promise<{ team: string }> }) {
  const { team: slug } = await params;
  const { ctx, team, user, role } = await requireTeam(slug);
  const isAdmin = roleAtLeast(role, "admin");
  const options = await playgroundOptions({ ctx, teamId: team.id });
  const usable = options.gateways.filter((gateway) => gateway.providers.length > 0);

  const header = (
    <>
      <PageHeader
        title="Playground"
        description="Chat with any model your team's keys reach. Requests go through the gateway you pick, with a token of yours, and are logged like any other."
      />
      {options.refusal ? (
        <Alert variant="warning" className="mb-6">
          {options.refusal}
        </Alert>
      ) : null}
    </>
  );

  if (options.gateways.length === 0) {
    return (
      <>
        {header}
        <Card>
          <EmptyState
            icon={Network}
            title="No gateway yet"
            action={
              isAdmin ? (
                <Link href={`/${team.slug}/gateways`} className={buttonVariants()}>
                  Create a gateway
                </Link>
              ) : null
            }
          >
            The playground sends through one of your team&apos;s gateways.{" "}
            {isAdmin ? "Create one, add a provider key, and come back." : "Ask an admin of the team to create one and add a provider key."}
          </EmptyState>
        </Card>
      </>
    );
  }

  if (usable.length === 0) {
    return (
      <>
        {header}
        <Card>
          <EmptyState
            icon={KeyRound}
            title="Add a provider key to start chatting"
            action={
              isAdmin ? (
                <Link href={`/${team.slug}/keys`} className={buttonVariants()}>
                  Add a provider key
                </Link>
              ) : null
            }
          >
            None of your gateways can reach a provider yet.{" "}
            {isAdmin
              ? "Add a provider key (for the whole team or for one gateway) and its models appear here."
              : "Ask an admin of the team to add a provider key; its models then appear here."}
          </EmptyState>
        </Card>
      </>
    );
  }

  // Members see what the gateways reach (their compat/models); viewers, who cannot send, the price list's.
  const models = options.refusal
    ? options.models
    : await reachableChatModels({ ctx, teamId: team.id, teamSlug: team.slug, gatewaySlugs: usable.map((gateway) => gateway.slug) });
  return (
    <>
      {header}
      <Playground
        team={team.slug}
        storageKey={`switchyard.playground.v1.${user.id}.${team.slug}`}
        gateways={usable}
        models={models}
        refusal={options.refusal}
      />
    </>
  );
}
