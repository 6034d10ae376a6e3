import { asc, eq } from "drizzle-orm";
import { budgets } from "@/db/schema";
import { budgetRule } from "@/lib/limits/rules";
import type { ServiceContext } from "../context";
import { readSpend, type CounterSpend } from "../limits/spend";
import { requireRole } from "../roles";
import { scopeNames } from "./scope";
import { toBudgetView, type BudgetView } from "./view";

export interface BudgetWithSpend extends BudgetView {
  /** The budget's counter now: used and reserved micro-dollars of the period, and when it resets. */
  spend: CounterSpend;
  /** `budget 'daily' (cost limit 5 daily)`, as a refusal names it. */
  description: string;
}

/** The team's budgets, oldest first, each with its spend in the current period. `now` is for tests. */
export async function listBudgets({ ctx, teamId, now }: { ctx: ServiceContext; teamId: string; now?: number }): Promise<BudgetWithSpend[]> {
  await requireRole(ctx, teamId, "viewer");
  const [rows, names] = await Promise.all([
    ctx.db.select().from(budgets).where(eq(budgets.teamId, teamId)).orderBy(asc(budgets.createdAt), asc(budgets.id)),
    scopeNames(ctx.db, teamId),
  ]);
  const spends = await readSpend(ctx.db, rows.map(budgetRule), now);
  return rows.map((row, i) => ({ ...toBudgetView(row, names), spend: spends[i]!.counters[0]!, description: spends[i]!.description }));
}
