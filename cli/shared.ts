import { InvalidArgumentError, type Command } from "commander";
import { database, type DatabaseHandle } from "@/db/client";
import type { Team } from "@/db/schema";
import type { ServiceContext } from "@/lib/services/context";
import { getTeamBySlug } from "@/lib/services/teams/get";

let opened: DatabaseHandle | undefined;

/** The CLI acts as the operator: whoever can run it controls the deployment's data directory. */
export async function operatorContext(): Promise<ServiceContext> {
  opened = await database("tool");
  return { db: opened.db, actor: { type: "operator" }, origin: { via: "cli" } };
}

/** Closes the database if a command opened it; PGlite must be closed to flush its files. */
export async function closeDatabase(): Promise<void> {
  await opened?.close();
  opened = undefined;
}

export async function teamContext(teamSlug: string): Promise<{ ctx: ServiceContext; team: Team }> {
  const ctx = await operatorContext();
  return { ctx, team: await getTeamBySlug({ ctx, slug: teamSlug }) };
}

/** Prints `data` as JSON under `--json`, else the human-readable lines. */
export function print(command: Command, data: unknown, human: () => string[]): void {
  const lines = command.optsWithGlobals<{ json?: boolean }>().json ? [JSON.stringify(data, null, 2)] : human();
  process.stdout.write(`${lines.join("\n")}\n`);
}

/** Rows of cells as lines of aligned columns. */
export function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd());
}

export function when(date: Date | null): string {
  return date ? `${date.toISOString().slice(0, 16).replace("T", " ")} UTC` : "-";
}

export function onOff(value: boolean): string {
  return value ? "on" : "off";
}

export function integer(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n)) throw new InvalidArgumentError("expected a whole number");
  return n;
}

export function repeatable(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** All of stdin, trimmed: secrets are piped (`echo "$KEY" | switchyard key add …`) to keep them out of shell history. */
export async function readStdin(): Promise<string> {
  process.stdin.setEncoding("utf8");
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return text.trim();
}
