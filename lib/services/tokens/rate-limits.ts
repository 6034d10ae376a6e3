import { and, eq } from "drizzle-orm";
import { gatewayTokens, type GatewayToken } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { NotFoundError } from "../errors";
import { parseRateLimit, parseRuleId, withoutRule, withRule } from "../limits/rate-limits";
import { MAX_RATE_LIMIT_RULES, type RateLimitSettingInput } from "../limits/schemas";
import { requireRole } from "../roles";
import { gatewaySlugsById, toTokenView, type GatewayTokenView } from "./view";

/** Reads the token locked and writes its new rules in one directory change, as editGateway does for a gateway's. */
async function editTokenLimits(
  ctx: ServiceContext,
  teamId: string,
  tokenId: string,
  edit: (token: GatewayToken) => GatewayToken["rateLimits"],
): Promise<GatewayTokenView> {
  await requireRole(ctx, teamId, "admin");
  const row = await changeDirectory(ctx.db, teamId, async (tx) => {
    const where = and(eq(gatewayTokens.teamId, teamId), eq(gatewayTokens.id, tokenId));
    const [current] = await tx.select().from(gatewayTokens).where(where).for("update");
    if (!current) throw new NotFoundError(`token ${tokenId} not found`);
    const [updated] = await tx.update(gatewayTokens).set({ rateLimits: edit(current) }).where(where).returning();
    await recordAudit({ ...ctx, db: tx }, {
      teamId,
      action: "token.rate_limits_update",
      targetType: "token",
      targetId: tokenId,
      targetLabel: current.name,
      details: { rateLimits: { from: current.rateLimits, to: updated!.rateLimits } },
    });
    return updated!;
  });
  return toTokenView(row, await gatewaySlugsById(ctx.db, teamId));
}

/** Adds a rate limit of the token's own, or replaces the one with its id. */
export async function setTokenRateLimit({
  ctx,
  teamId,
  tokenId,
  rule,
}: {
  ctx: ServiceContext;
  teamId: string;
  tokenId: string;
  rule: RateLimitSettingInput;
}): Promise<GatewayTokenView> {
  const parsed = parseRateLimit(rule);
  return editTokenLimits(ctx, teamId, tokenId, (token) => withRule(token.rateLimits, parsed, MAX_RATE_LIMIT_RULES, `token ${tokenId}`));
}

export async function removeTokenRateLimit({
  ctx,
  teamId,
  tokenId,
  ruleId,
}: {
  ctx: ServiceContext;
  teamId: string;
  tokenId: string;
  ruleId: string;
}): Promise<GatewayTokenView> {
  const id = parseRuleId(ruleId);
  return editTokenLimits(ctx, teamId, tokenId, (token) => withoutRule(token.rateLimits, id, `token ${tokenId}`));
}
