import type { Command } from "commander";
import { roles } from "@/db/schema";
import { createApiToken } from "@/lib/services/api-tokens/create";
import { listApiTokens } from "@/lib/services/api-tokens/list";
import { revokeApiToken } from "@/lib/services/api-tokens/revoke";
import { tokenStatus } from "@/lib/services/tokens/status";
import { integer, print, repeatable, table, teamContext, when } from "./shared";

const DAY_MS = 24 * 60 * 60 * 1000;

export function registerApiTokenCommands(program: Command): void {
  const apiToken = program.command("api-token").description("issue and revoke team API tokens for the management API (Authorization: Bearer)");

  apiToken
    .command("create")
    .description("issue an API token; it is printed once and cannot be shown again")
    .argument("<team>", "team slug")
    .requiredOption("--name <name>", "what the token is for")
    .option("--scope <scope>", "read (GET), edit (changes) or run (calling the team's gateways; needs --role member or above) (repeatable; default: read)", repeatable)
    .option("--role <role>", `the most the token may do: ${roles.join(", ")}`, "viewer")
    .option("--expires-in-days <days>", "expire the token after this many days", integer)
    .action(
      async (teamSlug: string, options: { name: string; scope?: string[]; role: string; expiresInDays?: number }, command: Command) => {
        if (options.expiresInDays !== undefined && options.expiresInDays <= 0) command.error("error: --expires-in-days must be at least 1");
        const { ctx, team } = await teamContext(teamSlug);
        const { token, record } = await createApiToken({
          ctx,
          teamId: team.id,
          name: options.name,
          scopes: options.scope ?? ["read"],
          role: options.role,
          expiresAt: options.expiresInDays ? new Date(Date.now() + options.expiresInDays * DAY_MS) : undefined,
        });
        process.stderr.write(`created API token ${record.id} "${record.name}" (${record.role}; ${record.scopes.join(", ")}); copy it now, it will not be shown again\n`);
        print(command, { token, ...record }, () => [token]);
      },
    );

  apiToken
    .command("list")
    .description("list a team's API tokens (only their first and last characters)")
    .argument("<team>", "team slug")
    .action(async (teamSlug: string, _options: unknown, command: Command) => {
      const { ctx, team } = await teamContext(teamSlug);
      const tokens = await listApiTokens({ ctx, teamId: team.id });
      print(command, tokens, () =>
        tokens.length === 0
          ? [`team ${team.slug} has no API tokens yet`]
          : table([
              ["ID", "NAME", "TOKEN", "ROLE", "SCOPES", "STATUS", "CREATED BY", "CREATED", "EXPIRES", "LAST USED"],
              ...tokens.map((t) => [
                t.id,
                t.name,
                `${t.start}…${t.last4}`,
                t.role,
                t.scopes.join(","),
                tokenStatus(t),
                t.createdBy ?? "CLI",
                when(t.createdAt),
                when(t.expiresAt),
                when(t.lastUsedAt),
              ]),
            ]),
      );
    });

  apiToken
    .command("revoke")
    .description("revoke an API token at once")
    .argument("<team>", "team slug")
    .argument("<token-id>", "the token's id (apit_…), from `api-token list`")
    .action(async (teamSlug: string, tokenId: string, _options: unknown, command: Command) => {
      const { ctx, team } = await teamContext(teamSlug);
      const revoked = await revokeApiToken({ ctx, teamId: team.id, tokenId });
      print(command, revoked, () => [`revoked API token ${revoked.id} "${revoked.name}" at ${when(revoked.revokedAt)}`]);
    });
}
