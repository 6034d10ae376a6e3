import { and, count, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { memberships, teams, type Membership, type Team } from "@/db/schema";
import { ConflictError, NotFoundError } from "../errors";

/**
 * Locks the team row for the rest of the transaction. Every change that could take away an owner
 * takes this lock first, so two owners removing each other at the same moment run one after the
 * other and the second one sees that it would leave the team without an owner.
 */
export async function lockTeam(tx: Database, teamId: string): Promise<void> {
  await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId)).for("update");
}

export async function membershipOf(tx: Database, team: Team, userId: string): Promise<Membership> {
  const [membership] = await tx
    .select()
    .from(memberships)
    .where(and(eq(memberships.teamId, team.id), eq(memberships.userId, userId)))
    .limit(1);
  if (!membership) throw new NotFoundError(`that user is not a member of team "${team.slug}"`);
  return membership;
}

/** Refuses a change that would take away the team's last owner. */
export async function keepAnOwner(tx: Database, team: Team, leaving: Membership, action: string): Promise<void> {
  if (leaving.role !== "owner") return;
  const [row] = await tx
    .select({ owners: count() })
    .from(memberships)
    .where(and(eq(memberships.teamId, team.id), eq(memberships.role, "owner")));
  if ((row?.owners ?? 0) <= 1) {
    throw new ConflictError(
      `cannot ${action} the last owner of team "${team.slug}": make another member an owner first`,
    );
  }
}
