import { Plus } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { BudgetList } from "@/components/limits/budget-list";
import { RateLimitRulesCard } from "@/components/limits/limit-cards";
import { BudgetForm } from "@/components/limits/limit-forms";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { PageHeader } from "@/components/ui/page-header";
import { requireTeam } from "@/lib/auth/team";
import { listBudgets } from "@/lib/services/budgets/list";
import { NotFoundError } from "@/lib/services/errors";
import { roleAtLeast } from "@/lib/services/roles";
import { getGatewayToken } from "@/lib/services/tokens/get";
import { createBudgetAction, removeBudgetAction } from "../../budgets/actions";
import { removeTokenRateLimitAction, setTokenRateLimitAction } from "../actions";

type Params = Promise<{ team: string; token: string }>;

export const metadata: Metadata = { title: "Token" };

export default async function TokenPage({ params }: { params: Params }) {
  const { team: teamSlug, token: tokenId } = await params;
  const { ctx, team, role } = await requireTeam(teamSlug);
  const [token, budgets] = await Promise.all([
    getGatewayToken({ ctx, teamId: team.id, tokenId }).catch((error: unknown) => {
      if (error instanceof NotFoundError) notFound();
      throw error;
    }),
    listBudgets({ ctx, teamId: team.id }),
  ]);
  const canEdit = roleAtLeast(role, "admin");
  const own = budgets.filter((b) => b.scope.kind === "token" && b.scope.tokenId === token.id);

  return (
    <>
      <PageHeader
        breadcrumb={
          <Link href={`/${team.slug}/tokens`} className="hover:text-foreground hover:underline">
            Tokens
          </Link>
        }
        title={token.name}
        description={
          <>
            <code className="font-mono text-[13px]">
              {token.start}…{token.last4}
            </code>{" "}
            · {token.gatewaySlugs === null ? "every gateway of the team" : `gateways ${token.gatewaySlugs.join(", ") || "(none left)"}`}
            {token.revokedAt ? " · revoked" : ""}
          </>
        }
      />
      <div className="space-y-6">
        <RateLimitRulesCard
          rules={token.rateLimits}
          canEdit={canEdit}
          allowTokenKey={false}
          description="Counted for this token alone, on every gateway it may use, besides the gateways' own limits."
          setAction={setTokenRateLimitAction.bind(null, team.slug, token.id)}
          removeAction={(ruleId) => removeTokenRateLimitAction.bind(null, team.slug, token.id, ruleId)}
        />
        <Card>
          <CardHeader className="flex flex-row items-start justify-between gap-4">
            <div className="space-y-1.5">
              <CardTitle>Budgets</CardTitle>
              <CardDescription>
                What this token may spend; the team&apos;s and its gateways&apos; budgets apply too (
                <Link href={`/${team.slug}/budgets`} className="text-primary underline-offset-4 hover:underline">
                  all budgets
                </Link>
                ).
              </CardDescription>
            </div>
            {canEdit ? (
              <Dialog>
                <DialogTrigger variant="secondary" size="sm">
                  <Plus aria-hidden />
                  Add budget
                </DialogTrigger>
                <DialogContent title={`Add a budget for ${token.name}`}>
                  <BudgetForm action={createBudgetAction.bind(null, team.slug, { tokenId: token.id })} />
                </DialogContent>
              </Dialog>
            ) : null}
          </CardHeader>
          <BudgetList
            budgets={own}
            teamSlug={team.slug}
            canEdit={canEdit}
            removeAction={(budgetId) => removeBudgetAction.bind(null, team.slug, budgetId)}
            empty="This token spends within the team's and its gateways' budgets only."
          />
        </Card>
      </div>
    </>
  );
}
