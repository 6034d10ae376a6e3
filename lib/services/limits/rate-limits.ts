import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { gateways, type Gateway } from "@/db/schema";
import { changedFields, recordAudit } from "@/lib/audit/record";
import type { RateLimitSetting } from "@/lib/limits/settings";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { InvalidInputError, NotFoundError } from "../errors";
import { requireRole } from "../roles";
import { parseInput } from "../validation";
import { MAX_RATE_LIMIT_RULES, rateLimitSettingSchema, ruleIdSchema, type RateLimitSettingInput } from "./schemas";

/** The rules with `rule` in place of the one with its id, or added last; at most MAX_RATE_LIMIT_RULES. */
export function withRule<T extends { id: string }>(rules: readonly T[], rule: T, max: number, what: string): T[] {
  const at = rules.findIndex((r) => r.id === rule.id);
  if (at >= 0) return rules.map((r, i) => (i === at ? rule : r));
  if (rules.length >= max) throw new InvalidInputError(`${what} has ${max} rules already, the most it may have; remove one first`);
  return [...rules, rule];
}

/** The rules without the one named, which must be there. */
export function withoutRule<T extends { id: string }>(rules: readonly T[], id: string, what: string): T[] {
  if (!rules.some((r) => r.id === id)) throw new NotFoundError(`${what} has no rule "${id}"`);
  return rules.filter((r) => r.id !== id);
}

export function parseRuleId(ruleId: string): string {
  return parseInput(z.object({ ruleId: ruleIdSchema }), { ruleId }).ruleId;
}

export function parseRateLimit(rule: RateLimitSettingInput): RateLimitSetting {
  return parseInput(rateLimitSettingSchema, rule);
}

/**
 * Reads the gateway locked, changes it and writes it back in one directory change, so two
 * concurrent edits of its rule lists never lose one another.
 */
export async function editGateway(
  ctx: ServiceContext,
  teamId: string,
  slug: string,
  edit: (gateway: Gateway) => Partial<Pick<Gateway, "rateLimits" | "spendLimits">>,
): Promise<Gateway> {
  await requireRole(ctx, teamId, "admin");
  return changeDirectory(ctx.db, teamId, async (tx) => {
    const where = and(eq(gateways.teamId, teamId), eq(gateways.slug, slug));
    const [current] = await tx.select().from(gateways).where(where).for("update");
    if (!current) throw new NotFoundError(`gateway "${slug}" not found`);
    const [updated] = await tx
      .update(gateways)
      .set({ ...edit(current), updatedAt: new Date() })
      .where(where)
      .returning();
    await recordAudit({ ...ctx, db: tx }, {
      teamId,
      action: "gateway.limits_update",
      targetType: "gateway",
      targetId: current.id,
      targetLabel: slug,
      details: { changes: changedFields(current, updated!, ["rateLimits", "spendLimits"]) },
    });
    return updated!;
  });
}

/** Adds a rate-limit rule to the gateway, or replaces the one with its id. */
export async function setGatewayRateLimit({
  ctx,
  teamId,
  gatewaySlug,
  rule,
}: {
  ctx: ServiceContext;
  teamId: string;
  gatewaySlug: string;
  rule: RateLimitSettingInput;
}): Promise<Gateway> {
  const parsed = parseRateLimit(rule);
  return editGateway(ctx, teamId, gatewaySlug, (gateway) => ({
    rateLimits: withRule(gateway.rateLimits, parsed, MAX_RATE_LIMIT_RULES, `gateway "${gatewaySlug}"`),
  }));
}

export async function removeGatewayRateLimit({
  ctx,
  teamId,
  gatewaySlug,
  ruleId,
}: {
  ctx: ServiceContext;
  teamId: string;
  gatewaySlug: string;
  ruleId: string;
}): Promise<Gateway> {
  const id = parseRuleId(ruleId);
  return editGateway(ctx, teamId, gatewaySlug, (gateway) => ({
    rateLimits: withoutRule(gateway.rateLimits, id, `gateway "${gatewaySlug}"`),
  }));
}
