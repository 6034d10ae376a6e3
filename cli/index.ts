import { Command, CommanderError } from "commander";
import { registerAuditCommands } from "./audit";
import { registerBudgetCommands } from "./budget";
import { registerGatewayCommands } from "./gateway";
import { registerKeyCommands } from "./key";
import { registerLimitCommands } from "./limit";
import { registerOperatorCommands } from "./operator";
import { registerProviderCommands } from "./provider";
import { registerRouteCommands } from "./route";
import { closeDatabase } from "./shared";
import { registerTeamCommands } from "./team";
import { registerTokenCommands } from "./token";
import { registerApiTokenCommands } from "./api-token";
import { registerUrlsCommand } from "./urls";
import { registerUserCommands } from "./user";

const program = new Command("switchyard")
  .description(
    "Operate a Switchyard deployment: teams, users, gateways, tokens, provider keys, limits and budgets, dynamic routes, operator keys and credits, the audit log.\n" +
      "Uses DATABASE_URL, or the embedded database in SWITCHYARD_DATA_DIR (default ./.switchyard).",
  )
  .option("--json", "print machine-readable JSON")
  .configureHelp({ showGlobalOptions: true })
  // Throw instead of exiting, so the database is closed and usage errors get their own exit code.
  .exitOverride();

registerTeamCommands(program);
registerUserCommands(program);
registerGatewayCommands(program);
registerTokenCommands(program);
registerApiTokenCommands(program);
registerKeyCommands(program);
registerLimitCommands(program);
registerBudgetCommands(program);
registerProviderCommands(program);
registerRouteCommands(program);
registerOperatorCommands(program);
registerUrlsCommand(program);
registerAuditCommands(program);

try {
  await program.parseAsync();
} catch (err) {
  if (err instanceof CommanderError) {
    // Commander has already printed the help or the usage error.
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
} finally {
  await closeDatabase();
}
