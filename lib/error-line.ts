import { config } from "@/lib/config";

const MAX_LINE = 300;

/**
 * An error as one log line: name, code and the first line of its message, then its cause's. A
 * thrown object is never dumped (a database client's holds user, host and database). The stack
 * comes only with SWITCHYARD_DEBUG=true.
 */
export function errorLine(error: unknown): string {
  const line = describe(error);
  const cause = error instanceof Error && error.cause !== undefined ? `; cause: ${describe(error.cause)}` : "";
  const text = line + cause;
  const short = text.length > MAX_LINE ? `${text.slice(0, MAX_LINE)}…` : text;
  if (config().debug && error instanceof Error && error.stack) return `${short}\n${error.stack}`;
  return short;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return typeof error === "string" ? firstLine(error) : `thrown ${typeof error}`;
  const code = (error as { code?: unknown }).code;
  const name = typeof code === "string" || typeof code === "number" ? `${error.name} [${code}]` : error.name;
  return `${name}: ${firstLine(error.message)}`;
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0] ?? "";
}
