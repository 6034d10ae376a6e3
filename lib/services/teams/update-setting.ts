import { eq } from "drizzle-orm";
import { teams, type Team } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import type { ServiceContext } from "../context";
import { requireRole } from "../roles";

/** The team settings an admin sets one at a time, each audited as a `team.update` of that field. */
export type TeamSetting = "displayPrecision" | "logRetentionDays" | "analyticsMetadataKeys";

/** Sets one team setting (admin) to an already validated value; an unchanged value writes and audits nothing. */
export async function updateTeamSetting<K extends TeamSetting>(ctx: ServiceContext, teamId: string, setting: K, value: Team[K]): Promise<Team> {
  const team = await requireRole(ctx, teamId, "admin");
  // JSON compares list settings by their items too.
  if (JSON.stringify(team[setting]) === JSON.stringify(value)) return team;
  return ctx.db.transaction(async (tx) => {
    const [updated] = await tx.update(teams).set({ [setting]: value }).where(eq(teams.id, team.id)).returning();
    await recordAudit(
      { ...ctx, db: tx },
      { teamId: team.id, action: "team.update", targetType: "team", targetId: team.id, targetLabel: team.slug, details: { [setting]: { from: team[setting], to: value } } },
    );
    return updated!;
  });
}
