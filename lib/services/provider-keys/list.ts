import { asc, eq } from "drizzle-orm";
import { gateways, providerKeys } from "@/db/schema";
import type { ServiceContext } from "../context";
import { requireRole } from "../roles";
import { toKeyView, type ProviderKeyView } from "./view";

export async function listProviderKeys({ ctx, teamId }: { ctx: ServiceContext; teamId: string }): Promise<ProviderKeyView[]> {
  await requireRole(ctx, teamId, "viewer");
  const rows = await ctx.db
    .select({ key: providerKeys, gatewaySlug: gateways.slug })
    .from(providerKeys)
    .leftJoin(gateways, eq(gateways.id, providerKeys.gatewayId))
    .where(eq(providerKeys.teamId, teamId))
    .orderBy(asc(providerKeys.provider), asc(providerKeys.alias), asc(gateways.slug));
  return rows.map((row) => toKeyView(row.key, row.gatewaySlug));
}
