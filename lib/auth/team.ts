import { and, eq } from "drizzle-orm";
import { notFound } from "next/navigation";
import { cache } from "react";
import { db } from "@/db/client";
import { memberships, teams, type Role, type Team } from "@/db/schema";
import type { ServiceContext } from "@/lib/services/context";
import { requireUser, userContext, type SessionUser } from "./session";

export interface TeamSession {
  /** For calling services as the signed-in user; they check the role again themselves. */
  ctx: ServiceContext;
  team: Team;
  role: Role;
  user: SessionUser;
}

const loadTeam = cache(async (slug: string): Promise<TeamSession> => {
  const user = await requireUser();
  const database = await db();
  const [row] = await database
    .select({ team: teams, role: memberships.role })
    .from(teams)
    .innerJoin(memberships, and(eq(memberships.teamId, teams.id), eq(memberships.userId, user.id)))
    .where(eq(teams.slug, slug))
    .limit(1);
  // Not a member looks exactly like no such team, so team slugs cannot be probed.
  if (!row) notFound();
  return { ctx: await userContext(user), team: row.team, role: row.role, user };
});

/**
 * The team `slug` as the signed-in user sees it, for pages and server actions: redirects to
 * sign-in without a session, and 404s when the user is not a member.
 */
export async function requireTeam(slug: string): Promise<TeamSession> {
  return loadTeam(slug);
}
