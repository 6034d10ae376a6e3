import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI } from "@/tests/fake-providers/openai";
import { cliOnOwnDatabase } from "@/tests/support/cli";
import { closedPort } from "@/tests/support/http";

const root = path.resolve(import.meta.dirname, "..");
const { switchyard, dataDir, env } = cliOnOwnDatabase("beside-server", { SWITCHYARD_ALLOW_PRIVATE_UPSTREAMS: "true" });

/** The production server (server.ts's main, as dist/server.mjs runs it) through tsx, on the CLI's data directory. */
function startServer(port: number): ChildProcess {
  const run = 'const { main } = await import("./server.ts"); await main();';
  return spawn(process.execPath, ["--import", "tsx", "--input-type=module", "--eval", run], {
    cwd: root,
    env: { ...env, PORT: String(port), WORKERS: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** The URL the server prints once it listens; what it printed if it exits first. */
async function listening(server: ChildProcess): Promise<string> {
  let output = "";
  return new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /Switchyard listening on (\S+)/.exec(output)?.[1];
      if (url) resolve(url);
    };
    server.stdout!.on("data", read);
    server.stderr!.on("data", read);
    server.once("exit", (code) => reject(new Error(`the server exited with code ${code}:\n${output}`)));
  });
}

function chat(url: string, token: string): Promise<Response> {
  return fetch(`${url}/v1/acme/prod/compat/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-aig-authorization": `Bearer ${token}` },
    body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
  });
}

// The server and each CLI run start Node and tsx: seconds per step.
describe("the CLI while the server runs on the embedded database", { timeout: 180_000 }, () => {
  let fake: FakeOpenAI;
  let server: ChildProcess;
  let url: string;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
    // The first run creates the database and the master key, which the server then reads.
    expect(switchyard(["team", "create", "acme"]).status).toBe(0);
    server = startServer(await closedPort());
    url = await listening(server);
  }, 120_000);
  afterAll(async () => {
    if (server?.exitCode === null) {
      server.kill("SIGTERM");
      await once(server, "exit");
    }
    await fake?.close();
  });

  it("shares the database through an owner-only socket that the lock file names", () => {
    const lock = JSON.parse(readFileSync(path.join(dataDir, "db", "switchyard.lock"), "utf8")) as { pid: number; socket: string };
    expect(lock).toEqual({ pid: server.pid, socket: path.join(dataDir, "db", "switchyard-socket", "db.sock") });
    expect(statSync(path.dirname(lock.socket)).mode & 0o777).toBe(0o700);
    expect(statSync(lock.socket).isSocket()).toBe(true);
  });

  it("sets up a gateway, a key and a token that the running server accepts at once, and refuses once revoked", async () => {
    expect(switchyard(["gateway", "create", "acme", "prod", "--authentication"]).status).toBe(0);
    expect(switchyard(["key", "add", "acme", "openai", "--base-url", fake.baseUrl], "sk-beside-server\n").status).toBe(0);
    const created = switchyard(["token", "create", "acme", "--name", "ci", "--json"]);
    expect(created.status).toBe(0);
    const { token, id } = JSON.parse(created.stdout) as { token: string; id: string };

    const answered = await chat(url, token);
    expect(answered.status).toBe(200);
    expect(await answered.json()).toMatchObject({ choices: [{ message: { role: "assistant" } }] });

    // The server holds the team's snapshot now; the revocation reaches it through the change feed (LISTEN).
    expect(switchyard(["token", "revoke", "acme", id]).status).toBe(0);
    expect((await chat(url, token)).status).toBe(401);
  });

  it("lets the server finish and stop cleanly, and then opens the folder itself", async () => {
    server.kill("SIGTERM");
    const [code] = (await once(server, "exit")) as [number | null];
    expect(code).toBe(0);
    expect(() => statSync(path.join(dataDir, "db", "switchyard.lock"))).toThrow();
    expect(JSON.parse(switchyard(["token", "list", "acme", "--json"]).stdout)).toEqual([expect.objectContaining({ name: "ci", revokedAt: expect.any(String) })]);
  });
});
