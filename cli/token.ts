import type { Command } from "commander";
import { createGatewayToken } from "@/lib/services/tokens/create";
import { listGatewayTokens } from "@/lib/services/tokens/list";
import { revokeGatewayToken } from "@/lib/services/tokens/revoke";
import { tokenStatus } from "@/lib/services/tokens/status";
import { integer, print, repeatable, table, teamContext, when } from "./shared";

const DAY_MS = 24 * 60 * 60 * 1000;

export function registerTokenCommands(program: Command): void {
  const token = program.command("token").description("issue and revoke gateway tokens (sent as cf-aig-authorization)");

  token
    .command("create")
    .description("issue a gateway token; it is printed once and cannot be shown again")
    .argument("<team>", "team slug")
    .requiredOption("--name <name>", "what the token is for")
    .option("--gateway <slug>", "limit the token to this gateway (repeatable; default: every gateway of the team)", repeatable)
    .option("--expires-in-days <days>", "expire the token after this many days", integer)
    .action(
      async (teamSlug: string, options: { name: string; gateway?: string[]; expiresInDays?: number }, command: Command) => {
        if (options.expiresInDays !== undefined && options.expiresInDays <= 0) {
          command.error("error: --expires-in-days must be at least 1");
        }
        const { ctx, team } = await teamContext(teamSlug);
        const { token: plaintext, record } = await createGatewayToken({
          ctx,
          teamId: team.id,
          name: options.name,
          gatewaySlugs: options.gateway,
          expiresAt: options.expiresInDays ? new Date(Date.now() + options.expiresInDays * DAY_MS) : undefined,
        });
        process.stderr.write(`created token ${record.id} "${record.name}"; copy it now, it will not be shown again\n`);
        print(command, { token: plaintext, ...record }, () => [plaintext]);
      },
    );

  token
    .command("list")
    .description("list a team's tokens (only their first and last characters)")
    .argument("<team>", "team slug")
    .action(async (teamSlug: string, _options: unknown, command: Command) => {
      const { ctx, team } = await teamContext(teamSlug);
      const tokens = await listGatewayTokens({ ctx, teamId: team.id });
      print(command, tokens, () =>
        tokens.length === 0
          ? [`team ${team.slug} has no tokens yet`]
          : table([
              ["ID", "NAME", "TOKEN", "GATEWAYS", "STATUS", "CREATED", "EXPIRES", "LAST USED"],
              ...tokens.map((t) => [
                t.id,
                t.name,
                `${t.start}…${t.last4}`,
                t.gatewaySlugs?.join(",") ?? "all",
                tokenStatus(t),
                when(t.createdAt),
                when(t.expiresAt),
                when(t.lastUsedAt),
              ]),
            ]),
      );
    });

  token
    .command("revoke")
    .description("revoke a token at once; requests using it are refused from then on")
    .argument("<team>", "team slug")
    .argument("<token-id>", "the token's id (tok_…), from `token list`")
    .action(async (teamSlug: string, tokenId: string, _options: unknown, command: Command) => {
      const { ctx, team } = await teamContext(teamSlug);
      const revoked = await revokeGatewayToken({ ctx, teamId: team.id, tokenId });
      print(command, revoked, () => [`revoked token ${revoked.id} "${revoked.name}" at ${when(revoked.revokedAt)}`]);
    });
}
