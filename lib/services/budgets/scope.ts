import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { gatewayTokens } from "@/db/schema";
import { InvalidInputError, NotFoundError } from "../errors";
import { findGateway } from "../gateways/get";
import { gatewaySlugsById } from "../tokens/view";

/** What a budget is on: the team (neither given), one of its gateways, or one of its tokens. */
export interface ScopeInput {
  gatewaySlug?: string;
  tokenId?: string;
}

export async function resolveScope(db: Database, teamId: string, scope: ScopeInput): Promise<{ gatewayId: string | null; tokenId: string | null }> {
  if (scope.gatewaySlug && scope.tokenId) throw new InvalidInputError("a budget is on the team, one gateway or one token: name a gateway or a token, not both");
  if (scope.gatewaySlug) return { gatewayId: (await findGateway(db, teamId, scope.gatewaySlug)).id, tokenId: null };
  if (scope.tokenId) {
    const [token] = await db
      .select({ id: gatewayTokens.id })
      .from(gatewayTokens)
      .where(and(eq(gatewayTokens.teamId, teamId), eq(gatewayTokens.id, scope.tokenId)));
    if (!token) throw new NotFoundError(`token ${scope.tokenId} not found`);
    return { gatewayId: null, tokenId: token.id };
  }
  return { gatewayId: null, tokenId: null };
}

/** The team's gateway slugs and token names by id, for budget views. */
export async function scopeNames(db: Database, teamId: string): Promise<{ gateways: Map<string, string>; tokens: Map<string, string> }> {
  const [gateways, tokens] = await Promise.all([
    gatewaySlugsById(db, teamId),
    db.select({ id: gatewayTokens.id, name: gatewayTokens.name }).from(gatewayTokens).where(eq(gatewayTokens.teamId, teamId)),
  ]);
  return { gateways, tokens: new Map(tokens.map((t) => [t.id, t.name])) };
}
