import { z } from "zod";
import { invitations, roles, type Invitation, type Role } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { config } from "@/lib/config";
import type { ServiceContext } from "../context";
import { requireRole, roleNeededToGrant } from "../roles";
import { emailAddress, parseInput } from "../validation";
import { newId } from "@/lib/ids";
import { invitationPath, issueInvitationSecret } from "./secret";

export const INVITATION_DEFAULT_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

export type InvitationView = Omit<Invitation, "tokenHash">;

export interface CreatedInvitation {
  invitation: InvitationView;
  /** Shown once, never stored: only its SHA-256 is. */
  secret: string;
  /** `${publicUrl}/invite/{secret}`, the link to send. */
  url: string;
}

const input = z.object({
  role: z.enum(roles),
  // Forms send an empty field for "anyone with the link".
  email: z.preprocess((value) => (value === "" ? undefined : value), emailAddress.optional()),
  expiresInDays: z.number().int().min(1).max(30).default(INVITATION_DEFAULT_DAYS),
});

/**
 * Creates a single-use join link. Takes admin, and inviting as owner takes owner: nobody can hand
 * out a role above their own. With `email`, only the user with that address can accept.
 */
export async function createInvitation({
  ctx,
  teamId,
  ...raw
}: {
  ctx: ServiceContext;
  teamId: string;
  role: Role;
  email?: string;
  expiresInDays?: number;
}): Promise<CreatedInvitation> {
  const { role, email, expiresInDays } = parseInput(input, raw);
  const team = await requireRole(ctx, teamId, roleNeededToGrant(role));
  const { secret, hash } = issueInvitationSecret();
  const row = await ctx.db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(invitations)
      .values({
        id: newId("inv"),
        teamId: team.id,
        role,
        email: email ?? null,
        tokenHash: hash,
        createdBy: ctx.actor.type === "user" ? ctx.actor.userId : null,
        expiresAt: new Date(Date.now() + expiresInDays * DAY_MS),
      })
      .returning();
    await recordAudit({ ...ctx, db: tx }, {
      teamId: team.id,
      action: "invitation.create",
      targetType: "invitation",
      targetId: inserted!.id,
      targetLabel: email ?? "anyone with the link",
      details: { role, email: email ?? null, expiresAt: inserted!.expiresAt.toISOString() },
    });
    return inserted!;
  });
  const { tokenHash: _, ...invitation } = row;
  return { invitation, secret, url: `${config().publicUrl}${invitationPath(secret)}` };
}
