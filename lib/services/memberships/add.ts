import { eq } from "drizzle-orm";
import { z } from "zod";
import { memberships, roles, users, type Membership, type Role } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { ConflictError, NotFoundError } from "../errors";
import { requireRole, roleNeededToGrant } from "../roles";
import { emailAddress, parseInput } from "../validation";

const input = z.object({
  email: emailAddress,
  role: z.enum(roles),
});

/** Adds an existing user to a team. */
export async function addMember({
  ctx,
  teamId,
  ...raw
}: {
  ctx: ServiceContext;
  teamId: string;
  email: string;
  role: Role;
}): Promise<Membership> {
  const { email, role } = parseInput(input, raw);
  const team = await requireRole(ctx, teamId, roleNeededToGrant(role));
  const [user] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
  if (!user) throw new NotFoundError(`no user with email ${email}; create the user first`);
  // A former member's API tokens work again with their membership, at the gateway too.
  return changeDirectory(ctx.db, team.id, async (tx) => {
    const [membership] = await tx
      .insert(memberships)
      .values({ teamId: team.id, userId: user.id, role })
      .onConflictDoNothing()
      .returning();
    if (!membership) throw new ConflictError(`${email} is already a member of team "${team.slug}"`);
    await recordAudit({ ...ctx, db: tx }, { teamId: team.id, action: "member.add", targetType: "user", targetId: user.id, targetLabel: email, details: { role } });
    return membership;
  });
}
