import { z } from "zod";
import { memberships, teams, type Team } from "@/db/schema";
import { newId } from "@/lib/ids";
import type { ServiceContext } from "../context";
import { ConflictError } from "../errors";
import { parseInput } from "../validation";

const teamSlugSchema = z
  .string()
  .trim()
  .regex(
    /^[a-z0-9][a-z0-9-]{1,39}$/,
    "use 2–40 lowercase letters, digits and hyphens, not starting with a hyphen",
  );

const input = z.object({
  slug: teamSlugSchema,
  name: z.string().trim().min(1).max(100).optional(),
});

/** Creates a team; a user who creates one becomes its owner. */
export async function createTeam({ ctx, ...raw }: { ctx: ServiceContext; slug: string; name?: string }): Promise<Team> {
  const { slug, name } = parseInput(input, raw);
  return ctx.db.transaction(async (tx) => {
    const [team] = await tx
      .insert(teams)
      .values({ id: newId("team"), slug, name: name ?? slug })
      .onConflictDoNothing()
      .returning();
    if (!team) throw new ConflictError(`team "${slug}" already exists`);
    if (ctx.actor.type === "user") {
      await tx.insert(memberships).values({ teamId: team.id, userId: ctx.actor.userId, role: "owner" });
    }
    return team;
  });
}
