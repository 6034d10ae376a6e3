import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { openDatabase, type DatabaseHandle } from "@/db/client";

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
 *
 * With `shared`, this test process holds the database and shares it as a running server does
 * (db/pglite/local-socket.ts), so each run connects to it instead of starting PGlite on the folder
 * and checking its migrations: about half of a run's time. The first run otherwise creates it.
 */
export function cliOnOwnDatabase(
  name: string,
  extraEnv: Record<string, string> = {},
  { shared = false }: { shared?: boolean } = {},
): { switchyard: (args: string[], stdin?: string) => CliRun; dataDir: string; env: NodeJS.ProcessEnv } {
  const dataDir = mkdtempSync(path.join(tmpdir(), `switchyard-cli-${name}-`));
  let holder: DatabaseHandle | undefined;
  if (shared) {
    beforeAll(async () => {
      holder = await openDatabase({ driver: "pglite", dataDir: path.join(dataDir, "db"), embeddedRole: "server" });
      await holder.migrate();
      await holder.share!();
      // Creating the database and applying every migration: seconds, many more on a busy machine.
    }, 180_000);
  }
  afterAll(async () => {
    await holder?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);
  const env = { ...process.env, SWITCHYARD_DATA_DIR: dataDir, DATABASE_URL: "", DATABASE_DRIVER: "", SWITCHYARD_MASTER_KEYS: "", ...extraEnv };
  // Synchronous, which blocks this thread: the shared database answers from its worker thread all the same.
  const switchyard = (args: string[], stdin?: string): CliRun => {
    const result = spawnSync(process.execPath, [BIN, ...args], { input: stdin ?? "", encoding: "utf8", env });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  return { switchyard, dataDir, env };
}
