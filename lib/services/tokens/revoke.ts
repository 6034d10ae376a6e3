import { and, eq, sql } from "drizzle-orm";
import { gatewayTokens } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { NotFoundError } from "../errors";
import { requireRole } from "../roles";
import { gatewaySlugsById, toTokenView, type GatewayTokenView } from "./view";

/** Revokes a token; revoking it again keeps the first revocation time. */
export async function revokeGatewayToken({
  ctx,
  teamId,
  tokenId,
}: {
  ctx: ServiceContext;
  teamId: string;
  tokenId: string;
}): Promise<GatewayTokenView> {
  await requireRole(ctx, teamId, "admin");
  const row = await changeDirectory(ctx.db, teamId, async (tx) => {
    const [revoked] = await tx
      .update(gatewayTokens)
      .set({ revokedAt: sql`coalesce(${gatewayTokens.revokedAt}, now())` })
      .where(and(eq(gatewayTokens.teamId, teamId), eq(gatewayTokens.id, tokenId)))
      .returning();
    if (!revoked) throw new NotFoundError(`token ${tokenId} not found`);
    await recordAudit({ ...ctx, db: tx }, { teamId, action: "token.revoke", targetType: "token", targetId: tokenId, targetLabel: revoked.name });
    return revoked;
  });
  return toTokenView(row, await gatewaySlugsById(ctx.db, teamId));
}
