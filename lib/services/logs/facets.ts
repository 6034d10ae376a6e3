import { and, asc, eq, ne } from "drizzle-orm";
import { gatewayTokens, usageRollupsDay } from "@/db/schema";
import type { ServiceContext } from "../context";
import { resolveLogScope } from "./list";

/**
 * The providers and models a gateway (or the team) has logged, and the team's token names, for the
 * log filters. Read from the daily rollups, which are far smaller than the logs; rows without a
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
  const scope = and(eq(usageRollupsDay.teamId, teamId), gatewayId ? eq(usageRollupsDay.gatewayId, gatewayId) : undefined);
  const [providers, models, tokens] = await Promise.all([
    ctx.db
      .selectDistinct({ value: usageRollupsDay.provider })
      .from(usageRollupsDay)
      .where(and(scope, ne(usageRollupsDay.provider, "")))
      .orderBy(asc(usageRollupsDay.provider)),
    ctx.db
      .selectDistinct({ value: usageRollupsDay.model })
      .from(usageRollupsDay)
      .where(and(scope, ne(usageRollupsDay.model, "")))
      .orderBy(asc(usageRollupsDay.model))
      .limit(500),
    ctx.db.selectDistinct({ value: gatewayTokens.name }).from(gatewayTokens).where(eq(gatewayTokens.teamId, teamId)).orderBy(asc(gatewayTokens.name)).limit(500),
  ]);
  return { providers: providers.map((row) => row.value), models: models.map((row) => row.value), tokens: tokens.map((row) => row.value) };
}
