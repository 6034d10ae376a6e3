import { eq } from "drizzle-orm";
import { users } from "@/db/schema";
import type { ServiceContext } from "../context";
import { ForbiddenError } from "../errors";

/** The CLI (the deployment's operator by definition), or a user whom it made an operator. */
export async function isOperator(ctx: ServiceContext): Promise<boolean> {
  if (ctx.actor.type === "operator") return true;
  // An API token acts in its own team only; operating the deployment is never delegated to one.
  if (ctx.actor.type === "api_token") return false;
  const [user] = await ctx.db.select({ operator: users.operator }).from(users).where(eq(users.id, ctx.actor.userId)).limit(1);
  return user?.operator === true;
}

export async function requireOperator(ctx: ServiceContext, what: string): Promise<void> {
  if (!(await isOperator(ctx))) throw new ForbiddenError(`only the deployment's operator can ${what}`);
}
