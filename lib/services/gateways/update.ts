import { and, eq } from "drizzle-orm";
import { gateways, type Gateway } from "@/db/schema";
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
