import { Option, type Command } from "commander";
import { exportAuditEvents } from "@/lib/services/audit/export";
import { AUDIT_VIAS, listAuditEvents, type AuditFilter } from "@/lib/services/audit/list";
import { integer, print, table, teamContext, when } from "./shared";

interface FilterOptions {
  team: string;
  actor?: string;
  action?: string;
  target?: string;
  via?: AuditFilter["via"];
  from?: string;
  to?: string;
}

function withFilters(command: Command): Command {
  return command
    .requiredOption("--team <slug>", "the team whose log to read")
    .option("--actor <who>", "part of who made the change (an email, a token's name, CLI), or their id")
    .option("--action <action>", "an action (provider_key.create) or an entity (provider_key)")
    .option("--target <target>", "part of the target's name, or its id")
    .addOption(new Option("--via <via>", "where the change was made").choices(AUDIT_VIAS))
    .option("--from <time>", "from this time on (ISO 8601; UTC without a zone)")
    .option("--to <time>", "before this time");
}

function filterOf({ actor, action, target, via, from, to }: FilterOptions): AuditFilter {
  return { actor, action, target, via, from, to };
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command("audit").description("the team's audit log: every change made through the dashboard, the API or the CLI");

  withFilters(audit.command("list").description("list changes, newest first"))
    .option("--limit <n>", "events per page (at most 200)", integer, 50)
    .option("--before <id>", "the page after this event id (the `next` printed by the previous page)")
    .action(async (options: FilterOptions & { limit: number; before?: string }, command: Command) => {
      const { ctx, team } = await teamContext(options.team);
      const page = await listAuditEvents({ ctx, teamId: team.id, filter: filterOf(options), limit: options.limit, before: options.before });
      print(command, page, () => {
        if (page.events.length === 0) return ["no changes recorded"];
        const rows = page.events.map((e) => [when(e.createdAt), e.actorLabel, e.action, e.targetLabel ?? e.targetId ?? "-", e.via]);
        return [...table([["TIME", "WHO", "ACTION", "TARGET", "VIA"], ...rows]), ...(page.next ? [`more: --before ${page.next}`] : [])];
      });
    });

  withFilters(audit.command("export").description("write every matching change to stdout as CSV or JSON Lines"))
    .addOption(new Option("--format <format>", "the file format").choices(["csv", "jsonl"]).default("csv"))
    .action(async (options: FilterOptions & { format: string }) => {
      const { ctx, team } = await teamContext(options.team);
      const file = await exportAuditEvents({ ctx, teamId: team.id, filter: filterOf(options), format: options.format });
      for await (const chunk of file.chunks) {
        if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once("drain", resolve));
      }
    });
}
