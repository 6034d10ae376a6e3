import { z } from "zod";
import { memberships, teams, type Team } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { newId } from "@/lib/ids";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { ConflictError } from "../errors";
import { parseInput } from "../validation";

/**
 * Top-level paths that are not a team: the portal serves a team at `/{slug}`, so a team named like
 * one of these would be unreachable (or would shadow the page). Includes paths kept for later.
 */
export const RESERVED_TEAM_SLUGS: ReadonlySet<string> = new Set([
  "v1", "ai", "client", "api", "metrics", "health", "static", "assets", "public",
  "sign-in", "sign-out", "sign-up", "signin", "signout", "signup", "login", "logout", "register",
  "setup", "invite", "invites", "auth", "oauth", "account", "accounts", "settings", "profile",
  "new", "teams", "team", "admin", "dashboard", "docs", "help", "status", "playground",
]);

export const teamSlugSchema = z
  .string()
  .trim()
  .regex(
    /^[a-z0-9][a-z0-9-]{1,39}$/,
    "use 2–40 lowercase letters, digits and hyphens, not starting with a hyphen",
  )
  .refine((slug) => !RESERVED_TEAM_SLUGS.has(slug), "this name is reserved for one of Switchyard's own pages");

export const teamNameSchema = z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters");

const input = z.object({
  slug: teamSlugSchema,
  name: teamNameSchema.optional(),
});

/** Creates a team; a user who creates one becomes its owner. */
export async function createTeam({ ctx, ...raw }: { ctx: ServiceContext; slug: string; name?: string }): Promise<Team> {
  const { slug, name } = parseInput(input, raw);
  const id = newId("team");
  // A team slug the data plane was asked for in vain moments ago exists now.
  return changeDirectory(ctx.db, id, async (tx) => {
    const [team] = await tx
      .insert(teams)
      .values({ id, slug, name: name ?? slug })
      .onConflictDoNothing()
      .returning();
    if (!team) throw new ConflictError(`team "${slug}" already exists`);
    if (ctx.actor.type === "user") {
      await tx.insert(memberships).values({ teamId: team.id, userId: ctx.actor.userId, role: "owner" });
    }
    await recordAudit({ ...ctx, db: tx }, { teamId: team.id, action: "team.create", targetType: "team", targetId: team.id, targetLabel: team.slug, details: { name: team.name } });
    return team;
  });
}
