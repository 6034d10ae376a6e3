import { gateways, type Gateway } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { newId } from "@/lib/ids";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { ConflictError } from "../errors";
import { requireRole } from "../roles";
import { parseInput } from "../validation";
import { gatewayPatchSchema, type GatewayPatch } from "./content-controls";
import { assertCoherentSettings, gatewaySlugSchema } from "./settings";

const input = gatewayPatchSchema.extend({ slug: gatewaySlugSchema });

/** Creates a gateway; settings not given take the schema's defaults, which are Cloudflare's. */
export async function createGateway({
  ctx,
  teamId,
  slug: rawSlug,
  settings: rawSettings = {},
}: {
  ctx: ServiceContext;
  teamId: string;
  slug: string;
  settings?: GatewayPatch;
}): Promise<Gateway> {
  const { slug, ...settings } = parseInput(input, { ...rawSettings, slug: rawSlug });
  const team = await requireRole(ctx, teamId, "admin");
  return changeDirectory(ctx.db, team.id, async (tx) => {
    const [gateway] = await tx
      .insert(gateways)
      .values({ ...settings, id: newId("gw"), teamId: team.id, slug })
      .onConflictDoNothing()
      .returning();
    if (!gateway) throw new ConflictError(`gateway "${slug}" already exists in team "${team.slug}"`);
    assertCoherentSettings(gateway);
    await recordAudit({ ...ctx, db: tx }, { teamId: team.id, action: "gateway.create", targetType: "gateway", targetId: gateway.id, targetLabel: slug, details: { settings } });
    return gateway;
  });
}
