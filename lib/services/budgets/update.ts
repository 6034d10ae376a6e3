import { and, eq, ne } from "drizzle-orm";
import { budgets } from "@/db/schema";
import { changedFields, recordAudit } from "@/lib/audit/record";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { ConflictError, InvalidInputError, NotFoundError } from "../errors";
import { requireRole } from "../roles";
import { parseInput } from "../validation";
import { scopeNames } from "./scope";
import { budgetFieldsSchema, periodProblem, toBudgetView, usdToMicros, type BudgetFields, type BudgetView } from "./view";

const patchSchema = budgetFieldsSchema.partial();

/**
 * Changes the given settings of a budget and keeps the others; its scope stays. What it has counted
 * stays too: a new limit applies to the spend of the period so far.
 */
export async function updateBudget({
  ctx,
  teamId,
  budgetId,
  ...raw
}: { ctx: ServiceContext; teamId: string; budgetId: string } & Partial<BudgetFields>): Promise<BudgetView> {
  const patch = parseInput(patchSchema, raw);
  await requireRole(ctx, teamId, "admin");
  const row = await changeDirectory(ctx.db, teamId, async (tx) => {
    const where = and(eq(budgets.teamId, teamId), eq(budgets.id, budgetId));
    const [current] = await tx.select().from(budgets).where(where).for("update");
    if (!current) throw new NotFoundError(`budget ${budgetId} not found`);
    if (patch.name !== undefined) {
      const [taken] = await tx
        .select({ id: budgets.id })
        .from(budgets)
        .where(and(eq(budgets.teamId, teamId), eq(budgets.name, patch.name), ne(budgets.id, budgetId)));
      if (taken) throw new ConflictError(`a budget named "${patch.name}" already exists in this team`);
    }
    const period = patch.period ?? current.period;
    // Moving to a calendar period drops the rolling window's length unless one is given (and refused).
    const windowSeconds = raw.windowSeconds !== undefined ? patch.windowSeconds! : period === "rolling" ? current.windowSeconds : null;
    const problem = periodProblem({ period, windowSeconds });
    if (problem) throw new InvalidInputError(problem);
    const [updated] = await tx
      .update(budgets)
      .set({
        name: patch.name,
        limitMicros: patch.limitUsd === undefined ? undefined : usdToMicros(patch.limitUsd),
        period,
        windowSeconds,
        alertPercent: raw.alertPercent !== undefined ? patch.alertPercent : undefined,
        updatedAt: new Date(),
      })
      .where(where)
      .returning();
    await recordAudit({ ...ctx, db: tx }, {
      teamId,
      action: "budget.update",
      targetType: "budget",
      targetId: budgetId,
      targetLabel: updated!.name,
      details: { changes: changedFields(current, updated!, ["name", "limitMicros", "period", "windowSeconds", "alertPercent"]) },
    });
    return updated!;
  });
  return toBudgetView(row, await scopeNames(ctx.db, teamId));
}
