import { and, eq } from "drizzle-orm";
import { gateways, type Gateway } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { NotFoundError } from "../errors";
import { requireRole } from "../roles";

/**
 * Deletes a gateway and the provider keys stored for it (the foreign key cascades). Its request
 * logs stay: they are the team's history. A deleted `default` gateway comes back on the next
 * request that needs it, as Cloudflare's does.
 */
export async function deleteGateway({ ctx, teamId, slug }: { ctx: ServiceContext; teamId: string; slug: string }): Promise<Gateway> {
  await requireRole(ctx, teamId, "admin");
  return changeDirectory(ctx.db, teamId, async (tx) => {
    const [deleted] = await tx
      .delete(gateways)
      .where(and(eq(gateways.teamId, teamId), eq(gateways.slug, slug)))
      .returning();
    if (!deleted) throw new NotFoundError(`gateway "${slug}" not found`);
    await recordAudit({ ...ctx, db: tx }, { teamId, action: "gateway.delete", targetType: "gateway", targetId: deleted.id, targetLabel: slug });
    return deleted;
  });
}
