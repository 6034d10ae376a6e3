// The e2e suite's Switchyard: the production server as `npm start` runs it (the compiled
// dist/server.mjs, in a node process of its own without tsx) on a fresh, empty data directory, so
// every run starts at the first-run owner setup. Playwright starts this file as a webServer
// (playwright.config.ts); it prepares the builds and the environment, then runs the server.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import buildForTests, { rootDir } from "../../support/next-build";

// A production build of the current sources, made (or reused) by the integration suites' build
// step: an immutable copy of `.next` named by the sources' hash, under the same lock, so this
// server is never served from a `.next` that another build in the tree is rewriting. That step
// skips itself when the integration suites are told to run without Next, which does not apply here.
delete process.env.TEST_GATEWAY_ENTRY;
let buildDir: string | undefined;
const project = { provide: (_key: string, value: string) => (buildDir = value) } as unknown as TestProject;
await buildForTests(project);
if (!buildDir) throw new Error("tests/support/next-build.ts provided no build directory");

// Serve that copy: Next reads its configuration from the build and `distDir` from here, as its own
// standalone server does (the same as tests/support/next-entry.ts).
const { config } = JSON.parse(readFileSync(path.join(buildDir, "required-server-files.json"), "utf8")) as {
  config: Record<string, unknown>;
};
const distDir = `./${path.relative(rootDir, buildDir)}`;

// Everything this server keeps lives in a fresh directory: the embedded database (whatever
// DATABASE_URL the shell has), the generated master key and the sign-in secret.
for (const name of ["DATABASE_URL", "DATABASE_DRIVER", "SWITCHYARD_MASTER_KEYS", "AUTH_SECRET"]) delete process.env[name];
const dataDir = mkdtempSync(path.join(tmpdir(), "switchyard-e2e-"));
process.on("exit", () => rmSync(dataDir, { recursive: true, force: true }));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: "production",
  __NEXT_PRIVATE_STANDALONE_CONFIG: JSON.stringify({ ...config, distDir, distDirRoot: distDir }),
  SWITCHYARD_DATA_DIR: dataDir,
  SWITCHYARD_ALLOW_PRIVATE_UPSTREAMS: "true",
  // One process: the embedded database takes one.
  WORKERS: "1",
};

const compiled = spawnSync(process.execPath, [path.join(rootDir, "scripts", "build-server.mjs")], { cwd: rootDir, stdio: "inherit" });
if (compiled.status !== 0) throw new Error(`compiling the server failed (${compiled.error?.message ?? `exit code ${compiled.status}`})`);

console.log(`e2e: serving ${distDir} with the data directory ${dataDir}`);
const server = spawn(process.execPath, [path.join(rootDir, "dist", "server.mjs")], { cwd: rootDir, env, stdio: "inherit" });
// Playwright stops its web servers with SIGTERM (to the process group, so the server gets it too;
// it takes a repeat within a second as the same stop) and waits for this process to exit.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
