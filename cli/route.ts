import { readFileSync } from "node:fs";
import { InvalidArgumentError, type Command } from "commander";
import type { RouteVersion } from "@/db/schema";
import type { RouteStep } from "@/lib/routes/types";
import { InvalidInputError } from "@/lib/services/errors";
import { deployRoute } from "@/lib/services/routes/deploy";
import { describeRouteProblems } from "@/lib/services/routes/elements";
import { exportRoute } from "@/lib/services/routes/export";
import { getRoute } from "@/lib/services/routes/get";
import { importRoute } from "@/lib/services/routes/import";
import { listRoutes } from "@/lib/services/routes/list";
import { rollbackRoute } from "@/lib/services/routes/rollback";
import { testRouteRequest } from "@/lib/services/routes/test";
import { listRouteVersions } from "@/lib/services/routes/versions";
import { integer, print, readStdin, repeatable, table, teamContext, when } from "./shared";

/** The JSON in a file, or on stdin for `-`. */
async function readJsonFile(file: string): Promise<unknown> {
  const text = file === "-" ? await readStdin() : readFileSync(file, "utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidInputError(`${file === "-" ? "stdin" : file} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function jsonObjectArgument(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError("expected a JSON object");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new InvalidArgumentError("expected a JSON object");
  return parsed as Record<string, unknown>;
}

/** `name:value` or `name=value` pairs into an object. */
function pairs(lines: string[], what: string): Record<string, string> {
  return Object.fromEntries(
    lines.map((line) => {
      const at = line.search(/[:=]/);
      if (at <= 0) throw new InvalidInputError(`${what} "${line}": write it as name=value`);
      return [line.slice(0, at).trim(), line.slice(at + 1).trim()];
    }),
  );
}

function versionRows(versions: RouteVersion[], deployedVersionId: string | null): string[] {
  return table([
    ["VERSION", "STATE", "SAVED", "PROBLEMS"],
    ...versions.map((v) => [
      String(v.number),
      v.id === deployedVersionId ? "deployed" : v.valid ? "valid" : "invalid",
      when(v.createdAt),
      v.problems.length > 0 ? describeRouteProblems(v.problems) : "-",
    ]),
  ]);
}

export function pathLine(path: RouteStep[]): string {
  return path.map((step) => `${step.elementId}${step.output ? ` —${step.output}→` : ""}`).join(" ");
}

export function registerRouteCommands(program: Command): void {
  const route = program
    .command("route")
    .description("a gateway's dynamic routes (called as model \"dynamic/{name}\"): list, export and import as JSON, versions, deploy, roll back, test");

  route
    .command("list <team> <gateway>")
    .description("the gateway's routes, with the version deployed and the newest")
    .action(async (teamSlug: string, gatewaySlug: string, _options: unknown, command: Command) => {
      const { ctx, team } = await teamContext(teamSlug);
      const routes = await listRoutes({ ctx, teamId: team.id, gatewaySlug });
      print(command, routes, () =>
        routes.length === 0
          ? [`no routes in gateway ${gatewaySlug}`]
          : table([
              ["NAME", "ID", "DEPLOYED", "LATEST", "MODIFIED"],
              ...routes.map((r) => [r.route.name, r.route.id, r.deployedVersion ? `v${r.deployedVersion}` : "-", `v${r.latestVersion}`, when(r.route.updatedAt)]),
            ]),
      );
    });

  route
    .command("export <team> <gateway> <route>")
    .description("print a version's route JSON ({ id, name, elements }): the deployed one unless --version")
    .option("--version <number>", "the version to export", integer)
    .action(async (teamSlug: string, gatewaySlug: string, name: string, options: { version?: number }) => {
      const { ctx, team } = await teamContext(teamSlug);
      const exported = await exportRoute({ ctx, teamId: team.id, gatewaySlug, route: name, version: options.version });
      process.stdout.write(`${JSON.stringify(exported.route, null, 2)}\n`);
      process.stderr.write(`route ${exported.route.name} version ${exported.version}\n`);
    });

  route
    .command("import <team> <gateway> <file>")
    .description("create the route, or its next version, from a JSON file (- for stdin) in either of Cloudflare's spellings")
    .option("--name <name>", "the route's name, instead of the file's")
    .action(async (teamSlug: string, gatewaySlug: string, file: string, options: { name?: string }, command: Command) => {
      const { ctx, team } = await teamContext(teamSlug);
      const imported = await importRoute({ ctx, teamId: team.id, gatewaySlug, route: await readJsonFile(file), name: options.name });
      print(command, imported, () => [
        `${imported.created ? "created route" : "saved route"} ${imported.route.name} version ${imported.version.number}` +
          (imported.version.valid ? "; deploy it with: switchyard route deploy " + [teamSlug, gatewaySlug, imported.route.name, imported.version.number].join(" ") : ""),
        ...(imported.version.valid ? [] : [`it cannot be deployed yet: ${describeRouteProblems(imported.version.problems)}`]),
      ]);
    });

  route
    .command("versions <team> <gateway> <route>")
    .description("the route's versions, newest first, and which one is deployed")
    .action(async (teamSlug: string, gatewaySlug: string, name: string, _options: unknown, command: Command) => {
      const { ctx, team } = await teamContext(teamSlug);
      const scope = { ctx, teamId: team.id, gatewaySlug, route: name };
      const [versions, { route: found }] = await Promise.all([listRouteVersions(scope), getRoute(scope)]);
      print(command, versions, () => versionRows(versions, found.deployedVersionId));
    });

  route
    .command("deploy <team> <gateway> <route> <version>")
    .description("put a version in service: dynamic/{name} runs it from now on")
    .action(async (teamSlug: string, gatewaySlug: string, name: string, version: string, _options: unknown, command: Command) => {
      const { ctx, team } = await teamContext(teamSlug);
      const deployed = await deployRoute({ ctx, teamId: team.id, gatewaySlug, route: name, version: integer(version) });
      print(command, deployed, () => [`deployed route ${name} version ${deployed.version.number}`]);
    });

  route
    .command("rollback <team> <gateway> <route>")
    .description("deploy the version that served before the current one, or --version")
    .option("--version <number>", "the version to go back to", integer)
    .action(async (teamSlug: string, gatewaySlug: string, name: string, options: { version?: number }, command: Command) => {
      const { ctx, team } = await teamContext(teamSlug);
      const deployed = await rollbackRoute({ ctx, teamId: team.id, gatewaySlug, route: name, version: options.version });
      print(command, deployed, () => [`rolled route ${name} back to version ${deployed.version.number}`]);
    });

  route
    .command("test <team> <gateway> <route>")
    .description("the path a sample request would take and the model it would call; calls nothing")
    .option("--version <number>", "the version to test (default: the newest)", integer)
    .option("--body <json>", "the request body, a JSON object", jsonObjectArgument)
    .option("--header <name:value>", "a request header (repeatable)", repeatable)
    .option("--metadata <key=value>", "a cf-aig-metadata entry (repeatable)", repeatable)
    .option("--fail <element>", "assume this model element fails (repeatable)", repeatable)
    .option("--over-limit <element>", "assume this rate element is over its limit (repeatable)", repeatable)
    .action(
      async (
        teamSlug: string,
        gatewaySlug: string,
        name: string,
        options: { version?: number; body?: Record<string, unknown>; header?: string[]; metadata?: string[]; fail?: string[]; overLimit?: string[] },
        command: Command,
      ) => {
        const { ctx, team } = await teamContext(teamSlug);
        const result = await testRouteRequest({
          ctx,
          teamId: team.id,
          gatewaySlug,
          route: name,
          version: options.version,
          sample: {
            body: options.body ?? {},
            headers: pairs(options.header ?? [], "header"),
            metadata: pairs(options.metadata ?? [], "metadata"),
            failing: options.fail ?? [],
            overLimit: options.overLimit ?? [],
          },
        });
        print(command, result, () => [
          `path: ${pathLine(result.path)}`,
          result.model ? `model: ${result.model.provider}/${result.model.model} (element ${result.model.elementId})` : "model: none (the route would fail)",
        ]);
      },
    );
}
