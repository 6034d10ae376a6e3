import type { Command } from "commander";
import { addProviderKey } from "@/lib/services/provider-keys/add";
import { listProviderKeys } from "@/lib/services/provider-keys/list";
import { removeProviderKey } from "@/lib/services/provider-keys/remove";
import { rewrapProviderKeys, type RewrapCounts } from "@/lib/services/provider-keys/rewrap";
import { rotateProviderKey } from "@/lib/services/provider-keys/rotate";
import { describeScope, type ProviderKeyView } from "@/lib/services/provider-keys/view";
import { operatorContext, print, readStdin, table, teamContext, when } from "./shared";

interface ScopeOptions {
  alias?: string;
  gateway?: string;
}

function scope(key: ProviderKeyView): string {
  return `${key.provider} key "${key.alias}" ${describeScope(key.gatewaySlug)}`;
}

function preview(key: ProviderKeyView): string {
  return key.secretLast4 ? `${key.secretStart}…${key.secretLast4}` : "(too short to preview)";
}

/** Never on a terminal: typed there it would be echoed, and --secret lands in shell history. */
async function secretFrom(command: Command, secret: string | undefined): Promise<string> {
  if (secret !== undefined) return secret;
  if (process.stdin.isTTY) command.error("error: pipe the secret on stdin, or pass --secret");
  return readStdin();
}

export function registerKeyCommands(program: Command): void {
  const key = program
    .command("key")
    .alias("keys")
    .description("store provider keys (BYOK), encrypted, for a team or one gateway");

  key
    .command("add")
    .description("store a provider key; pipe the secret on stdin: echo \"$OPENAI_API_KEY\" | switchyard key add acme openai")
    .argument("<team>", "team slug")
    .argument("<provider>", "provider slug (openai, groq, …) or custom-{slug}")
    .option("--secret <secret>", "the key itself (default: read from stdin)")
    .option("--alias <alias>", "name to pick it by with cf-aig-byok-alias", "default")
    .option("--gateway <slug>", "only for this gateway (default: every gateway of the team)")
    .option("--base-url <url>", "send this key's requests here instead of the provider's URL")
    .action(
      async (teamSlug: string, provider: string, options: ScopeOptions & { secret?: string; baseUrl?: string }, command: Command) => {
        const secret = await secretFrom(command, options.secret);
        const { ctx, team } = await teamContext(teamSlug);
        const added = await addProviderKey({
          ctx,
          teamId: team.id,
          provider,
          secret,
          alias: options.alias,
          gatewaySlug: options.gateway,
          baseUrl: options.baseUrl,
        });
        print(command, added, () => [`stored the ${scope(added)}: ${preview(added)}`]);
      },
    );

  key
    .command("rotate")
    .description("replace the secret of a stored key (read from stdin unless --secret)")
    .argument("<team>", "team slug")
    .argument("<provider>", "provider slug")
    .option("--secret <secret>", "the new key (default: read from stdin)")
    .option("--alias <alias>", "the key's alias", "default")
    .option("--gateway <slug>", "the key's gateway (default: the team-wide key)")
    .action(async (teamSlug: string, provider: string, options: ScopeOptions & { secret?: string }, command: Command) => {
      const secret = await secretFrom(command, options.secret);
      const { ctx, team } = await teamContext(teamSlug);
      const rotated = await rotateProviderKey({
        ctx,
        teamId: team.id,
        key: { provider, alias: options.alias, gatewaySlug: options.gateway },
        secret,
      });
      print(command, rotated, () => [`rotated the ${scope(rotated)}: ${preview(rotated)}`]);
    });

  key
    .command("list")
    .description("list a team's stored keys (only their first and last characters)")
    .argument("<team>", "team slug")
    .action(async (teamSlug: string, _options: unknown, command: Command) => {
      const { ctx, team } = await teamContext(teamSlug);
      const keys = await listProviderKeys({ ctx, teamId: team.id });
      print(command, keys, () =>
        keys.length === 0
          ? [`team ${team.slug} has no stored keys yet`]
          : table([
              ["PROVIDER", "ALIAS", "GATEWAY", "SECRET", "BASE URL", "LAST USED", "STATUS", "MASTER KEY", "WRAPPED"],
              ...keys.map((k) => [
                k.provider,
                k.alias,
                k.gatewaySlug ?? "(all)",
                preview(k),
                k.baseUrl ?? "-",
                when(k.lastUsedAt),
                k.lastStatus ?? "-",
                k.masterKeyVersion,
                when(k.wrappedAt),
              ]),
            ]),
      );
    });

  key
    .command("remove")
    .description("delete a stored key")
    .argument("<team>", "team slug")
    .argument("<provider>", "provider slug")
    .option("--alias <alias>", "the key's alias", "default")
    .option("--gateway <slug>", "the key's gateway (default: the team-wide key)")
    .action(async (teamSlug: string, provider: string, options: ScopeOptions, command: Command) => {
      const { ctx, team } = await teamContext(teamSlug);
      const removed = await removeProviderKey({
        ctx,
        teamId: team.id,
        key: { provider, alias: options.alias, gatewaySlug: options.gateway },
      });
      print(command, removed, () => [`removed the ${scope(removed)}`]);
    });

  key
    .command("rewrap")
    .description(
      "wrap every team's stored keys under the newest master key (the last in SWITCHYARD_MASTER_KEYS or master.key), " +
        "so older ones can be retired; safe while the server runs on Postgres",
    )
    .action(async (_options: unknown, command: Command) => {
      const report = await rewrapProviderKeys({ ctx: await operatorContext() });
      const summary = (what: string, counts: RewrapCounts) =>
        `${what}: ${counts.rewrapped} rewrapped, ${counts.alreadyCurrent} already current, ${counts.failed.length} failed`;
      print(command, report, () => [
        `master key ${report.masterKeyVersion}`,
        summary("provider keys", report.providerKeys),
        summary("playground tokens", report.playgroundTokens),
        ...[...report.providerKeys.failed, ...report.playgroundTokens.failed].map(
          (failure) => `failed: the ${failure.what} (${failure.id}) of team ${failure.teamId}: ${failure.reason}`,
        ),
      ]);
      if (report.providerKeys.failed.length + report.playgroundTokens.failed.length > 0) process.exitCode = 1;
    });
}
