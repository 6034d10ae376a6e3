import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { gateways, type GatewayToken } from "@/db/schema";
import type { RateLimitSetting } from "@/lib/limits/settings";

/** What may be shown of a gateway token after creation: never its hash. */
export interface GatewayTokenView {
  id: string;
  name: string;
  start: string;
  last4: string;
  /** Null when the token may use every gateway of its team. */
  gatewaySlugs: string[] | null;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** The token's own rate limits, counted for it alone. */
  rateLimits: RateLimitSetting[];
  /** The playground's token of the user viewing the list (no one else sees it there). */
  playground: boolean;
}

export function toTokenView(token: GatewayToken, slugById: ReadonlyMap<string, string>): GatewayTokenView {
  return {
    id: token.id,
    name: token.name,
    start: token.start,
    last4: token.last4,
    // A deleted gateway's id stays on the token but no longer grants anything, so it is not shown.
    gatewaySlugs: token.gatewayIds?.flatMap((id) => slugById.get(id) ?? []) ?? null,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt,
    lastUsedAt: token.lastUsedAt,
    revokedAt: token.revokedAt,
    rateLimits: token.rateLimits,
    playground: token.playgroundUserId !== null,
  };
}

export async function gatewaySlugsById(db: Database, teamId: string): Promise<Map<string, string>> {
  const rows = await db.select({ id: gateways.id, slug: gateways.slug }).from(gateways).where(eq(gateways.teamId, teamId));
  return new Map(rows.map((row) => [row.id, row.slug]));
}
