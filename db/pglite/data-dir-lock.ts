import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isProcessAlive } from "@/lib/process-alive";

/**
 * PGlite is single-process: a second process opening the same folder works on its own copy and its
 * writes are lost. So one process holds the folder, named with its pid in the lock file; a server
 * that holds it shares it over a local socket (local-socket.ts) and adds the socket's path, and other
 * processes (the CLI) use the database through that socket instead of opening the files.
 */
interface LockRecord {
  pid: number;
  socket?: string;
}

/**
 * A server holds the folder and shares it; a tool (the CLI, the migration script) uses a server's
 * shared database when one runs, and otherwise holds the folder for the moment it runs.
 */
export type EmbeddedRole = "server" | "tool";

export type DataDirAccess =
  | { kind: "held"; lockFile: string; announce(socketPath: string): void; release(): void }
  | { kind: "shared"; socketPath: string; holder: number };

/** How long a process waits for the folder's holder to share it or let it go: a CLI command, or a server's start with its migrations. */
export const HOLDER_WAIT_MS = 30_000;
const RETRY_MS = 100;

/**
 * Takes the folder `dir`, or finds the server that shares it. A holder that does not share it (a
 * tool, or a server not yet migrated) is waited for; a server never uses another server's socket, as
 * it would lose its database when that one stops.
 */
export async function accessDataDir(dir: string, role: EmbeddedRole, deadline = Date.now() + HOLDER_WAIT_MS): Promise<DataDirAccess> {
  // PGlite does not create parent folders itself.
  mkdirSync(dir, { recursive: true });
  const lockFile = path.join(dir, "switchyard.lock");
  for (;;) {
    if (tryCreate(lockFile)) return held(lockFile);
    const holder = readRecord(lockFile);
    const alive = holder && isProcessAlive(holder.pid);
    if (holder && alive && holder.socket) {
      if (role === "tool") return { kind: "shared", socketPath: holder.socket, holder: holder.pid };
      throw new Error(`The embedded database at ${dir} is served by another Switchyard server, process ${holder.pid}; stop it first, or run Switchyard on Postgres with DATABASE_URL.`);
    }
    if (holder && (!alive || holder.pid === process.pid)) {
      // Left by a process that ended without letting go, or by an earlier open in this process.
      writeRecord(lockFile, { pid: process.pid });
      return held(lockFile);
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `The embedded database at ${dir} is held by process ${holder?.pid ?? "unknown"}, which did not share it or let it go within ${HOLDER_WAIT_MS / 1000}s. ` +
          `If no Switchyard process is running, delete ${lockFile}.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

function tryCreate(lockFile: string): boolean {
  try {
    writeFileSync(lockFile, JSON.stringify({ pid: process.pid } satisfies LockRecord), { flag: "wx" });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

/** The holder; undefined while a holder is still writing the file it created, or after it let go. */
function readRecord(lockFile: string): LockRecord | undefined {
  let text: string;
  try {
    text = readFileSync(lockFile, "utf8").trim();
  } catch {
    return undefined;
  }
  // Earlier versions wrote the pid alone.
  if (/^\d+$/.test(text)) return { pid: Number(text) };
  try {
    const record = JSON.parse(text) as Partial<LockRecord>;
    return typeof record.pid === "number" ? { pid: record.pid, socket: typeof record.socket === "string" ? record.socket : undefined } : undefined;
  } catch {
    return undefined;
  }
}

/** Replaces the file in one step, so a reader never sees it half-written. */
function writeRecord(lockFile: string, record: LockRecord): void {
  const next = `${lockFile}.${process.pid}`;
  writeFileSync(next, JSON.stringify(record));
  renameSync(next, lockFile);
}

function held(lockFile: string): DataDirAccess {
  const release = () => {
    if (readRecord(lockFile)?.pid === process.pid) rmSync(lockFile, { force: true });
  };
  process.once("exit", release);
  return {
    kind: "held",
    lockFile,
    announce: (socketPath) => writeRecord(lockFile, { pid: process.pid, socket: socketPath }),
    release: () => {
      process.off("exit", release);
      release();
    },
  };
}
