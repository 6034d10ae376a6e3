import { and, desc, eq, isNull, or } from "drizzle-orm";
import { gatewayTokens } from "@/db/schema";
import { actorId, type ServiceContext } from "../context";
import { requireRole } from "../roles";
import { gatewaySlugsById, toTokenView, type GatewayTokenView } from "./view";

/**
 * The team's tokens, newest first, revoked and expired ones included. Playground tokens are each
 * their user's own: only that user sees theirs.
 */
export async function listGatewayTokens({ ctx, teamId }: { ctx: ServiceContext; teamId: string }): Promise<GatewayTokenView[]> {
  await requireRole(ctx, teamId, "viewer");
  const [rows, slugById] = await Promise.all([
    ctx.db
      .select()
      .from(gatewayTokens)
      .where(and(eq(gatewayTokens.teamId, teamId), ownTokensOnly(actorId(ctx))))
      .orderBy(desc(gatewayTokens.createdAt)),
    gatewaySlugsById(ctx.db, teamId),
  ]);
  return rows.map((row) => toTokenView(row, slugById));
}

/** Leaves out other users' playground tokens. */
export function ownTokensOnly(userId: string | null) {
  const playgroundOf = gatewayTokens.playgroundUserId;
  return userId === null ? isNull(playgroundOf) : or(isNull(playgroundOf), eq(playgroundOf, userId));
}
