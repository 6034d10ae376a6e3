import { eq } from "drizzle-orm";
import { z } from "zod";
import { teams, type Team } from "@/db/schema";
import { changedFields, recordAudit } from "@/lib/audit/record";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { ConflictError, InvalidInputError } from "../errors";
import { requireRole } from "../roles";
import { parseInput } from "../validation";
import { teamNameSchema, teamSlugSchema } from "./create";

const input = z.object({
  name: teamNameSchema.optional(),
  slug: teamSlugSchema.optional(),
});

/**
 * Renames a team (admin), and changes its slug (owner). The slug is in every gateway URL the
 * team's applications call, so changing it breaks them until they are updated: hence owner only.
 */
export async function renameTeam({
  ctx,
  teamId,
  ...raw
}: {
  ctx: ServiceContext;
  teamId: string;
  name?: string;
  slug?: string;
}): Promise<Team> {
  const { name, slug } = parseInput(input, raw);
  if (name === undefined && slug === undefined) throw new InvalidInputError("give a new name or slug");
  const team = await requireRole(ctx, teamId, "admin");
  const slugChange = slug !== undefined && slug !== team.slug;
  if (slugChange) await requireRole(ctx, teamId, "owner");
  if (!slugChange && (name === undefined || name === team.name)) return team;

  // The gateway routes by slug: its snapshot of the team must go with the old one.
  const updated = await changeDirectory(ctx.db, team.id, async (tx) => {
    const [row] = await tx
      .update(teams)
      .set({ ...(name === undefined ? {} : { name }), ...(slugChange ? { slug } : {}) })
      .where(eq(teams.id, team.id))
      .returning();
    await recordAudit({ ...ctx, db: tx }, { teamId: team.id, action: "team.update", targetType: "team", targetId: team.id, targetLabel: row!.slug, details: changedFields(team, row!, ["name", "slug"]) });
    return row!;
  }).catch((error: unknown) => {
    if (slugChange && isUniqueViolation(error)) throw new ConflictError(`team "${slug}" already exists`);
    throw error;
  });
  return updated;
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === "23505") return true;
  }
  return false;
}
