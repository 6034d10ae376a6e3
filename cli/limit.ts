import { InvalidArgumentError, Option, type Command } from "commander";
import type { Gateway } from "@/db/schema";
import type { RateLimitKey, RateLimitSetting, SpendLimitDimension, WindowTechnique } from "@/lib/limits/settings";
import { InvalidInputError } from "@/lib/services/errors";
import { parseDimension, parseMetadataDimensions } from "@/lib/services/limits/dimensions";
import { getGateway } from "@/lib/services/gateways/get";
import { updateGateway } from "@/lib/services/gateways/update";
import { removeGatewayRateLimit, setGatewayRateLimit } from "@/lib/services/limits/rate-limits";
import { gatewaySpendLimitSpend, type RuleSpend } from "@/lib/services/limits/spend";
import { removeSpendLimitRule, setSpendLimitRule } from "@/lib/services/limits/spend-limits";
import { getGatewayToken } from "@/lib/services/tokens/get";
import { removeTokenRateLimit, setTokenRateLimit } from "@/lib/services/tokens/rate-limits";
import { integer, print, table, teamContext, when } from "./shared";
import { usd } from "./budget";

interface Target {
  token?: string;
  gatewayWide?: boolean;
}

function describeRateLimit(rule: RateLimitSetting): string[] {
  return [rule.id, `${rule.limit} ${rule.counts}`, `${rule.window}s`, rule.technique, rule.key ?? "-"];
}

function gatewayWide(gateway: Gateway): string {
  return gateway.rateLimitingLimit > 0
    ? `${gateway.rateLimitingLimit} requests per ${gateway.rateLimitingInterval}s (${gateway.rateLimitingTechnique})`
    : "off";
}

function rulesTable(rules: RateLimitSetting[]): string[] {
  return table([["RULE", "LIMIT", "WINDOW", "TECHNIQUE", "PER"], ...rules.map(describeRateLimit)]);
}

function spendTable(spend: RuleSpend[]): string[] {
  const rows = spend.flatMap((rule) =>
    (rule.counters.length === 0 ? [undefined] : rule.counters).map((c) => [
      rule.description,
      c ? Object.entries(c.bucket).map(([k, v]) => `${k}=${v}`).join(" ") || "-" : "(nothing spent)",
      c ? `$${(c.used / 1e6).toFixed(6)}` : "$0",
      c ? `$${(c.reserved / 1e6).toFixed(6)}` : "$0",
      c ? `${c.percent.toFixed(1)}%` : "0%",
      c ? when(c.resetAt) : "-",
    ]),
  );
  return table([["SPEND LIMIT", "BUCKET", "SPENT", "RESERVED", "USED", "RESETS"], ...rows]);
}

/** `--gateway-wide` and `--token` pick another target than the gateway's own rules; not both, and a gateway unless `--token`. */
function target(command: Command, gatewaySlug: string | undefined, options: Target): "token" | "gateway-wide" | "gateway" {
  if (options.token && options.gatewayWide) command.error("error: --token and --gateway-wide name different limits; give one");
  if (options.token) {
    if (gatewaySlug) command.error("error: a token's limits apply on every gateway it may use; give --token without a gateway");
    return "token";
  }
  if (!gatewaySlug) command.error("error: name a gateway, or a token with --token <id>");
  return options.gatewayWide ? "gateway-wide" : "gateway";
}

/** The service's parsers, as commander argument parsers: a bad value is a usage error. */
function asArgument<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      if (error instanceof InvalidInputError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}

const modelDimension = asArgument((value) => parseDimension("model", value));
const providerDimension = asArgument((value) => parseDimension("provider", value));
const metadataLine = (value: string, previous: string[] = []) => [...previous, value];

export function registerLimitCommands(program: Command): void {
  const limit = program
    .command("limit")
    .description("rate limits of a gateway (its Cloudflare limit and its own rules) and of a token, and a gateway's spend limits");

  limit
    .command("set")
    .description("add or replace a rate-limit rule of a gateway (or of a token with --token), or set the gateway-wide limit (--gateway-wide)")
    .argument("<team>", "team slug")
    .argument("[gateway]", "gateway slug (not with --token)")
    .option("--token <id>", "a token's own limit (tok_…), counted for it alone on every gateway")
    .option("--gateway-wide", "Cloudflare's gateway-wide limit (rate_limiting_*): requests per window for the whole gateway")
    .option("--id <rule>", "the rule's id: 1–64 lowercase letters, digits, - and _ (not with --gateway-wide)")
    .requiredOption("--limit <n>", "requests (or tokens with --counts tokens) per window", integer)
    .requiredOption("--window <seconds>", "the window's length", integer)
    .addOption(new Option("--technique <technique>", "a fixed window aligned to the clock (the default), or sliding").choices(["fixed", "sliding"]))
    .addOption(new Option("--counts <what>", "what the rule counts (not with --gateway-wide)").choices(["requests", "tokens"]))
    .option("--per <key>", "one count per token, model, provider or metadata.<key> (e.g. metadata.user_id); default: one for all")
    .action(
      async (
        teamSlug: string,
        gatewaySlug: string | undefined,
        options: Target & { id?: string; limit: number; window: number; technique?: WindowTechnique; counts?: "requests" | "tokens"; per?: RateLimitKey },
        command: Command,
      ) => {
        const kind = target(command, gatewaySlug, options);
        if (kind === "gateway-wide") {
          if (options.id || options.counts || options.per) command.error("error: the gateway-wide limit counts requests for the whole gateway: no --id, --counts or --per");
          const { ctx, team } = await teamContext(teamSlug);
          const updated = await updateGateway({
            ctx,
            teamId: team.id,
            slug: gatewaySlug!,
            settings: { rateLimitingLimit: options.limit, rateLimitingInterval: options.window, rateLimitingTechnique: options.technique },
          });
          print(command, updated, () => [`gateway ${updated.slug}: ${gatewayWide(updated)}`]);
          return;
        }
        if (!options.id) command.error("error: a rule needs --id <rule>");
        const rule = { id: options.id!, limit: options.limit, window: options.window, technique: options.technique, counts: options.counts, key: options.per };
        const { ctx, team } = await teamContext(teamSlug);
        if (kind === "token") {
          const token = await setTokenRateLimit({ ctx, teamId: team.id, tokenId: options.token!, rule });
          print(command, token.rateLimits, () => [`token ${token.id} "${token.name}":`, ...rulesTable(token.rateLimits)]);
          return;
        }
        const gateway = await setGatewayRateLimit({ ctx, teamId: team.id, gatewaySlug: gatewaySlug!, rule });
        print(command, gateway.rateLimits, () => [`gateway ${gateway.slug}:`, ...rulesTable(gateway.rateLimits)]);
      },
    );

  limit
    .command("list")
    .description("a gateway's rate limits and spend limits with their spend now, or a token's rate limits (--token)")
    .argument("<team>", "team slug")
    .argument("[gateway]", "gateway slug (not with --token)")
    .option("--token <id>", "a token's own limits")
    .action(async (teamSlug: string, gatewaySlug: string | undefined, options: Target, command: Command) => {
      const kind = target(command, gatewaySlug, options);
      const { ctx, team } = await teamContext(teamSlug);
      if (kind === "token") {
        const token = await getGatewayToken({ ctx, teamId: team.id, tokenId: options.token! });
        print(command, { rateLimits: token.rateLimits }, () =>
          token.rateLimits.length === 0 ? [`token ${token.id} has no rate limits of its own`] : rulesTable(token.rateLimits),
        );
        return;
      }
      const [gateway, spend] = await Promise.all([
        getGateway({ ctx, teamId: team.id, slug: gatewaySlug! }),
        gatewaySpendLimitSpend({ ctx, teamId: team.id, gatewaySlug: gatewaySlug! }),
      ]);
      const data = {
        gatewayWide: { limit: gateway.rateLimitingLimit, interval: gateway.rateLimitingInterval, technique: gateway.rateLimitingTechnique },
        rateLimits: gateway.rateLimits,
        spendLimits: gateway.spendLimits,
        spend,
      };
      print(command, data, () => [
        `gateway-wide: ${gatewayWide(gateway)}`,
        ...(gateway.rateLimits.length === 0 ? ["rules: none"] : ["", ...rulesTable(gateway.rateLimits)]),
        ...(gateway.spendLimits?.rules.length
          ? ["", `spend limits: ${gateway.spendLimits.enabled ? "on" : "off"}`, ...spendTable(spend)]
          : ["spend limits: none"]),
      ]);
    });

  limit
    .command("remove")
    .description("remove a rate-limit rule of a gateway (or of a token), or turn the gateway-wide limit off")
    .argument("<team>", "team slug")
    .argument("[gateway]", "gateway slug (not with --token)")
    .option("--token <id>", "a token's own limit")
    .option("--gateway-wide", "turn Cloudflare's gateway-wide limit off")
    .option("--id <rule>", "the rule's id")
    .action(async (teamSlug: string, gatewaySlug: string | undefined, options: Target & { id?: string }, command: Command) => {
      const kind = target(command, gatewaySlug, options);
      if (kind !== "gateway-wide" && !options.id) command.error("error: name the rule with --id <rule>");
      const { ctx, team } = await teamContext(teamSlug);
      if (kind === "gateway-wide") {
        const updated = await updateGateway({ ctx, teamId: team.id, slug: gatewaySlug!, settings: { rateLimitingLimit: 0, rateLimitingInterval: 0 } });
        print(command, updated, () => [`gateway ${updated.slug}: gateway-wide limit off`]);
      } else if (kind === "token") {
        const token = await removeTokenRateLimit({ ctx, teamId: team.id, tokenId: options.token!, ruleId: options.id! });
        print(command, token.rateLimits, () => [`removed rule ${options.id} of token ${token.id}`]);
      } else {
        const gateway = await removeGatewayRateLimit({ ctx, teamId: team.id, gatewaySlug: gatewaySlug!, ruleId: options.id! });
        print(command, gateway.rateLimits, () => [`removed rule ${options.id} of gateway ${gateway.slug}`]);
      }
    });

  limit
    .command("spend")
    .description("add or replace one of a gateway's spend-limit rules (Cloudflare's spend_limits); the first turns spend limits on")
    .argument("<team>", "team slug")
    .argument("<gateway>", "gateway slug")
    .requiredOption("--id <rule>", "the rule's id")
    .requiredOption("--usd <amount>", "the limit in USD per window", usd)
    .requiredOption("--window <seconds>", "the window's length", integer)
    .addOption(new Option("--technique <technique>", "sliding (the default, as Cloudflare's), or a window aligned to the clock").choices(["fixed", "sliding"]))
    .option("--model <dimension>", '"partition" (a bucket per model) or models to count alone, comma-separated (openai/gpt-4o-mini)', modelDimension)
    .option("--provider <dimension>", '"partition" (a bucket per provider) or providers to count alone, comma-separated', providerDimension)
    .option("--metadata <key=dimension>", "key=partition (a bucket per value) or key=v1,v2 (only these values count); repeatable", metadataLine)
    .option("--disabled", "keep the rule but do not enforce it")
    .action(
      async (
        teamSlug: string,
        gatewaySlug: string,
        options: { id: string; usd: number; window: number; technique?: WindowTechnique; disabled?: boolean; metadata?: string[] } & Record<
          "model" | "provider",
          SpendLimitDimension | undefined
        >,
        command: Command,
      ) => {
        const { ctx, team } = await teamContext(teamSlug);
        const gateway = await setSpendLimitRule({
          ctx,
          teamId: team.id,
          gatewaySlug,
          rule: {
            id: options.id,
            enabled: !options.disabled,
            limit: options.usd,
            window: options.window,
            technique: options.technique,
            metadata: options.metadata ? parseMetadataDimensions(options.metadata) : undefined,
            model: options.model,
            provider: options.provider,
          },
        });
        print(command, gateway.spendLimits, () => [`gateway ${gateway.slug}: spend-limit rule ${options.id} set`]);
      },
    );

  limit
    .command("spend-remove")
    .description("remove one of a gateway's spend-limit rules")
    .argument("<team>", "team slug")
    .argument("<gateway>", "gateway slug")
    .requiredOption("--id <rule>", "the rule's id")
    .action(async (teamSlug: string, gatewaySlug: string, options: { id: string }, command: Command) => {
      const { ctx, team } = await teamContext(teamSlug);
      const gateway = await removeSpendLimitRule({ ctx, teamId: team.id, gatewaySlug, ruleId: options.id });
      print(command, gateway.spendLimits, () => [`removed spend-limit rule ${options.id} of gateway ${gateway.slug}`]);
    });
}
