import { and, eq } from "drizzle-orm";
import { gatewayTokens } from "@/db/schema";
import { actorId, type ServiceContext } from "../context";
import { NotFoundError } from "../errors";
import { requireRole } from "../roles";
import { ownTokensOnly } from "./list";
import { gatewaySlugsById, toTokenView, type GatewayTokenView } from "./view";

export async function getGatewayToken({ ctx, teamId, tokenId }: { ctx: ServiceContext; teamId: string; tokenId: string }): Promise<GatewayTokenView> {
  await requireRole(ctx, teamId, "viewer");
  const [row] = await ctx.db
    .select()
    .from(gatewayTokens)
    .where(and(eq(gatewayTokens.teamId, teamId), eq(gatewayTokens.id, tokenId), ownTokensOnly(actorId(ctx))));
  if (!row) throw new NotFoundError(`token ${tokenId} not found`);
  return toTokenView(row, await gatewaySlugsById(ctx.db, teamId));
}
