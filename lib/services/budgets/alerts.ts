import { desc, eq } from "drizzle-orm";
import { budgetAlerts, type BudgetAlert } from "@/db/schema";
import type { ServiceContext } from "../context";
import { requireRole } from "../roles";

/** The team's budget and spend-limit alerts, newest first. */
export async function listBudgetAlerts({ ctx, teamId, limit = 20 }: { ctx: ServiceContext; teamId: string; limit?: number }): Promise<BudgetAlert[]> {
  await requireRole(ctx, teamId, "viewer");
  return ctx.db.select().from(budgetAlerts).where(eq(budgetAlerts.teamId, teamId)).orderBy(desc(budgetAlerts.createdAt)).limit(limit);
}
