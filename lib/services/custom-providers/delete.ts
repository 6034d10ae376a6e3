import { and, eq, or } from "drizzle-orm";
import { customProviders, type CustomProvider } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { NotFoundError } from "../errors";
import { requireRole } from "../roles";

/** Deletes a custom provider by its id or slug; keys stored for it stay until removed, unused. */
export async function deleteCustomProvider({ ctx, teamId, provider }: { ctx: ServiceContext; teamId: string; provider: string }): Promise<CustomProvider> {
  await requireRole(ctx, teamId, "admin");
  return changeDirectory(ctx.db, teamId, async (tx) => {
    const [deleted] = await tx
      .delete(customProviders)
      .where(and(eq(customProviders.teamId, teamId), or(eq(customProviders.id, provider), eq(customProviders.slug, provider))))
      .returning();
    if (!deleted) throw new NotFoundError(`custom provider "${provider}" not found`);
    await recordAudit(
      { ...ctx, db: tx },
      { teamId, action: "custom_provider.delete", targetType: "custom_provider", targetId: deleted.id, targetLabel: deleted.slug },
    );
    return deleted;
  });
}
