import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db/client";
import { invitations, memberships, teams, users, type Invitation, type Role, type Team } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../errors";
import { createUser, PASSWORD_MIN_LENGTH, type UserView } from "../users/create";
import { emailAddress, parseInput } from "../validation";
import { hashInvitationSecret, invitationStatus, isInvitationSecretShaped } from "./secret";

export interface AcceptedInvitation {
  team: Team;
  role: Role;
}

const NOT_VALID = "this invitation link is not valid: check that you copied all of it, or ask for a new one";

/**
 * The usable invitation behind `secret`, or the error that says why it is not. With `lock`, the
 * row stays locked for the rest of the transaction so that two people accepting the same link
 * at once are served one after the other: single use holds.
 */
export async function usableInvitation(
  db: Database,
  secret: string,
  { lock }: { lock: boolean },
): Promise<{ invitation: Invitation; team: Team }> {
  if (!isInvitationSecretShaped(secret)) throw new NotFoundError(NOT_VALID);
  const query = db
    .select({ invitation: invitations, team: teams })
    .from(invitations)
    .innerJoin(teams, eq(teams.id, invitations.teamId))
    .where(eq(invitations.tokenHash, hashInvitationSecret(secret)))
    .limit(1);
  const [row] = lock ? await query.for("update", { of: invitations }) : await query;
  if (!row) throw new NotFoundError(NOT_VALID);
  switch (invitationStatus(row.invitation)) {
    case "accepted":
      throw new ConflictError("this invitation has already been used; ask for a new one");
    case "revoked":
      throw new ConflictError("this invitation was revoked; ask for a new one");
    case "expired":
      throw new ConflictError("this invitation has expired; ask for a new one");
    case "pending":
      return row;
  }
}

function checkAddressedTo(invitation: Invitation, email: string): void {
  if (invitation.email && invitation.email !== email.toLowerCase()) {
    throw new ForbiddenError(`this invitation is for ${invitation.email}; sign in with that address to accept it`);
  }
}

/** `joining` acts as the user who joins, in the accepting transaction. */
async function join(joining: ServiceContext & { actor: { type: "user" } }, invitation: Invitation, team: Team): Promise<AcceptedInvitation> {
  const { db: tx, actor: { userId } } = joining;
  const [membership] = await tx
    .insert(memberships)
    .values({ teamId: team.id, userId, role: invitation.role })
    .onConflictDoNothing()
    .returning();
  // Thrown before the invitation is marked used, so the link still works for whoever it was meant for.
  if (!membership) throw new ConflictError(`you are already a member of team "${team.name}"`);
  await tx
    .update(invitations)
    .set({ acceptedAt: new Date(), acceptedBy: userId })
    .where(eq(invitations.id, invitation.id));
  await recordAudit(joining, { teamId: team.id, action: "invitation.accept", targetType: "invitation", targetId: invitation.id, targetLabel: invitation.email ?? "anyone with the link", details: { role: invitation.role } });
  return { team, role: invitation.role };
}

/** The signed-in user joins the team with the invitation's role; the link is then used up. */
export async function acceptInvitation({
  ctx,
  secret,
}: {
  ctx: ServiceContext;
  secret: string;
}): Promise<AcceptedInvitation> {
  const actor = ctx.actor;
  if (actor.type !== "user") throw new InvalidInputError("an invitation is accepted by a signed-in user");
  // A former member's API tokens work again with their membership, at the gateway too: its snapshot of the team changes.
  const { team: joining } = await usableInvitation(ctx.db, secret, { lock: false });
  return changeDirectory(ctx.db, joining.id, async (tx) => {
    const { invitation, team } = await usableInvitation(tx, secret, { lock: true });
    const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, actor.userId)).limit(1);
    if (!user) throw new NotFoundError("user not found");
    checkAddressedTo(invitation, user.email);
    return join({ ...ctx, db: tx, actor }, invitation, team);
  });
}

const signUpInput = z.object({
  name: z.string().trim().min(1, "enter your name").max(100),
  email: emailAddress,
  password: z.string().min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`).max(1024),
});

/**
 * Someone without an account accepts: the account (with a password) and the membership are
 * created together, or neither is. The invitation is what lets a stranger create an account.
 */
export async function acceptInvitationWithSignUp({
  ctx,
  secret,
  ...raw
}: {
  ctx: ServiceContext;
  secret: string;
  name: string;
  email: string;
  password: string;
}): Promise<AcceptedInvitation & { user: UserView }> {
  const { name, email, password } = parseInput(signUpInput, raw);
  return ctx.db.transaction(async (tx) => {
    const { invitation, team } = await usableInvitation(tx, secret, { lock: true });
    checkAddressedTo(invitation, email);
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
    if (existing) throw new ConflictError("an account with this email already exists: sign in to accept the invitation");
    const user = await createUser({ ctx: { db: tx, actor: { type: "operator" }, origin: ctx.origin }, email, name, password });
    return { ...(await join({ db: tx, actor: { type: "user", userId: user.id }, origin: ctx.origin }, invitation, team)), user };
  });
}
