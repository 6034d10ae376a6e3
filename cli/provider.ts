import type { Command } from "commander";
import { createCustomProvider } from "@/lib/services/custom-providers/create";
import { listCustomProviders } from "@/lib/services/custom-providers/list";
import { CUSTOM_PROVIDER_PREFIX } from "@/lib/providers";
import { print, table, teamContext } from "./shared";

export function registerProviderCommands(program: Command): void {
  const provider = program.command("provider").description("add a team's own upstreams, reached as custom-{slug}");

  provider
    .command("add")
    .description("add a custom provider (any OpenAI-compatible or HTTP API)")
    .argument("<team>", "team slug")
    .argument("<slug>", "lowercase letters, digits and hyphens; used as custom-{slug} in URLs and model names")
    .requiredOption("--base-url <url>", "where request paths are appended, e.g. http://gpu-box:8000/v1")
    .option("--name <name>", "display name (default: the slug)")
    .option("--description <text>", "what it is")
    .action(
      async (teamSlug: string, slug: string, options: { baseUrl: string; name?: string; description?: string }, command: Command) => {
        const { ctx, team } = await teamContext(teamSlug);
        const created = await createCustomProvider({ ctx, teamId: team.id, slug, ...options });
        print(command, created, () => [`added ${CUSTOM_PROVIDER_PREFIX}${created.slug} → ${created.baseUrl}`]);
      },
    );

  provider
    .command("list")
    .description("list a team's custom providers")
    .argument("<team>", "team slug")
    .action(async (teamSlug: string, _options: unknown, command: Command) => {
      const { ctx, team } = await teamContext(teamSlug);
      const custom = await listCustomProviders({ ctx, teamId: team.id });
      print(command, custom, () =>
        custom.length === 0
          ? [`team ${team.slug} has no custom providers yet`]
          : table([
              ["PROVIDER", "NAME", "BASE URL", "ENABLED"],
              ...custom.map((p) => [`${CUSTOM_PROVIDER_PREFIX}${p.slug}`, p.name, p.baseUrl, p.enabled ? "yes" : "no"]),
            ]),
      );
    });
}
