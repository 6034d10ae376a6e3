import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";

const BIN = path.resolve(import.meta.dirname, "../../bin/switchyard.js");

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The real CLI in a child process, on an embedded database of its own in a temporary directory
 * (`dataDir`, also a place for the files a test hands it) removed after the test file. The
 * environment's database and master keys are cleared so that nothing outside the test leaks in;
 * `env` is that environment, for a server on the same data directory.
 */
export function cliOnOwnDatabase(
  name: string,
  extraEnv: Record<string, string> = {},
): { switchyard: (args: string[], stdin?: string) => CliRun; dataDir: string; env: NodeJS.ProcessEnv } {
  const dataDir = mkdtempSync(path.join(tmpdir(), `switchyard-cli-${name}-`));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = { ...process.env, SWITCHYARD_DATA_DIR: dataDir, DATABASE_URL: "", DATABASE_DRIVER: "", SWITCHYARD_MASTER_KEYS: "", ...extraEnv };
  const switchyard = (args: string[], stdin?: string): CliRun => {
    const result = spawnSync(process.execPath, [BIN, ...args], { input: stdin ?? "", encoding: "utf8", env });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  return { switchyard, dataDir, env };
}
