import { and, eq } from "drizzle-orm";
import { budgets } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { newId } from "@/lib/ids";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { ConflictError, InvalidInputError } from "../errors";
import { requireRole } from "../roles";
import { parseInput } from "../validation";
import { resolveScope, scopeNames, type ScopeInput } from "./scope";
import { budgetFieldsSchema, periodProblem, toBudgetView, usdToMicros, type BudgetFields, type BudgetView } from "./view";

/** A budget on the team, a gateway or a token; its name is unique in the team, as refusals name it. */
export async function createBudget({
  ctx,
  teamId,
  scope = {},
  ...raw
}: { ctx: ServiceContext; teamId: string; scope?: ScopeInput } & BudgetFields): Promise<BudgetView> {
  const fields = parseInput(budgetFieldsSchema, raw);
  const problem = periodProblem(fields);
  if (problem) throw new InvalidInputError(problem);
  await requireRole(ctx, teamId, "admin");
  const target = await resolveScope(ctx.db, teamId, scope);
  const row = await changeDirectory(ctx.db, teamId, async (tx) => {
    const [taken] = await tx.select({ id: budgets.id }).from(budgets).where(and(eq(budgets.teamId, teamId), eq(budgets.name, fields.name)));
    if (taken) throw new ConflictError(`a budget named "${fields.name}" already exists in this team`);
    const [created] = await tx
      .insert(budgets)
      .values({
        id: newId("bud"),
        teamId,
        ...target,
        name: fields.name,
        limitMicros: usdToMicros(fields.limitUsd),
        period: fields.period,
        windowSeconds: fields.windowSeconds,
        alertPercent: fields.alertPercent,
      })
      .returning();
    await recordAudit({ ...ctx, db: tx }, {
      teamId,
      action: "budget.create",
      targetType: "budget",
      targetId: created!.id,
      targetLabel: fields.name,
      details: { scope, limitMicros: created!.limitMicros, period: created!.period, windowSeconds: created!.windowSeconds, alertPercent: created!.alertPercent },
    });
    return created!;
  });
  return toBudgetView(row, await scopeNames(ctx.db, teamId));
}
