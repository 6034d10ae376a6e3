import { InvalidArgumentError, Option, type Command } from "commander";
import { budgetPeriodEnum, type Budget } from "@/db/schema";
import { listBudgets } from "@/lib/services/budgets/list";
import { createBudget } from "@/lib/services/budgets/create";
import { removeBudget } from "@/lib/services/budgets/remove";
import { describeScope } from "@/lib/services/budgets/view";
import { integer, print, table, teamContext, when } from "./shared";

/** A dollar amount as given on the command line: `5`, `0.01`. */
export function usd(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new InvalidArgumentError("expected an amount in USD, e.g. 5 or 0.01");
  return n;
}

function dollars(micros: number): string {
  return `$${(micros / 1e6).toFixed(micros % 10_000 === 0 ? 2 : 6)}`;
}

function period(budget: Pick<Budget, "period" | "windowSeconds">): string {
  return budget.period === "rolling" ? `rolling ${budget.windowSeconds}s` : budget.period;
}

export function registerBudgetCommands(program: Command): void {
  const budget = program.command("budget").description("spending caps on a team, a gateway or a token, in calendar periods or a rolling window");

  budget
    .command("add")
    .description("add a budget: team-wide, or on one gateway (--gateway) or one token (--token)")
    .argument("<team>", "team slug")
    .requiredOption("--name <name>", "names the budget in refusals and the dashboard; unique in the team")
    .requiredOption("--usd <amount>", "the limit per period in USD", usd)
    .addOption(new Option("--period <period>", "a UTC day, week (from Monday) or month, or a rolling window").choices(budgetPeriodEnum.enumValues).makeOptionMandatory())
    .option("--window <seconds>", "the rolling window's length (only with --period rolling)", integer)
    .option("--alert <percent>", "record an alert once per period when spend reaches this percent of the limit", integer)
    .option("--gateway <slug>", "a budget for this gateway alone")
    .option("--token <id>", "a budget for this token alone (tok_…)")
    .action(
      async (
        teamSlug: string,
        options: { name: string; usd: number; period: Budget["period"]; window?: number; alert?: number; gateway?: string; token?: string },
        command: Command,
      ) => {
        const { ctx, team } = await teamContext(teamSlug);
        const created = await createBudget({
          ctx,
          teamId: team.id,
          name: options.name,
          limitUsd: options.usd,
          period: options.period,
          windowSeconds: options.window ?? null,
          alertPercent: options.alert ?? null,
          scope: { gatewaySlug: options.gateway, tokenId: options.token },
        });
        print(command, created, () => [`added budget ${created.id} "${created.name}": ${dollars(created.limitMicros)} ${period(created)} on the ${describeScope(created.scope)}`]);
      },
    );

  budget
    .command("list")
    .description("a team's budgets with what each has spent (and holds for requests in flight) this period, and when it resets")
    .argument("<team>", "team slug")
    .action(async (teamSlug: string, _options: unknown, command: Command) => {
      const { ctx, team } = await teamContext(teamSlug);
      const budgets = await listBudgets({ ctx, teamId: team.id });
      print(command, budgets, () =>
        budgets.length === 0
          ? [`team ${team.slug} has no budgets yet`]
          : table([
              ["ID", "NAME", "ON", "LIMIT", "PERIOD", "SPENT", "RESERVED", "USED", "ALERT", "RESETS"],
              ...budgets.map((b) => [
                b.id,
                b.name,
                describeScope(b.scope),
                dollars(b.limitMicros),
                period(b),
                dollars(b.spend.used),
                dollars(b.spend.reserved),
                `${b.spend.percent.toFixed(1)}%`,
                b.alertPercent === null ? "-" : `${b.alertPercent}%`,
                when(b.spend.resetAt),
              ]),
            ]),
      );
    });

  budget
    .command("remove")
    .description("remove a budget; requests stop counting against it at once")
    .argument("<team>", "team slug")
    .argument("<budget-id>", "the budget's id (bud_…), from `budget list`")
    .action(async (teamSlug: string, budgetId: string, _options: unknown, command: Command) => {
      const { ctx, team } = await teamContext(teamSlug);
      const removed = await removeBudget({ ctx, teamId: team.id, budgetId });
      print(command, removed, () => [`removed budget ${removed.id} "${removed.name}"`]);
    });
}
