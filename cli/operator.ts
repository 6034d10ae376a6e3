import type { Command } from "commander";
import { formatCost } from "@/lib/utils/format";
import { grantCredits, teamCredits, listTeamCredits, type TeamCredits } from "@/lib/services/operator/credits";
import { addOperatorKey, getOperatorKey, listOperatorKeys, removeOperatorKey, rotateOperatorKey, type OperatorKeyView } from "@/lib/services/operator/keys";
import { grantOperator, listOperators, revokeOperator } from "@/lib/services/operator/operators";
import { FIELDS_HELP, SECRET_HELP, secretFrom, type SecretOptions } from "./key";
import { integer, operatorContext, print, repeatable, table, teamContext, when } from "./shared";

function describeKey(key: OperatorKeyView): string {
  return `the operator's ${key.provider} key "${key.alias}": ${key.preview || "(no preview)"} (${key.id}, weight ${key.weight})`;
}

function creditLines(credits: TeamCredits): string[] {
  return [
    `team ${credits.teamSlug}`,
    `granted   ${formatCost(credits.grantedMicros)}`,
    `used      ${formatCost(credits.usedMicros)}`,
    ...(credits.reservedMicros > 0 ? [`reserved  ${formatCost(credits.reservedMicros)} (requests still running)`] : []),
    `balance   ${formatCost(credits.balanceMicros)}`,
  ];
}

export function registerOperatorCommands(program: Command): void {
  const operator = program
    .command("operator")
    .description("the deployment's operator: operator keys any team may use, and the credits that pay for them");

  operator
    .command("grant")
    .description("make a user an operator (the operator page in the dashboard, operator keys, every team's credits)")
    .argument("<email>", "the user's sign-in email")
    .action(async (email: string, _options: unknown, command: Command) => {
      const user = await grantOperator({ ctx: await operatorContext(), email });
      print(command, user, () => [`${user.email} is an operator`]);
    });

  operator
    .command("revoke")
    .description("take the operator role from a user")
    .argument("<email>", "the user's sign-in email")
    .action(async (email: string, _options: unknown, command: Command) => {
      const user = await revokeOperator({ ctx: await operatorContext(), email });
      print(command, user, () => [`${user.email} is no longer an operator`]);
    });

  operator
    .command("list")
    .description("list the users who are operators")
    .action(async (_options: unknown, command: Command) => {
      const operators = await listOperators({ ctx: await operatorContext() });
      print(command, operators, () => (operators.length === 0 ? ["no user is an operator (the CLI always is)"] : operators.map((user) => user.email)));
    });

  const key = operator
    .command("key")
    .alias("keys")
    .description("provider keys of the operator, used by teams without a key of their own (charged to their credits)");

  key
    .command("add")
    .description('store an operator key; pipe the secret on stdin: echo "$OPENAI_API_KEY" | switchyard operator key add openai')
    .argument("<provider>", "provider slug (openai, anthropic, …)")
    .option(SECRET_HELP[0][0], SECRET_HELP[0][1])
    .option(SECRET_HELP[1][0], SECRET_HELP[1][1])
    .option(SECRET_HELP[2][0], SECRET_HELP[2][1], repeatable)
    .option("--alias <alias>", "name to pick it by with cf-aig-byok-alias", "default")
    .option("--base-url <url>", "send this key's requests here instead of the provider's URL")
    .option("--pool", "add it to the pool of keys under this alias (an alias in use is refused without it)")
    .option("--weight <n>", "its share of the pool's requests, 1-1000 (default 1)", integer)
    .addHelpText("after", FIELDS_HELP)
    .action(
      async (provider: string, options: SecretOptions & { alias?: string; baseUrl?: string; pool?: boolean; weight?: number }, command: Command) => {
        const secret = await secretFrom(command, provider, options);
        const added = await addOperatorKey({
          ctx: await operatorContext(),
          provider,
          secret,
          alias: options.alias,
          baseUrl: options.baseUrl,
          pool: options.pool,
          weight: options.weight,
        });
        print(command, added, () => [`stored ${describeKey(added)}`]);
      },
    );

  key
    .command("list")
    .description("list the operator keys pool by pool (only their first and last characters), with their ids and status")
    .action(async (_options: unknown, command: Command) => {
      const keys = await listOperatorKeys({ ctx: await operatorContext() });
      print(command, keys, () =>
        keys.length === 0
          ? ["no operator keys yet: teams use their own keys only"]
          : table([
              ["PROVIDER", "ALIAS", "SECRET", "ID", "WEIGHT", "BASE URL", "LAST USED", "STATUS", "MASTER KEY"],
              ...keys.map((k) => [
                k.provider,
                k.alias,
                k.preview || "(no preview)",
                k.id,
                String(k.weight),
                k.baseUrl ?? "-",
                when(k.lastUsedAt),
                k.lastStatus === "rejected" ? "rejected: out of the pool" : (k.lastStatus ?? "-"),
                k.masterKeyVersion,
              ]),
            ]),
      );
    });

  key
    .command("remove")
    .description("delete an operator key")
    .argument("<key-id>", "the key's id (see operator key list)")
    .action(async (id: string, _options: unknown, command: Command) => {
      const removed = await removeOperatorKey({ ctx: await operatorContext(), id });
      print(command, removed, () => [`removed ${describeKey(removed)}`]);
    });

  key
    .command("rotate")
    .description("replace the secret of an operator key (read from stdin unless --secret, --secret-file or --field)")
    .argument("<key-id>", "the key's id (see operator key list)")
    .option(SECRET_HELP[0][0], "the new key (default: read from stdin)")
    .option(SECRET_HELP[1][0], SECRET_HELP[1][1])
    .option(SECRET_HELP[2][0], SECRET_HELP[2][1], repeatable)
    .action(async (id: string, options: SecretOptions, command: Command) => {
      const ctx = await operatorContext();
      // The provider says which fields the secret has.
      const current = await getOperatorKey({ ctx, id });
      const secret = await secretFrom(command, current.provider, options);
      const rotated = await rotateOperatorKey({ ctx, id, secret });
      print(command, rotated, () => [`rotated ${describeKey(rotated)}`]);
    });

  const credits = operator.command("credits").description("teams' credits for operator keys: grants (top-ups, adjustments), use and balance");

  credits
    .command("grant")
    .description("grant a team credits in USD (a negative amount takes some back: put -- before it, as in `credits grant acme -- -5`)")
    .argument("<team>", "team slug")
    .argument("<usd>", "amount in USD, like 25 or 12.50")
    .option("--note <text>", "why, for the ledger")
    .action(async (teamSlug: string, usd: string, options: { note?: string }, command: Command) => {
      const { ctx, team } = await teamContext(teamSlug);
      const granted = await grantCredits({ ctx, teamId: team.id, usd, note: options.note });
      print(command, granted, () => [`granted ${formatCost(granted.grant.amountMicros)} to team ${team.slug}`, ...creditLines(granted.credits).slice(1)]);
    });

  credits
    .command("show")
    .description("a team's credits: granted, used, balance, and the ledger of grants")
    .argument("<team>", "team slug")
    .action(async (teamSlug: string, _options: unknown, command: Command) => {
      const { ctx, team } = await teamContext(teamSlug);
      const shown = await teamCredits({ ctx, teamId: team.id });
      print(command, shown, () => [
        ...creditLines(shown),
        "",
        ...(shown.grants.length === 0
          ? ["no grants yet"]
          : table([
              ["GRANTED", "AMOUNT", "BY", "NOTE"],
              ...shown.grants.map((g) => [when(g.createdAt), formatCost(g.amountMicros), g.grantedBy ?? "cli", g.note ?? "-"]),
            ])),
      ]);
    });

  credits
    .command("list")
    .description("every team's credits: granted, used, balance")
    .action(async (_options: unknown, command: Command) => {
      const all = await listTeamCredits({ ctx: await operatorContext() });
      print(command, all, () =>
        table([
          ["TEAM", "GRANTED", "USED", "RESERVED", "BALANCE"],
          ...all.map((c) => [c.teamSlug, formatCost(c.grantedMicros), formatCost(c.usedMicros), formatCost(c.reservedMicros), formatCost(c.balanceMicros)]),
        ]),
      );
    });
}
