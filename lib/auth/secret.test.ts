import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadAuthSecret } from "./secret";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratch(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "sy-auth-"));
  dirs.push(dir);
  return path.join(dir, "data");
}

describe("loadAuthSecret", () => {
  it("leaves AUTH_SECRET to Auth.js", () => {
    const dataDir = scratch();
    expect(loadAuthSecret({ AUTH_SECRET: "from-env" }, dataDir)).toBeUndefined();
  });

  it("generates a private secret file once and reuses it", () => {
    const dataDir = scratch();
    const first = loadAuthSecret({}, dataDir);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const file = path.join(dataDir, "auth.secret");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8").trim()).toBe(first);
    expect(loadAuthSecret({}, dataDir)).toBe(first);
  });
});
