import { readFileSync } from "node:fs";
import { InvalidArgumentError, Option, type Command } from "commander";
import type { Gateway } from "@/db/schema";
import { GATEWAY_SETTINGS, metadataKeyList, type SettingDeclaration } from "@/lib/gateways/settings/declarations";
import { maskedOtel } from "@/lib/gateways/settings/otel";
import { createGateway } from "@/lib/services/gateways/create";
import { getGateway } from "@/lib/services/gateways/get";
import { listGateways } from "@/lib/services/gateways/list";
import { CONTENT_CONTROL_SETTINGS, type GatewayPatch } from "@/lib/services/gateways/content-controls";
import { updateGateway } from "@/lib/services/gateways/update";
import { integer, onOff, print, table, teamContext, when } from "./shared";

/** Every setting the CLI takes, as declared; the rich JSON ones first, as `--help` lists them. */
const SETTINGS: [string, SettingDeclaration][] = Object.entries({ ...CONTENT_CONTROL_SETTINGS, ...GATEWAY_SETTINGS }).sort(
  ([, a], [, b]) => Number(b.cli.kind === "json") - Number(a.cli.kind === "json"),
);

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

function withSettingFlags(command: Command): Command {
  for (const [, { cli }] of SETTINGS) {
    if (cli.kind === "switch") {
      command.option(`--${cli.flag}`, cli.help).option(`--no-${cli.flag}`, cli.offHelp);
      continue;
    }
    if (cli.kind === "json") {
      command.addOption(new Option(`--${cli.flag} <file.json|none>`, cli.help).argParser(jsonFileOrNone));
      continue;
    }
    const option = new Option(`--${cli.flag} <${cli.value}>`, cli.help);
    if (cli.kind === "list") command.addOption(option.argParser(metadataKeyList));
    else command.addOption(cli.kind === "choice" ? option.choices(cli.choices) : option.argParser(integer));
    if (cli.offHelp) command.option(`--no-${cli.flag}`, cli.offHelp);
  }
  return command;
}

/** Only the flags given: the rest keep their default (create) or current value (update). */
function settingsFrom(options: Record<string, unknown>): GatewayPatch {
  const settings: Record<string, unknown> = {};
  for (const [setting, { cli }] of SETTINGS) {
    const value = options[new Option(`--${cli.flag}`).attributeName()];
    if (value === undefined) continue;
    if (cli.kind === "json") settings[setting] = (value as { value: unknown }).value;
    else settings[setting] = value !== false || cli.kind === "switch" ? value : cli.kind === "list" ? [] : null;
  }
  return settings as GatewayPatch;
}

/** A gateway as `--json` prints it: the collectors' credentials are never shown again. */
function shown(gateway: Gateway): Gateway {
  return { ...gateway, otel: maskedOtel(gateway.otel) };
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
    ["otel", gateway.otel ? gateway.otel.map((collector) => `${collector.url} (${collector.content_type})`).join(", ") : "off"],
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
    print(command, shown(created), () => settingsTable(created, team.slug));
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
    print(command, shown(updated), () => settingsTable(updated, team.slug));
  });

  gateway
    .command("list")
    .description("list a team's gateways")
    .argument("<team>", "team slug")
    .action(async (teamSlug: string, _options: unknown, command: Command) => {
      const { ctx, team } = await teamContext(teamSlug);
      const gateways = await listGateways({ ctx, teamId: team.id });
      print(command, gateways.map(shown), () =>
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
      print(command, shown(found), () => settingsTable(found, team.slug));
    });
}
