import { and, asc, eq, ne } from "drizzle-orm";
import { gatewayTokens, usageRollups } from "@/db/schema";
import type { ServiceContext } from "../context";
import { resolveLogScope } from "./list";

/**
 * The providers and models a gateway (or the team) has logged, and the team's token names, for the
 * log filters. Read from the hourly rollups, which are far smaller than the logs; rows without a
 * provider or model roll up under "".
 */
export async function listLogFacets({
  ctx,
  teamId,
  gatewaySlug,
}: {
  ctx: ServiceContext;
  teamId: string;
  gatewaySlug?: string;
}): Promise<{ providers: string[]; models: string[]; tokens: string[] }> {
  const { gatewayId } = await resolveLogScope(ctx, teamId, gatewaySlug);
  const scope = and(eq(usageRollups.teamId, teamId), gatewayId ? eq(usageRollups.gatewayId, gatewayId) : undefined);
  const [providers, models, tokens] = await Promise.all([
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
    ctx.db.selectDistinct({ value: gatewayTokens.name }).from(gatewayTokens).where(eq(gatewayTokens.teamId, teamId)).orderBy(asc(gatewayTokens.name)).limit(500),
  ]);
  return { providers: providers.map((row) => row.value), models: models.map((row) => row.value), tokens: tokens.map((row) => row.value) };
}
