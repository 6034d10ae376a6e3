import { desc, eq } from "drizzle-orm";
import { invitations, users } from "@/db/schema";
import type { ServiceContext } from "../context";
import { requireRole } from "../roles";
import type { InvitationView } from "./create";
import { invitationStatus, type InvitationStatus } from "./secret";

export interface InvitationListItem extends InvitationView {
  status: InvitationStatus;
  createdByEmail: string | null;
}

const LIST_LIMIT = 200;

/** The team's invitations, newest first, with their status; admins manage them. */
export async function listInvitations({
  ctx,
  teamId,
}: {
  ctx: ServiceContext;
  teamId: string;
}): Promise<InvitationListItem[]> {
  const team = await requireRole(ctx, teamId, "admin");
  const rows = await ctx.db
    .select({ invitation: invitations, createdByEmail: users.email })
    .from(invitations)
    .leftJoin(users, eq(users.id, invitations.createdBy))
    .where(eq(invitations.teamId, team.id))
    .orderBy(desc(invitations.createdAt), desc(invitations.id))
    .limit(LIST_LIMIT);
  const now = new Date();
  return rows.map(({ invitation: { tokenHash: _, ...invitation }, createdByEmail }) => ({
    ...invitation,
    status: invitationStatus({ ...invitation, tokenHash: "" }, now),
    createdByEmail,
  }));
}
