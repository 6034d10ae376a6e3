import { and, eq } from "drizzle-orm";
import { budgets } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { NotFoundError } from "../errors";
import { requireRole } from "../roles";

/** Deletes a budget; requests stop counting against it at once. Returns its name. */
export async function removeBudget({ ctx, teamId, budgetId }: { ctx: ServiceContext; teamId: string; budgetId: string }): Promise<{ id: string; name: string }> {
  await requireRole(ctx, teamId, "admin");
  return changeDirectory(ctx.db, teamId, async (tx) => {
    const [removed] = await tx
      .delete(budgets)
      .where(and(eq(budgets.teamId, teamId), eq(budgets.id, budgetId)))
      .returning({ id: budgets.id, name: budgets.name });
    if (!removed) throw new NotFoundError(`budget ${budgetId} not found`);
    await recordAudit({ ...ctx, db: tx }, { teamId, action: "budget.delete", targetType: "budget", targetId: removed.id, targetLabel: removed.name });
    return removed;
  });
}
