import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { apiTokens, memberships } from "@/db/schema";
import { API_TOKEN_PREFIX, hashToken } from "@/lib/crypto/gateway-token";
import type { Actor } from "../context";
import { actingRole, creatorMembership } from "./acting-role";

export type ApiTokenActor = Extract<Actor, { type: "api_token" }>;

/** last_used_at is written at most this often per token, not on every call. */
const LAST_USED_GRANULARITY = "1 minute";

/**
 * The actor a bearer API token acts as, or why it cannot act: unknown, revoked, expired, or made by
 * a user no longer in the team. Its role is the lower of its own and its creator's current role.
 */
export async function authenticateApiToken(db: Database, token: string): Promise<{ actor: ApiTokenActor } | { refused: string }> {
  if (!token.startsWith(API_TOKEN_PREFIX)) return { refused: "that is not a Switchyard API token (they start with sya_)" };
  const [row] = await db
    .select({ token: apiTokens, creatorRole: memberships.role })
    .from(apiTokens)
    .leftJoin(memberships, creatorMembership)
    .where(eq(apiTokens.tokenHash, hashToken(token)))
    .limit(1);
  if (!row) return { refused: "the API token is not valid" };
  const found = row.token;
  if (found.revokedAt) return { refused: "the API token was revoked" };
  if (found.expiresAt && found.expiresAt.getTime() <= Date.now()) return { refused: "the API token has expired" };
  const role = actingRole(found, row.creatorRole);
  if (!role) return { refused: "the API token's creator is no longer a member of the team" };
  await db
    .update(apiTokens)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(apiTokens.id, found.id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, sql`now() - ${LAST_USED_GRANULARITY}::interval`))));
  return {
    actor: {
      type: "api_token",
      apiTokenId: found.id,
      teamId: found.teamId,
      role,
      scopes: found.scopes,
    },
  };
}
