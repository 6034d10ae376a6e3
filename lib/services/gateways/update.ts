import { and, eq } from "drizzle-orm";
import { gateways, type Gateway } from "@/db/schema";
import { changedFields, recordAudit } from "@/lib/audit/record";
import { maskedOtel, withStoredSecrets } from "@/lib/gateways/settings/otel";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { NotFoundError } from "../errors";
import { requireRole } from "../roles";
import { parseInput } from "../validation";
import { gatewayPatchSchema, type GatewayPatch } from "./content-controls";
import { assertCoherentSettings } from "./settings";

/** Changes the given settings and keeps the others. */
export async function updateGateway({
  ctx,
  teamId,
  slug,
  settings,
}: {
  ctx: ServiceContext;
  teamId: string;
  slug: string;
  settings: GatewayPatch;
}): Promise<Gateway> {
  const patch = parseInput(gatewayPatchSchema, settings);
  await requireRole(ctx, teamId, "admin");
  return changeDirectory(ctx.db, teamId, async (tx) => {
    const where = and(eq(gateways.teamId, teamId), eq(gateways.slug, slug));
    const [before] = await tx.select().from(gateways).where(where).for("update");
    if (!before) throw new NotFoundError(`gateway "${slug}" not found`);
    if (patch.otel) patch.otel = withStoredSecrets(patch.otel, before.otel);
    const [gateway] = await tx
      .update(gateways)
      .set({ ...patch, updatedAt: new Date() })
      .where(where)
      .returning();
    assertCoherentSettings(gateway!);
    // The collectors' credentials are masked as the form shows them: the audit log never holds a secret.
    const changes = changedFields({ ...before, otel: maskedOtel(before.otel) }, { ...gateway!, otel: maskedOtel(gateway!.otel) }, Object.keys(patch) as (keyof Gateway & string)[]);
    await recordAudit({ ...ctx, db: tx }, { teamId, action: "gateway.update", targetType: "gateway", targetId: before.id, targetLabel: slug, details: { changes } });
    return gateway!;
  });
}
