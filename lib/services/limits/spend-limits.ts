import type { Gateway } from "@/db/schema";
import { MAX_SPEND_LIMIT_RULES, type SpendLimits } from "@/lib/limits/settings";
import type { ServiceContext } from "../context";
import { parseInput } from "../validation";
import { editGateway, parseRuleId, withoutRule, withRule } from "./rate-limits";
import { spendLimitRuleSchema, type SpendLimitRuleInput } from "./schemas";

const NONE: SpendLimits = { enabled: true, rules: [] };

/** Changes the gateway's spend-limit rules, keeping whether they are enforced (on, for a gateway with none yet). */
function editSpendRules(ctx: ServiceContext, teamId: string, gatewaySlug: string, edit: (rules: SpendLimits["rules"]) => SpendLimits["rules"]): Promise<Gateway> {
  return editGateway(ctx, teamId, gatewaySlug, (gateway) => {
    const current = gateway.spendLimits ?? NONE;
    return { spendLimits: { ...current, rules: edit(current.rules) } };
  });
}

/** Adds a spend-limit rule, or replaces the one with its id; the first rule turns spend limits on. */
export async function setSpendLimitRule({
  ctx,
  teamId,
  gatewaySlug,
  rule,
}: {
  ctx: ServiceContext;
  teamId: string;
  gatewaySlug: string;
  rule: SpendLimitRuleInput;
}): Promise<Gateway> {
  const parsed = parseInput(spendLimitRuleSchema, rule);
  return editSpendRules(ctx, teamId, gatewaySlug, (rules) => withRule(rules, parsed, MAX_SPEND_LIMIT_RULES, `gateway "${gatewaySlug}"`));
}

export async function removeSpendLimitRule({
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
  return editSpendRules(ctx, teamId, gatewaySlug, (rules) => withoutRule(rules, id, `gateway "${gatewaySlug}"'s spend limits`));
}

/** Turns the gateway's spend limits on or off, keeping its rules. */
export async function enableSpendLimits({
  ctx,
  teamId,
  gatewaySlug,
  enabled,
}: {
  ctx: ServiceContext;
  teamId: string;
  gatewaySlug: string;
  enabled: boolean;
}): Promise<Gateway> {
  return editGateway(ctx, teamId, gatewaySlug, (gateway) => ({ spendLimits: { ...(gateway.spendLimits ?? NONE), enabled } }));
}
