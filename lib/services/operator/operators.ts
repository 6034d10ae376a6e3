import { eq } from "drizzle-orm";
import { users } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import type { ServiceContext } from "../context";
import { InvalidInputError, NotFoundError } from "../errors";
import { emailAddress, parseInput } from "../validation";
import { requireOperator } from "./access";

export interface OperatorView {
  id: string;
  email: string;
  operator: boolean;
}

async function setOperator(ctx: ServiceContext, rawEmail: string, operator: boolean): Promise<OperatorView> {
  const email = parseInput(emailAddress, rawEmail);
  await requireOperator(ctx, operator ? "make other operators" : "revoke an operator");
  if (!operator && ctx.actor.type === "user") {
    const [self] = await ctx.db.select({ email: users.email }).from(users).where(eq(users.id, ctx.actor.userId));
    // The CLI can always grant it again, but a dashboard operator locking themselves out is a mistake.
    if (self?.email === email) throw new InvalidInputError({ field: "email", message: "you cannot revoke your own operator role; ask another operator or use the CLI" });
  }
  return ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(users)
      .set({ operator })
      .where(eq(users.email, email))
      .returning({ id: users.id, email: users.email, operator: users.operator });
    if (!updated) throw new NotFoundError(`no user with email ${email}; create one with \`switchyard user create --email ${email}\``);
    await recordAudit({ ...ctx, db: tx }, { teamId: null, action: operator ? "operator.grant" : "operator.revoke", targetType: "user", targetId: updated.id, targetLabel: email });
    return updated;
  });
}

/** Makes the user an operator of the deployment: its keys and every team's credits. */
export function grantOperator({ ctx, email }: { ctx: ServiceContext; email: string }): Promise<OperatorView> {
  return setOperator(ctx, email, true);
}

export function revokeOperator({ ctx, email }: { ctx: ServiceContext; email: string }): Promise<OperatorView> {
  return setOperator(ctx, email, false);
}

/** The users who are operators, by email. */
export async function listOperators({ ctx }: { ctx: ServiceContext }): Promise<OperatorView[]> {
  await requireOperator(ctx, "list the operators");
  return ctx.db
    .select({ id: users.id, email: users.email, operator: users.operator })
    .from(users)
    .where(eq(users.operator, true))
    .orderBy(users.email);
}
