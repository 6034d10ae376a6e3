import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { memberships, roles, type Membership, type Role } from "@/db/schema";
import { recordAudit, userLabel } from "@/lib/audit/record";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { requireRole, roleNeededToGrant } from "../roles";
import { parseInput } from "../validation";
import { keepAnOwner, lockTeam, membershipOf } from "./guard";

const input = z.object({ role: z.enum(roles) });

/**
 * Gives a member another role. Takes admin; granting owner, or changing an owner's role, takes
 * owner. The last owner cannot be demoted.
 */
export async function changeMemberRole({
  ctx,
  teamId,
  userId,
  ...raw
}: {
  ctx: ServiceContext;
  teamId: string;
  userId: string;
  role: Role;
}): Promise<Membership> {
  const { role } = parseInput(input, raw);
  // The member's role caps the API tokens they made, which the gateway holds in its snapshot of the team.
  return changeDirectory(ctx.db, teamId, async (tx) => {
    await lockTeam(tx, teamId);
    const acting = { ...ctx, db: tx };
    const team = await requireRole(acting, teamId, "admin");
    const current = await membershipOf(tx, team, userId);
    await requireRole(acting, teamId, current.role === "owner" ? "owner" : roleNeededToGrant(role));
    if (current.role === role) return current;
    if (role !== "owner") await keepAnOwner(tx, team, current, "demote");
    const [updated] = await tx
      .update(memberships)
      .set({ role })
      .where(and(eq(memberships.teamId, team.id), eq(memberships.userId, userId)))
      .returning();
    await recordAudit(acting, { teamId: team.id, action: "member.role_change", targetType: "user", targetId: userId, targetLabel: await userLabel(tx, userId), details: { role: { from: current.role, to: role } } });
    return updated!;
  });
}
