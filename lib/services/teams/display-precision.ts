import { eq } from "drizzle-orm";
import { z } from "zod";
import { teams, type Team } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import type { ServiceContext } from "../context";
import { requireRole } from "../roles";
import { parseInput } from "../validation";

export const DISPLAY_PRECISIONS = [2, 3, 4, 5, 6] as const;

const input = z.object({
  displayPrecision: z.coerce.number().int("must be a whole number").min(2, "must be at least 2").max(6, "must be at most 6"),
});

/** Sets how many decimal places the dashboard shows dollar amounts with (admin); storage stays in micro-dollars. */
export async function setDisplayPrecision({ ctx, teamId, ...raw }: { ctx: ServiceContext; teamId: string; displayPrecision: unknown }): Promise<Team> {
  const { displayPrecision } = parseInput(input, raw);
  const team = await requireRole(ctx, teamId, "admin");
  if (team.displayPrecision === displayPrecision) return team;
  return ctx.db.transaction(async (tx) => {
    const [updated] = await tx.update(teams).set({ displayPrecision }).where(eq(teams.id, team.id)).returning();
    await recordAudit(
      { ...ctx, db: tx },
      { teamId: team.id, action: "team.update", targetType: "team", targetId: team.id, targetLabel: team.slug, details: { displayPrecision: { from: team.displayPrecision, to: displayPrecision } } },
    );
    return updated!;
  });
}
