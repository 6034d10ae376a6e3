import { Wallet } from "lucide-react";
import Link from "next/link";
import type { FormState } from "@/lib/forms/form-state";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import type { BudgetWithSpend } from "@/lib/services/budgets/list";
import { formatNumber } from "@/lib/utils/format";
import { RemoveLimitAction } from "./remove-limit-action";
import { SpendBar } from "./spend-bar";

type Action = (state: FormState, form: FormData) => Promise<FormState>;

function periodLabel(budget: BudgetWithSpend): string {
  return budget.period === "rolling" ? `Rolling ${formatNumber(budget.windowSeconds ?? 0)}s` : budget.period.charAt(0).toUpperCase() + budget.period.slice(1);
}

/** Budgets with their spend this period, as bars; the team's Budgets page and a token's page list them. */
export function BudgetList({
  budgets,
  teamSlug,
  canEdit,
  removeAction,
  empty,
}: {
  budgets: BudgetWithSpend[];
  teamSlug: string;
  canEdit: boolean;
  removeAction: (budgetId: string) => Action;
  empty: string;
}) {
  if (budgets.length === 0) return <EmptyState icon={Wallet} title="No budgets" className="py-8">{empty}</EmptyState>;
  return (
    <ul className="divide-y divide-border">
      {budgets.map((budget) => (
        <li key={budget.id} className="space-y-3 px-5 py-4" data-testid={`budget-${budget.name}`}>
          <div className="flex flex-wrap items-start justify-between gap-3">
            <div className="space-y-1">
              <p className="flex flex-wrap items-center gap-2 text-sm font-medium">
                {budget.name}
                <Badge>{periodLabel(budget)}</Badge>
                {budget.scope.kind === "team" ? (
                  <Badge variant="accent">Team</Badge>
                ) : budget.scope.kind === "gateway" ? (
                  <Link href={`/${teamSlug}/gateways/${budget.scope.gatewaySlug}`}>
                    <Badge variant="accent" className="font-mono">gateway {budget.scope.gatewaySlug}</Badge>
                  </Link>
                ) : (
                  <Link href={`/${teamSlug}/tokens/${budget.scope.tokenId}`}>
                    <Badge variant="accent">token {budget.scope.tokenName}</Badge>
                  </Link>
                )}
                {budget.spend.percent >= 100 ? <Badge variant="danger">Over budget</Badge> : null}
              </p>
              <p className="text-xs text-muted-foreground">
                {budget.alertPercent === null ? "No alert" : `Alert at ${budget.alertPercent}%`}
              </p>
            </div>
            {canEdit ? (
              <RemoveLimitAction what="budget" name={budget.name} action={removeAction(budget.id)} />
            ) : null}
          </div>
          <SpendBar spend={budget.spend} alertPercent={budget.alertPercent} label={`Spend of budget ${budget.name}`} />
        </li>
      ))}
    </ul>
  );
}
