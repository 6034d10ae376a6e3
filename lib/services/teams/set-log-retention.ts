import { eq } from "drizzle-orm";
import { z } from "zod";
import { teams, type Team } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import type { ServiceContext } from "../context";
import { count } from "../gateways/settings";
import { requireRole } from "../roles";
import { parseInput } from "../validation";

/** Ten years: longer is "keep them", which is null. */
export const LOG_RETENTION_DAYS_MAX = 3650;

const input = z.object({ logRetentionDays: count(1, LOG_RETENTION_DAYS_MAX).nullable() });

/**
 * Sets how many days the team's request logs are kept (admin); null keeps them until a gateway's
 * log limit removes them. The log maintenance loop (lib/logs/maintenance.ts) removes what is older.
 */
export async function setLogRetention({ ctx, teamId, ...raw }: { ctx: ServiceContext; teamId: string; logRetentionDays: number | null }): Promise<Team> {
  const { logRetentionDays } = parseInput(input, raw);
  const team = await requireRole(ctx, teamId, "admin");
  if (team.logRetentionDays === logRetentionDays) return team;
  return ctx.db.transaction(async (tx) => {
    const [updated] = await tx.update(teams).set({ logRetentionDays }).where(eq(teams.id, team.id)).returning();
    await recordAudit(
      { ...ctx, db: tx },
      {
        teamId: team.id,
        action: "team.update",
        targetType: "team",
        targetId: team.id,
        targetLabel: team.slug,
        details: { logRetentionDays: { from: team.logRetentionDays, to: logRetentionDays } },
      },
    );
    return updated!;
  });
}
