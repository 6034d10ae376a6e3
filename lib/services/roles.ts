import { and, eq, type SQL } from "drizzle-orm";
import { memberships, teams, type Role, type Team } from "@/db/schema";
import type { ServiceContext } from "./context";
import { ForbiddenError, NotFoundError } from "./errors";

const RANK: Record<Role, number> = { owner: 3, admin: 2, member: 1, viewer: 0 };

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}

/** The lower of two roles: what a token may do when its own role and its creator's differ. */
export function lowerRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}

/** Granting a role takes admin, and granting a role above admin takes that role itself. */
export function roleNeededToGrant(role: Role): Role {
  return roleAtLeast(role, "admin") ? role : "admin";
}

/**
 * The team, if the actor may act in it with at least `minimum`. A user without a membership gets
 * the same NotFoundError as for a team that does not exist, so other teams cannot be discovered.
 */
async function authorize(ctx: ServiceContext, where: SQL, minimum: Role, notFound: string): Promise<Team> {
  const userId = ctx.actor.type === "user" ? ctx.actor.userId : "";
  const [row] = await ctx.db
    .select({ team: teams, role: memberships.role })
    .from(teams)
    .leftJoin(memberships, and(eq(memberships.teamId, teams.id), eq(memberships.userId, userId)))
    .where(where)
    .limit(1);
  if (!row) throw new NotFoundError(notFound);
  const { actor } = ctx;
  if (actor.type === "operator") return row.team;
  // An API token acts in its own team only, with the role it was given at authentication (never above its creator's).
  const role = actor.type === "api_token" ? (row.team.id === actor.teamId ? actor.role : null) : row.role;
  if (!role) throw new NotFoundError(notFound);
  if (!roleAtLeast(role, minimum)) {
    const who = actor.type === "api_token" ? "this API token has" : "you have";
    throw new ForbiddenError(`this needs the ${minimum} role in team "${row.team.slug}"; ${who} the ${role} role`);
  }
  return row.team;
}

export function requireRole(ctx: ServiceContext, teamId: string, minimum: Role): Promise<Team> {
  return authorize(ctx, eq(teams.id, teamId), minimum, "team not found");
}

export function requireRoleBySlug(ctx: ServiceContext, slug: string, minimum: Role): Promise<Team> {
  return authorize(ctx, eq(teams.slug, slug), minimum, `team "${slug}" not found`);
}
