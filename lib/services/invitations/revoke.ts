import { and, eq } from "drizzle-orm";
import { invitations } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import type { ServiceContext } from "../context";
import { ConflictError, NotFoundError } from "../errors";
import { requireRole, roleNeededToGrant } from "../roles";
import type { InvitationView } from "./create";
import { invitationStatus, isPending } from "./secret";

/** Revokes an unused invitation; takes what creating it took (admin, owner for an owner invite). */
export async function revokeInvitation({
  ctx,
  teamId,
  invitationId,
}: {
  ctx: ServiceContext;
  teamId: string;
  invitationId: string;
}): Promise<InvitationView> {
  const team = await requireRole(ctx, teamId, "admin");
  const [invitation] = await ctx.db
    .select()
    .from(invitations)
    .where(and(eq(invitations.id, invitationId), eq(invitations.teamId, team.id)))
    .limit(1);
  if (!invitation) throw new NotFoundError("invitation not found");
  await requireRole(ctx, team.id, roleNeededToGrant(invitation.role));
  const revoked = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(invitations)
      .set({ revokedAt: new Date() })
      .where(and(eq(invitations.id, invitation.id), isPending()))
      .returning();
    if (!row) throw new ConflictError(`this invitation is already ${invitationStatus(invitation)}`);
    await recordAudit({ ...ctx, db: tx }, { teamId: team.id, action: "invitation.revoke", targetType: "invitation", targetId: row.id, targetLabel: row.email ?? "anyone with the link", details: { role: row.role } });
    return row;
  });
  const { tokenHash: _, ...view } = revoked;
  return view;
}
