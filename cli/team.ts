import { Option, type Command } from "commander";
import { roles } from "@/db/schema";
import { addMember } from "@/lib/services/memberships/add";
import { createTeam } from "@/lib/services/teams/create";
import { setAnalyticsMetadataKeys, splitMetadataKeys } from "@/lib/services/teams/analytics-metadata-keys";
import { setDisplayPrecision } from "@/lib/services/teams/display-precision";
import { setLogRetention } from "@/lib/services/teams/set-log-retention";
import { integer, operatorContext, print, teamContext } from "./shared";

export function registerTeamCommands(program: Command): void {
  const team = program.command("team").description("create teams and manage who belongs to them");

  team
    .command("create")
    .description("create a team; its slug appears in every URL of the team")
    .argument("<slug>", "2–40 lowercase letters, digits and hyphens")
    .option("--name <name>", "display name (default: the slug)")
    .action(async (slug: string, options: { name?: string }, command: Command) => {
      const created = await createTeam({ ctx: await operatorContext(), slug, name: options.name });
      print(command, created, () => [`created team ${created.slug} (${created.id})`]);
    });

  team
    .command("add-member")
    .description("give an existing user a role in a team")
    .argument("<team>", "team slug")
    .requiredOption("--email <email>", "the user's email")
    .addOption(new Option("--role <role>", "role in the team").choices(roles).makeOptionMandatory())
    .action(async (teamSlug: string, options: { email: string; role: (typeof roles)[number] }, command: Command) => {
      const { ctx, team } = await teamContext(teamSlug);
      const membership = await addMember({ ctx, teamId: team.id, email: options.email, role: options.role });
      print(command, membership, () => [`${options.email} is now ${membership.role} of team ${team.slug}`]);
    });

  team
    .command("update")
    .description("change a team's settings")
    .argument("<team>", "team slug")
    .option("--display-precision <places>", "decimal places the dashboard shows dollar amounts with (2–6)")
    .option("--log-retention-days <days>", "delete request logs older than this many days (1–3650)", integer)
    .option("--no-log-retention-days", "keep request logs (until a gateway's log limit removes them)")
    .option("--analytics-metadata-keys <keys>", "request metadata keys (comma-separated, at most 3; \"\" for none) the analytics break down by, from requests logged after")
    .action(async (teamSlug: string, options: { displayPrecision?: string; logRetentionDays?: number | false; analyticsMetadataKeys?: string }, command: Command) => {
      if (options.displayPrecision === undefined && options.logRetentionDays === undefined && options.analyticsMetadataKeys === undefined) {
        command.error("error: nothing to change: give --display-precision <places>, --log-retention-days <days>, --no-log-retention-days or --analytics-metadata-keys <keys>");
      }
      const { ctx, team } = await teamContext(teamSlug);
      let updated = team;
      const lines: string[] = [];
      if (options.displayPrecision !== undefined) {
        updated = await setDisplayPrecision({ ctx, teamId: team.id, displayPrecision: options.displayPrecision });
        lines.push(`team ${updated.slug} shows money with ${updated.displayPrecision} decimal places`);
      }
      if (options.logRetentionDays !== undefined) {
        updated = await setLogRetention({ ctx, teamId: team.id, logRetentionDays: options.logRetentionDays === false ? null : options.logRetentionDays });
        lines.push(updated.logRetentionDays === null ? `team ${updated.slug} keeps its request logs` : `team ${updated.slug} keeps request logs for ${updated.logRetentionDays} days`);
      }
      if (options.analyticsMetadataKeys !== undefined) {
        updated = await setAnalyticsMetadataKeys({ ctx, teamId: team.id, analyticsMetadataKeys: splitMetadataKeys(options.analyticsMetadataKeys) });
        const keys = updated.analyticsMetadataKeys;
        lines.push(keys.length === 0 ? `team ${updated.slug} breaks analytics down by no metadata key` : `team ${updated.slug} breaks analytics down by metadata ${keys.join(", ")}`);
      }
      print(command, updated, () => lines);
    });
}
