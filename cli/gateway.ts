import { readFileSync } from "node:fs";
import { InvalidArgumentError, Option, type Command } from "commander";
import {
  logManagementStrategyEnum,
  rateLimitingTechniqueEnum,
  retryBackoffEnum,
  type Gateway,
} from "@/db/schema";
import { createGateway } from "@/lib/services/gateways/create";
import { getGateway } from "@/lib/services/gateways/get";
import { listGateways } from "@/lib/services/gateways/list";
import type { GatewayPatch } from "@/lib/services/gateways/content-controls";
import { metadataKeyList, type GatewaySettings } from "@/lib/services/gateways/settings";
import { updateGateway } from "@/lib/services/gateways/update";
import { integer, onOff, print, table, teamContext, when } from "./shared";

type SettingFlag = { setting: keyof GatewaySettings; flag: string; help: string } & (
  | { kind: "switch"; offHelp: string }
  /** `offHelp` given: `--no-{flag}` clears the setting. */
  | { kind: "value"; value: string; choices?: readonly string[]; offHelp?: string }
  /** A comma-separated list; `--no-{flag}` empties it. */
  | { kind: "list"; value: string; offHelp: string }
);

const SETTING_FLAGS: SettingFlag[] = [
  {
    setting: "authentication",
    flag: "authentication",
    kind: "switch",
    help: "require a gateway token (cf-aig-authorization)",
    offHelp: "accept requests without a gateway token",
  },
  { setting: "collectLogs", flag: "collect-logs", kind: "switch", help: "log requests", offHelp: "do not log requests" },
  {
    setting: "collectLogPayloads",
    flag: "collect-log-payloads",
    kind: "switch",
    help: "keep request and response bodies in logs",
    offHelp: "log metadata only",
  },
  {
    setting: "logManagement",
    flag: "log-limit",
    kind: "value",
    value: "count",
    help: "keep at most this many logs (10000–10000000)",
    offHelp: "no cap on stored logs",
  },
  {
    setting: "logManagementStrategy",
    flag: "log-strategy",
    kind: "value",
    value: "strategy",
    choices: logManagementStrategyEnum.enumValues,
    help: "what to do at the log limit",
    offHelp: "clear the strategy",
  },
  { setting: "cacheTtl", flag: "cache-ttl", kind: "value", value: "seconds", help: "cache responses this long (0 = off)" },
  {
    setting: "cacheKeyMetadata",
    flag: "cache-key-metadata",
    kind: "list",
    value: "keys",
    help: "cf-aig-metadata keys whose values join the cache key, comma-separated (at most 5), e.g. user,tenant",
    offHelp: "no metadata in the cache key",
  },
  {
    setting: "cacheInvalidateOnUpdate",
    flag: "cache-invalidate-on-update",
    kind: "switch",
    help: "purge the cache when settings change",
    offHelp: "keep the cache when settings change",
  },
  { setting: "rateLimitingLimit", flag: "rate-limit", kind: "value", value: "requests", help: "requests allowed per interval (0 = off)" },
  { setting: "rateLimitingInterval", flag: "rate-limit-interval", kind: "value", value: "seconds", help: "rate-limit interval (0 = off)" },
  {
    setting: "rateLimitingTechnique",
    flag: "rate-limit-technique",
    kind: "value",
    value: "technique",
    choices: rateLimitingTechniqueEnum.enumValues,
    help: "rate-limit window",
  },
  { setting: "retryMaxAttempts", flag: "retry-max-attempts", kind: "value", value: "n", help: "attempts per upstream request (1–5)" },
  { setting: "retryDelay", flag: "retry-delay", kind: "value", value: "ms", help: "delay before a retry (0–5000)" },
  {
    setting: "retryBackoff",
    flag: "retry-backoff",
    kind: "value",
    value: "backoff",
    choices: retryBackoffEnum.enumValues,
    help: "how the retry delay grows",
  },
  {
    setting: "requestTimeoutMs",
    flag: "request-timeout",
    kind: "value",
    value: "ms",
    help: "milliseconds to the provider's first byte before giving up (default for cf-aig-request-timeout)",
    offHelp: "wait as long as the provider takes",
  },
  {
    setting: "byokOnly",
    flag: "byok-only",
    kind: "switch",
    help: "never use stored provider keys (require keys on requests)",
    offHelp: "allow stored provider keys",
  },
];

/**
 * `none` turns the setting off; anything else names a JSON file holding it, validated by the
 * service. Wrapped, as commander takes an option parser's null for "no value".
 */
function jsonFileOrNone(path: string): { value: unknown } {
  if (path === "none") return { value: null };
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new InvalidArgumentError((error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "not readable");
  }
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    throw new InvalidArgumentError(`not JSON: ${(error as Error).message}`);
  }
}

/** Settings too rich for flags: Cloudflare's `guardrails` and `dlp` objects, from files. */
const JSON_SETTINGS = [
  { setting: "guardrails", help: "guardrail rules and evaluator as JSON, e.g. {\"prompt\":{\"S1\":\"BLOCK\"},\"evaluator\":{\"kind\":\"openai-moderation\"}}; none turns guardrails off" },
  { setting: "dlp", help: "DLP settings as JSON, in either of Cloudflare's shapes or with custom profiles; none removes them" },
] as const;

function withSettingFlags(command: Command): Command {
  for (const { setting, help } of JSON_SETTINGS) command.addOption(new Option(`--${setting} <file.json|none>`, help).argParser(jsonFileOrNone));
  for (const spec of SETTING_FLAGS) {
    if (spec.kind === "switch") {
      command.option(`--${spec.flag}`, spec.help).option(`--no-${spec.flag}`, spec.offHelp);
      continue;
    }
    const option = new Option(`--${spec.flag} <${spec.value}>`, spec.help);
    if (spec.kind === "list") command.addOption(option.argParser(metadataKeyList));
    else command.addOption(spec.choices ? option.choices(spec.choices) : option.argParser(integer));
    if (spec.offHelp) command.option(`--no-${spec.flag}`, spec.offHelp);
  }
  return command;
}

/** Only the flags given: the rest keep their default (create) or current value (update). */
function settingsFrom(options: Record<string, unknown>): GatewayPatch {
  const settings: Record<string, unknown> = {};
  for (const { setting } of JSON_SETTINGS) {
    const option = options[setting] as { value: unknown } | undefined;
    if (option) settings[setting] = option.value;
  }
  for (const spec of SETTING_FLAGS) {
    const value = options[new Option(`--${spec.flag}`).attributeName()];
    if (value === undefined) continue;
    settings[spec.setting] = value !== false || spec.kind === "switch" ? value : spec.kind === "list" ? [] : null;
  }
  return settings as GatewayPatch;
}

function settingsTable(gateway: Gateway, teamSlug: string): string[] {
  const rateLimit =
    gateway.rateLimitingLimit > 0
      ? `${gateway.rateLimitingLimit} per ${gateway.rateLimitingInterval}s (${gateway.rateLimitingTechnique})`
      : "off";
  return table([
    ["gateway", gateway.slug],
    ["team", teamSlug],
    ["id", gateway.id],
    ["authentication", onOff(gateway.authentication)],
    ["collect logs", onOff(gateway.collectLogs)],
    ["collect log payloads", onOff(gateway.collectLogPayloads)],
    ["log limit", gateway.logManagement === null ? "none" : `${gateway.logManagement} (${gateway.logManagementStrategy ?? "no strategy"})`],
    ["cache ttl", gateway.cacheTtl > 0 ? `${gateway.cacheTtl}s` : "off"],
    ["cache key metadata", gateway.cacheKeyMetadata.length > 0 ? gateway.cacheKeyMetadata.join(", ") : "none"],
    ["cache invalidate on update", onOff(gateway.cacheInvalidateOnUpdate)],
    ["rate limit", rateLimit],
    ["retries", `${gateway.retryMaxAttempts} attempt(s), ${gateway.retryDelay}ms ${gateway.retryBackoff}`],
    ["request timeout", gateway.requestTimeoutMs === null ? "none" : `${gateway.requestTimeoutMs}ms`],
    ["byok only", onOff(gateway.byokOnly)],
    ["guardrails", describeGuardrails(gateway.guardrails)],
    ["dlp", describeDlp(gateway.dlp)],
    ["created", when(gateway.createdAt)],
    ["updated", when(gateway.updatedAt)],
  ]);
}

function describeGuardrails(guardrails: Gateway["guardrails"]): string {
  if (!guardrails) return "off";
  const rules = (check: "prompt" | "response") =>
    Object.entries(guardrails[check])
      .map(([category, action]) => `${category} ${action}`)
      .join(", ") || "none";
  const { evaluator } = guardrails;
  return `prompt: ${rules("prompt")}; response: ${rules("response")}; evaluator: ${evaluator.kind}${evaluator.model ? ` ${evaluator.model}` : ""}`;
}

function describeDlp(dlp: Gateway["dlp"]): string {
  if (!dlp) return "none";
  const policies = dlp.policies.map((policy) => {
    const actions = Object.entries(policy.actions).map(([check, action]) => `${check} ${action}`).join(", ");
    return `${policy.id}${policy.enabled ? "" : " (disabled)"} [${policy.profiles.join(", ")}] ${actions || "no check"}`;
  });
  return [
    onOff(dlp.enabled),
    policies.length > 0 ? `policies: ${policies.join("; ")}` : "no policies",
    ...(dlp.customProfiles.length > 0 ? [`custom profiles: ${dlp.customProfiles.map((profile) => profile.id).join(", ")}`] : []),
    ...(dlp.headerSelectsPolicies ? ["cf-aig-dlp-policies may choose"] : []),
  ].join("; ");
}

export function registerGatewayCommands(program: Command): void {
  const gateway = program.command("gateway").description("create and configure a team's gateways");

  withSettingFlags(
    gateway
      .command("create")
      .description("create a gateway; settings not given take Cloudflare's defaults")
      .argument("<team>", "team slug")
      .argument("<gateway>", "gateway slug: 1–64 lowercase letters, digits and hyphens"),
  ).action(async (teamSlug: string, slug: string, options: Record<string, unknown>, command: Command) => {
    const { ctx, team } = await teamContext(teamSlug);
    const created = await createGateway({ ctx, teamId: team.id, slug, settings: settingsFrom(options) });
    print(command, created, () => settingsTable(created, team.slug));
  });

  withSettingFlags(
    gateway
      .command("update")
      .description("change the given settings of a gateway and keep the others")
      .argument("<team>", "team slug")
      .argument("<gateway>", "gateway slug"),
  ).action(async (teamSlug: string, slug: string, options: Record<string, unknown>, command: Command) => {
    const { ctx, team } = await teamContext(teamSlug);
    const updated = await updateGateway({ ctx, teamId: team.id, slug, settings: settingsFrom(options) });
    print(command, updated, () => settingsTable(updated, team.slug));
  });

  gateway
    .command("list")
    .description("list a team's gateways")
    .argument("<team>", "team slug")
    .action(async (teamSlug: string, _options: unknown, command: Command) => {
      const { ctx, team } = await teamContext(teamSlug);
      const gateways = await listGateways({ ctx, teamId: team.id });
      print(command, gateways, () =>
        gateways.length === 0
          ? [`team ${team.slug} has no gateways yet`]
          : table([
              ["GATEWAY", "AUTH", "LOGS", "CACHE TTL", "RATE LIMIT", "CREATED"],
              ...gateways.map((g) => [
                g.slug,
                onOff(g.authentication),
                onOff(g.collectLogs),
                g.cacheTtl > 0 ? `${g.cacheTtl}s` : "off",
                g.rateLimitingLimit > 0 ? `${g.rateLimitingLimit}/${g.rateLimitingInterval}s` : "off",
                when(g.createdAt),
              ]),
            ]),
      );
    });

  gateway
    .command("show")
    .description("show every setting of a gateway")
    .argument("<team>", "team slug")
    .argument("<gateway>", "gateway slug")
    .action(async (teamSlug: string, slug: string, _options: unknown, command: Command) => {
      const { ctx, team } = await teamContext(teamSlug);
      const found = await getGateway({ ctx, teamId: team.id, slug });
      print(command, found, () => settingsTable(found, team.slug));
    });
}
