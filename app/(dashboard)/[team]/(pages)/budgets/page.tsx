import { BellRing, Plus } from "lucide-react";
import type { Metadata } from "next";
import { BudgetList } from "@/components/limits/budget-list";
import { BudgetForm } from "@/components/limits/limit-forms";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireTeam } from "@/lib/auth/team";
import { listBudgetAlerts } from "@/lib/services/budgets/alerts";
import { listBudgets } from "@/lib/services/budgets/list";
import { listGateways } from "@/lib/services/gateways/list";
import { roleAtLeast } from "@/lib/services/roles";
import { listGatewayTokens } from "@/lib/services/tokens/list";
import { formatCost, formatDateTime, formatIsoUtc } from "@/lib/utils/format";
import { createBudgetAction, removeBudgetAction } from "./actions";

export const metadata: Metadata = { title: "Budgets" };

export default async function BudgetsPage({ params }: { params: Promise<{ team: string }> }) {
  const { team: slug } = await params;
  const { ctx, team, role } = await requireTeam(slug);
  const [budgets, alerts, gateways, tokens] = await Promise.all([
    listBudgets({ ctx, teamId: team.id }),
    listBudgetAlerts({ ctx, teamId: team.id }),
    listGateways({ ctx, teamId: team.id }),
    listGatewayTokens({ ctx, teamId: team.id }),
  ]);
  const canEdit = roleAtLeast(role, "admin");
  const scopes = [
    { value: "team", label: "The whole team" },
    ...gateways.map((g) => ({ value: `gateway:${g.slug}`, label: `Gateway ${g.slug}` })),
    ...tokens.filter((t) => !t.revokedAt).map((t) => ({ value: `token:${t.id}`, label: `Token ${t.name}` })),
  ];

  return (
    <>
      <PageHeader
        title="Budgets"
        description="Spending caps on the team, a gateway or a token, per UTC day, week or month or a rolling window. Each request's worst-case cost is reserved before its call and settled to its actual cost after, so a budget is never overspent by more than one request. Over budget: 429 with code 2045."
        actions={
          canEdit ? (
            <Dialog>
              <DialogTrigger>
                <Plus aria-hidden />
                Add budget
              </DialogTrigger>
              <DialogContent title="Add a budget" description="Spend counts from now; cached answers cost nothing.">
                <BudgetForm action={createBudgetAction.bind(null, team.slug, undefined)} scopes={scopes} />
              </DialogContent>
            </Dialog>
          ) : null
        }
      />
      <div className="space-y-6">
        <Card>
          <BudgetList
            budgets={budgets}
            teamSlug={team.slug}
            canEdit={canEdit}
            removeAction={(budgetId) => removeBudgetAction.bind(null, team.slug, budgetId)}
            empty={canEdit ? "Add a budget to cap what the team, a gateway or a token may spend." : "An admin or owner of the team can add budgets."}
          />
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Recent alerts</CardTitle>
            <CardDescription>Recorded once per period when a budget&apos;s spend reaches its alert threshold.</CardDescription>
          </CardHeader>
          {alerts.length === 0 ? (
            <EmptyState icon={BellRing} title="No alerts" className="py-8" />
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>When (UTC)</TableHead>
                  <TableHead>Limit</TableHead>
                  <TableHead>Threshold</TableHead>
                  <TableHead>Spent</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {alerts.map((alert) => (
                  <TableRow key={alert.id}>
                    <TableCell className="whitespace-nowrap">
                      <span title={formatIsoUtc(alert.createdAt)}>{formatDateTime(alert.createdAt)}</span>
                    </TableCell>
                    <TableCell>{alert.label}</TableCell>
                    <TableCell>{alert.percent}%</TableCell>
                    <TableCell className="tabular-nums">
                      {formatCost(alert.usedMicros)} of {formatCost(alert.limitMicros)}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </Card>
      </div>
    </>
  );
}
