import type { Command } from "commander";
import { config } from "@/lib/config";
import { gatewayBaseUrls } from "@/lib/services/teams/base-urls";
import { print, table, teamContext } from "./shared";

export function registerUrlsCommand(program: Command): void {
  program
    .command("urls")
    .description("print the base URLs clients use for a gateway (SWITCHYARD_PUBLIC_URL sets the host)")
    .argument("<team>", "team slug")
    .argument("[gateway]", "gateway slug", "default")
    .action(async (teamSlug: string, gatewaySlug: string, _options: unknown, command: Command) => {
      const { team } = await teamContext(teamSlug);
      const urls = gatewayBaseUrls(config().publicUrl, team.slug, gatewaySlug);
      print(command, urls, () =>
        table([
          ["compat", urls.compat],
          ["passthrough", urls.passthrough],
          ["rest", urls.rest],
          ["universal", urls.universal],
        ]),
      );
    });
}
