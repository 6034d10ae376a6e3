import { z } from "zod";
import { memberships, roles, users, type Role, type User } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { hashPassword } from "@/lib/crypto/password";
import { newId } from "@/lib/ids";
import type { ServiceContext } from "../context";
import { ConflictError, ForbiddenError, InvalidInputError } from "../errors";
import { requireRole, roleNeededToGrant } from "../roles";
import { emailAddress, parseInput } from "../validation";

export type UserView = Omit<User, "passwordHash">;

export const PASSWORD_MIN_LENGTH = 8;

const input = z.object({
  email: emailAddress,
  name: z.string().trim().min(1).max(100).optional(),
  password: z
    .string()
    .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(1024, "must be at most 1024 characters")
    .optional(),
  teamId: z.string().optional(),
  role: z.enum(roles).optional(),
});

function toUserView({ passwordHash: _, ...view }: User): UserView {
  return view;
}

/**
 * Creates a user, and a membership when `teamId` is given (role defaults to member). The operator
 * may always do this; a user needs admin in that team, and owner to grant owner.
 */
export async function createUser({
  ctx,
  ...raw
}: {
  ctx: ServiceContext;
  email: string;
  name?: string;
  password?: string;
  teamId?: string;
  role?: Role;
}): Promise<UserView> {
  const { email, name, password, teamId, role } = parseInput(input, raw);
  if (role && !teamId) throw new InvalidInputError({ field: "role", message: "give a team to grant a role in" });
  const membership = teamId ? { teamId, role: role ?? "member" } : null;
  if (membership) {
    await requireRole(ctx, membership.teamId, roleNeededToGrant(membership.role));
  } else if (ctx.actor.type !== "operator") {
    throw new ForbiddenError("only the operator can create a user outside a team");
  }
  const passwordHash = password === undefined ? null : await hashPassword(password);

  return ctx.db.transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({ id: newId("user"), email, name, passwordHash })
      .onConflictDoNothing()
      .returning();
    if (!user) throw new ConflictError(`a user with email ${email} already exists`);
    if (membership) await tx.insert(memberships).values({ ...membership, userId: user.id });
    await recordAudit({ ...ctx, db: tx }, {
      teamId: membership?.teamId ?? null,
      action: "user.create",
      targetType: "user",
      targetId: user.id,
      targetLabel: email,
      details: { name: name ?? null, withPassword: passwordHash !== null, role: membership?.role ?? null },
    });
    return toUserView(user);
  });
}
