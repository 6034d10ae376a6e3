import { and, eq, isNotNull } from "drizzle-orm";
import { gatewayTokens, users } from "@/db/schema";
import type { ServiceContext } from "../context";
import { requireRole } from "../roles";

export interface TokenCreator {
  name: string | null;
  email: string;
}

/**
 * Who created each of the team's tokens, by token id, for the token list. Tokens made by the CLI
 * (the operator) or by a since-deleted user have no entry.
 */
export async function listTokenCreators({ ctx, teamId }: { ctx: ServiceContext; teamId: string }): Promise<Map<string, TokenCreator>> {
  await requireRole(ctx, teamId, "viewer");
  const rows = await ctx.db
    .select({ tokenId: gatewayTokens.id, name: users.name, email: users.email })
    .from(gatewayTokens)
    .innerJoin(users, eq(users.id, gatewayTokens.createdBy))
    .where(and(eq(gatewayTokens.teamId, teamId), isNotNull(gatewayTokens.createdBy)));
  return new Map(rows.map(({ tokenId, ...creator }) => [tokenId, creator]));
}
