import { desc, eq } from "drizzle-orm";
import { gatewayTokens } from "@/db/schema";
import type { ServiceContext } from "../context";
import { requireRole } from "../roles";
import { gatewaySlugsById, toTokenView, type GatewayTokenView } from "./view";

/** The team's tokens, newest first, revoked and expired ones included. */
export async function listGatewayTokens({ ctx, teamId }: { ctx: ServiceContext; teamId: string }): Promise<GatewayTokenView[]> {
  await requireRole(ctx, teamId, "viewer");
  const [rows, slugById] = await Promise.all([
    ctx.db.select().from(gatewayTokens).where(eq(gatewayTokens.teamId, teamId)).orderBy(desc(gatewayTokens.createdAt)),
    gatewaySlugsById(ctx.db, teamId),
  ]);
  return rows.map((row) => toTokenView(row, slugById));
}
