import { Option, type Command } from "commander";
import { roles } from "@/db/schema";
import { addMember } from "@/lib/services/memberships/add";
import { createTeam } from "@/lib/services/teams/create";
import { setDisplayPrecision } from "@/lib/services/teams/display-precision";
import { operatorContext, print, teamContext } from "./shared";

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
    .requiredOption("--display-precision <places>", "decimal places the dashboard shows dollar amounts with (2–6)")
    .action(async (teamSlug: string, options: { displayPrecision: string }, command: Command) => {
      const { ctx, team } = await teamContext(teamSlug);
      const updated = await setDisplayPrecision({ ctx, teamId: team.id, displayPrecision: options.displayPrecision });
      print(command, updated, () => [`team ${updated.slug} shows money with ${updated.displayPrecision} decimal places`]);
    });
}
