import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { accessDataDir } from "./data-dir-lock";

describe("the embedded database's folder lock", () => {
  let dir: string;
  let lockFile: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-lock-"));
    lockFile = path.join(dir, "switchyard.lock");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("is taken when free, names the socket once announced, and is let go", async () => {
    const access = await accessDataDir(dir, "server");
    if (access.kind !== "held") throw new Error("expected to hold the folder");
    expect(JSON.parse(readFileSync(lockFile, "utf8"))).toEqual({ pid: process.pid });
    access.announce("/somewhere/db.sock");
    expect(JSON.parse(readFileSync(lockFile, "utf8"))).toEqual({ pid: process.pid, socket: "/somewhere/db.sock" });
    access.release();
    expect(() => readFileSync(lockFile)).toThrow();
  });

  it("sends a tool to the socket of a live holder that shares, and refuses a second server", async () => {
    // The process that started this one is alive, as a running server would be.
    writeFileSync(lockFile, JSON.stringify({ pid: process.ppid, socket: "/somewhere/db.sock" }));
    expect(await accessDataDir(dir, "tool")).toEqual({ kind: "shared", socketPath: "/somewhere/db.sock", holder: process.ppid });
    await expect(accessDataDir(dir, "server")).rejects.toThrow(`is served by another Switchyard server, process ${process.ppid}`);
  });

  it("waits for a live holder that does not share (a CLI command, a server migrating), and says so at the wait's end", async () => {
    writeFileSync(lockFile, String(process.ppid));
    for (const role of ["tool", "server"] as const) {
      await expect(accessDataDir(dir, role, Date.now() + 300)).rejects.toThrow(
        `is held by process ${process.ppid}, which did not share it or let it go within 30s. If no Switchyard process is running, delete ${lockFile}`,
      );
    }
  });

  it("takes over from a holder that ended without letting go", async () => {
    const ended = spawnSync(process.execPath, ["-e", ""]).pid!;
    writeFileSync(lockFile, JSON.stringify({ pid: ended, socket: "/gone/db.sock" }));
    const access = await accessDataDir(dir, "tool");
    expect(access.kind).toBe("held");
    expect(JSON.parse(readFileSync(lockFile, "utf8"))).toEqual({ pid: process.pid });
    if (access.kind === "held") access.release();
  });
});
