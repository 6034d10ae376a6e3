import { and, eq } from "drizzle-orm";
import { gateways, type Gateway } from "@/db/schema";
import { withStoredSecrets } from "@/lib/gateways/settings/otel";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { NotFoundError } from "../errors";
import { requireRole } from "../roles";
import { parseInput } from "../validation";
import { findGateway } from "./get";
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
    if (patch.otel) patch.otel = withStoredSecrets(patch.otel, (await findGateway(tx, teamId, slug)).otel);
    const [gateway] = await tx
      .update(gateways)
      .set({ ...patch, updatedAt: new Date() })
      .where(and(eq(gateways.teamId, teamId), eq(gateways.slug, slug)))
      .returning();
    if (!gateway) throw new NotFoundError(`gateway "${slug}" not found`);
    assertCoherentSettings(gateway);
    return gateway;
  });
}
