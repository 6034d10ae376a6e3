import { asc, eq, sql } from "drizzle-orm";
import { gateways, providerKeys } from "@/db/schema";
import type { ServiceContext } from "../context";
import { requireRole } from "../roles";
import { groupIntoPools, toKeyView, type ProviderKeyPool, type ProviderKeyView } from "./view";

export async function listProviderKeys({ ctx, teamId }: { ctx: ServiceContext; teamId: string }): Promise<ProviderKeyView[]> {
  await requireRole(ctx, teamId, "viewer");
  const rows = await ctx.db
    .select({ key: providerKeys, gatewaySlug: gateways.slug })
    .from(providerKeys)
    .leftJoin(gateways, eq(gateways.id, providerKeys.gatewayId))
    .where(eq(providerKeys.teamId, teamId))
    // Pool by pool (team-wide first), each pool's keys oldest first: what groupIntoPools expects.
    .orderBy(asc(providerKeys.provider), asc(providerKeys.alias), sql`${gateways.slug} asc nulls first`, asc(providerKeys.createdAt), asc(providerKeys.id));
  return rows.map((row) => toKeyView(row.key, row.gatewaySlug));
}

/** The team's stored keys grouped into pools (scope, provider, alias). */
export async function listProviderKeyPools({ ctx, teamId }: { ctx: ServiceContext; teamId: string }): Promise<ProviderKeyPool[]> {
  return groupIntoPools(await listProviderKeys({ ctx, teamId }));
}
