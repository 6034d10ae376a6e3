import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db/client";
import { users, type Team } from "@/db/schema";
import type { ServiceContext } from "../context";
import { ConflictError } from "../errors";
import { createTeam, teamNameSchema, teamSlugSchema } from "../teams/create";
import { createUser, PASSWORD_MIN_LENGTH, type UserView } from "../users/create";
import { emailAddress, parseInput } from "../validation";

// Any constant works; it only has to be the same for every process that might run the first run.
const FIRST_RUN_LOCK = 0x5357_0001;

// Once a database has a user, the answer for it never goes back to true: every page load asks,
// so stop asking the database then.
const setUp = new WeakSet<Database>();

/** True while no user exists: the first visit then offers to create the owner and the first team. */
export async function isFirstRun({ ctx }: { ctx: ServiceContext }): Promise<boolean> {
  if (setUp.has(ctx.db)) return false;
  const [row] = await ctx.db.select({ id: users.id }).from(users).limit(1);
  if (row) setUp.add(ctx.db);
  return !row;
}

// Checked here too (createUser and createTeam check again) so every problem is reported at once,
// named after the setup form's own fields.
const input = z.object({
  name: z.string().trim().min(1, "enter your name").max(100),
  email: emailAddress,
  password: z.string().min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`).max(1024),
  teamName: teamNameSchema,
  teamSlug: teamSlugSchema,
});

/**
 * Creates the owner account and the first team in one transaction, and only while no user
 * exists. Setup needs no sign-in, so the "no user yet" check is its whole protection: an advisory
 * lock makes two simultaneous setups run one after the other, and the second finds a user.
 */
export async function completeFirstRun({
  ctx,
  ...raw
}: {
  ctx: ServiceContext;
  name: string;
  email: string;
  password: string;
  teamName: string;
  teamSlug: string;
}): Promise<{ user: UserView; team: Team }> {
  const { name, email, password, teamName, teamSlug } = parseInput(input, raw);
  const result = await ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${FIRST_RUN_LOCK})`);
    const [existing] = await tx.select({ id: users.id }).from(users).limit(1);
    if (existing) throw new ConflictError("Switchyard is already set up: sign in instead");
    const user = await createUser({ ctx: { db: tx, actor: { type: "operator" }, origin: ctx.origin }, email, name, password });
    const team = await createTeam({ ctx: { db: tx, actor: { type: "user", userId: user.id }, origin: ctx.origin }, slug: teamSlug, name: teamName });
    return { user, team };
  });
  setUp.add(ctx.db);
  return result;
}
