import { asc, eq } from "drizzle-orm";
import { memberships, teams, type Role, type Team } from "@/db/schema";
import type { ServiceContext } from "../context";

export type TeamWithRole = Team & { role: Role };

/**
 * The teams the actor belongs to with its role in each, by name: the team switcher. The operator
 * belongs to no team but passes every check, so it sees every team as an owner would.
 */
export async function listTeamsForUser({ ctx }: { ctx: ServiceContext }): Promise<TeamWithRole[]> {
  if (ctx.actor.type === "operator") {
    const rows = await ctx.db.select().from(teams).orderBy(asc(teams.name), asc(teams.slug));
    return rows.map((team) => ({ ...team, role: "owner" as const }));
  }
  if (ctx.actor.type === "api_token") {
    const { teamId, role } = ctx.actor;
    const rows = await ctx.db.select().from(teams).where(eq(teams.id, teamId));
    return rows.map((team) => ({ ...team, role }));
  }
  const rows = await ctx.db
    .select({ team: teams, role: memberships.role })
    .from(memberships)
    .innerJoin(teams, eq(teams.id, memberships.teamId))
    .where(eq(memberships.userId, ctx.actor.userId))
    .orderBy(asc(teams.name), asc(teams.slug));
  return rows.map(({ team, role }) => ({ ...team, role }));
}
