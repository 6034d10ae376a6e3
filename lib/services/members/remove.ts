import { and, eq, inArray, isNull } from "drizzle-orm";
import { gatewayTokens, memberships, playgroundCredentials } from "@/db/schema";
import { recordAudit, userLabel } from "@/lib/audit/record";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { requireRole } from "../roles";
import { keepAnOwner, lockTeam, membershipOf } from "./guard";

/**
 * Removes a member from the team. Any member may remove themself (leave the team); removing
 * someone else takes admin, and owner to remove an owner. The last owner can do neither.
 */
export async function removeMember({
  ctx,
  teamId,
  userId,
}: {
  ctx: ServiceContext;
  teamId: string;
  userId: string;
}): Promise<void> {
  const leaving = ctx.actor.type === "user" && ctx.actor.userId === userId;
  // It may revoke the member's playground token, and it stops the API tokens they made: the gateway must stop accepting both.
  await changeDirectory(ctx.db, teamId, async (tx) => {
    await lockTeam(tx, teamId);
    const acting = { ...ctx, db: tx };
    const team = await requireRole(acting, teamId, leaving ? "viewer" : "admin");
    const membership = await membershipOf(tx, team, userId);
    if (!leaving && membership.role === "owner") await requireRole(acting, teamId, "owner");
    await keepAnOwner(tx, team, membership, leaving ? "remove yourself as" : "remove");

    // The playground's token acts for this user; it must stop working with the membership.
    const playground = await tx
      .delete(playgroundCredentials)
      .where(and(eq(playgroundCredentials.teamId, team.id), eq(playgroundCredentials.userId, userId)))
      .returning({ tokenId: playgroundCredentials.tokenId });
    if (playground.length > 0) {
      await tx
        .update(gatewayTokens)
        .set({ revokedAt: new Date() })
        .where(
          and(
            eq(gatewayTokens.teamId, team.id),
            inArray(
              gatewayTokens.id,
              playground.map((p) => p.tokenId),
            ),
            isNull(gatewayTokens.revokedAt),
          ),
        );
    }
    await tx.delete(memberships).where(and(eq(memberships.teamId, team.id), eq(memberships.userId, userId)));
    await recordAudit(acting, {
      teamId: team.id,
      action: leaving ? "member.leave" : "member.remove",
      targetType: "user",
      targetId: userId,
      targetLabel: await userLabel(tx, userId),
      details: { role: membership.role, playgroundTokensRevoked: playground.map((p) => p.tokenId) },
    });
  });
}
