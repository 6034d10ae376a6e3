import { Option, type Command } from "commander";
import { roles, type Role } from "@/db/schema";
import { getTeamBySlug } from "@/lib/services/teams/get";
import { createUser } from "@/lib/services/users/create";
import { operatorContext, print, readStdin } from "./shared";

interface CreateOptions {
  email: string;
  name?: string;
  team?: string;
  role?: Role;
  password?: string;
  passwordStdin?: boolean;
}

export function registerUserCommands(program: Command): void {
  const user = program.command("user").description("manage the people who sign in to the dashboard");

  user
    .command("create")
    .description("create a user, optionally as a member of a team")
    .requiredOption("--email <email>", "sign-in email (stored lowercased)")
    .option("--name <name>", "display name")
    .option("--team <slug>", "team to add the user to")
    .addOption(new Option("--role <role>", "role in --team (default: member)").choices(roles))
    .addOption(new Option("--password <password>", "password, 8 characters or more (prefer --password-stdin)").conflicts("passwordStdin"))
    .option("--password-stdin", "read the password from stdin")
    .action(async (options: CreateOptions, command: Command) => {
      const ctx = await operatorContext();
      const team = options.team ? await getTeamBySlug({ ctx, slug: options.team }) : undefined;
      const created = await createUser({
        ctx,
        email: options.email,
        name: options.name,
        password: options.passwordStdin ? await readStdin() : options.password,
        teamId: team?.id,
        role: options.role,
      });
      print(command, created, () => [
        `created user ${created.email} (${created.id})${team ? ` as ${options.role ?? "member"} of team ${team.slug}` : ""}`,
      ]);
    });
}
