import { eq } from "drizzle-orm";
import { users, type Role } from "@/db/schema";
import type { ServiceContext } from "../context";
import { usableInvitation } from "./accept";

export interface InvitationPreview {
  team: { name: string; slug: string };
  role: Role;
  /** The only address that may accept, when the inviter set one. */
  email: string | null;
  expiresAt: Date;
  invitedBy: string | null;
}

/**
 * What the invitation page shows before accepting. Holding the link is the permission to see it,
 * so no sign-in is needed; an unusable link gets the same error accepting it would.
 */
export async function previewInvitation({ ctx, secret }: { ctx: ServiceContext; secret: string }): Promise<InvitationPreview> {
  const { invitation, team } = await usableInvitation(ctx.db, secret, { lock: false });
  const [inviter] = invitation.createdBy
    ? await ctx.db
        .select({ name: users.name, email: users.email })
        .from(users)
        .where(eq(users.id, invitation.createdBy))
        .limit(1)
    : [];
  return {
    team: { name: team.name, slug: team.slug },
    role: invitation.role,
    email: invitation.email,
    expiresAt: invitation.expiresAt,
    invitedBy: inviter ? (inviter.name ?? inviter.email) : null,
  };
}
