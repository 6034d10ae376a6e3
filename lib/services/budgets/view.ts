import { z } from "zod";
import { budgetPeriodEnum, type Budget } from "@/db/schema";
import { count } from "../gateways/settings";
import { MAX_WINDOW_SECONDS, usdLimitSchema } from "../limits/schemas";

/** The settings of a budget as the dashboard and the CLI give them: the limit in USD. */
export const budgetFieldsSchema = z.object({
  name: z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters"),
  limitUsd: usdLimitSchema,
  period: z.enum(budgetPeriodEnum.enumValues, "must be daily, weekly, monthly or rolling"),
  /** The rolling window's length; only for `rolling`. */
  windowSeconds: count(60, MAX_WINDOW_SECONDS).nullable().default(null),
  /** Percent of the limit at which an alert is recorded once per period; null for none. */
  alertPercent: count(1, 100).nullable().default(null),
});

export type BudgetFields = z.input<typeof budgetFieldsSchema>;

/** A rolling window needs its length, and a calendar period has its own. */
export function periodProblem(fields: { period: Budget["period"]; windowSeconds: number | null }): string | undefined {
  if (fields.period === "rolling" && fields.windowSeconds === null) return "windowSeconds: a rolling budget needs its window's length in seconds";
  if (fields.period !== "rolling" && fields.windowSeconds !== null) return `windowSeconds: only a rolling budget has one; a ${fields.period} budget resets at the start of each UTC ${fields.period === "daily" ? "day" : fields.period === "weekly" ? "week (Monday)" : "month"}`;
  return undefined;
}

export type BudgetScope = { kind: "team" } | { kind: "gateway"; gatewaySlug: string } | { kind: "token"; tokenId: string; tokenName: string };

export interface BudgetView {
  id: string;
  name: string;
  scope: BudgetScope;
  limitMicros: number;
  period: Budget["period"];
  windowSeconds: number | null;
  alertPercent: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export function toBudgetView(budget: Budget, names: { gateways: ReadonlyMap<string, string>; tokens: ReadonlyMap<string, string> }): BudgetView {
  const scope: BudgetScope = budget.gatewayId
    ? { kind: "gateway", gatewaySlug: names.gateways.get(budget.gatewayId) ?? budget.gatewayId }
    : budget.tokenId
      ? { kind: "token", tokenId: budget.tokenId, tokenName: names.tokens.get(budget.tokenId) ?? budget.tokenId }
      : { kind: "team" };
  return {
    id: budget.id,
    name: budget.name,
    scope,
    limitMicros: budget.limitMicros,
    period: budget.period,
    windowSeconds: budget.windowSeconds,
    alertPercent: budget.alertPercent,
    createdAt: budget.createdAt,
    updatedAt: budget.updatedAt,
  };
}

/** `team`, `gateway prod`, `token ci`: where a budget applies, in one phrase. */
export function describeScope(scope: BudgetScope): string {
  return scope.kind === "team" ? "team" : scope.kind === "gateway" ? `gateway ${scope.gatewaySlug}` : `token ${scope.tokenName}`;
}

/** The USD a form or flag gives, in the micro-dollars money is kept in. */
export function usdToMicros(usd: number): number {
  return Math.round(usd * 1e6);
}
