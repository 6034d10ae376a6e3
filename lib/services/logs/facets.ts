import { and, asc, eq, ne } from "drizzle-orm";
import { usageRollups } from "@/db/schema";
import type { ServiceContext } from "../context";
import { findGateway } from "../gateways/get";
import { requireRole } from "../roles";

/**
 * The providers and models a gateway has logged, for the log filters. Read from the hourly rollups,
 * which are far smaller than the logs; rows without a provider or model roll up under "".
 */
export async function listLogFacets({
  ctx,
  teamId,
  gatewaySlug,
}: {
  ctx: ServiceContext;
  teamId: string;
  gatewaySlug: string;
}): Promise<{ providers: string[]; models: string[] }> {
  await requireRole(ctx, teamId, "viewer");
  const gateway = await findGateway(ctx.db, teamId, gatewaySlug);
  const scope = and(eq(usageRollups.teamId, teamId), eq(usageRollups.gatewayId, gateway.id));
  const [providers, models] = await Promise.all([
    ctx.db
      .selectDistinct({ value: usageRollups.provider })
      .from(usageRollups)
      .where(and(scope, ne(usageRollups.provider, "")))
      .orderBy(asc(usageRollups.provider)),
    ctx.db
      .selectDistinct({ value: usageRollups.model })
      .from(usageRollups)
      .where(and(scope, ne(usageRollups.model, "")))
      .orderBy(asc(usageRollups.model))
      .limit(500),
  ]);
  return { providers: providers.map((row) => row.value), models: models.map((row) => row.value) };
}
