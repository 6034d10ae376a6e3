// The production server as `npm start` runs it (the compiled dist/server.mjs, in a node process of
// its own without tsx) on a data directory of the caller's, serving the current sources' Next build.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import buildForTests, { rootDir } from "../../support/next-build";

/**
 * Builds what the server serves: a production build of the current sources, made (or reused) by
 * the integration suites' build step (an immutable copy of `.next` named by the sources' hash,
 * under the same lock, so the server is never served from a `.next` that another build in the tree
 * is rewriting), and the compiled server (unless `compile` is false: a server running already compiled it). Returns the environment that serves that build.
 */
export async function prepareServer({ compile = true }: { compile?: boolean } = {}): Promise<NodeJS.ProcessEnv> {
  // That step skips itself when the integration suites are told to run without Next, which does not apply here.
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
  const compiled = compile ? spawnSync(process.execPath, [path.join(rootDir, "scripts", "build-server.mjs")], { cwd: rootDir, stdio: "inherit" }) : null;
  if (compiled && compiled.status !== 0) throw new Error(`compiling the server failed (${compiled.error?.message ?? `exit code ${compiled.status}`})`);
  // Everything the server keeps lives in its data directory: the embedded database (whatever
  // DATABASE_URL the shell has), the generated master key and the sign-in secret.
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ["DATABASE_URL", "DATABASE_DRIVER", "SWITCHYARD_MASTER_KEYS", "AUTH_SECRET"]) delete env[name];
  return {
    ...env,
    NODE_ENV: "production",
    __NEXT_PRIVATE_STANDALONE_CONFIG: JSON.stringify({ ...config, distDir, distDirRoot: distDir }),
    SWITCHYARD_ALLOW_PRIVATE_UPSTREAMS: "true",
    // One process: the embedded database takes one.
    WORKERS: "1",
  };
}

/** Starts dist/server.mjs on `dataDir`; the caller stops it. */
export function startServer(env: NodeJS.ProcessEnv, dataDir: string): ChildProcess {
  console.log(`e2e: serving ${JSON.parse(env.__NEXT_PRIVATE_STANDALONE_CONFIG!).distDir} with the data directory ${dataDir}`);
  return spawn(process.execPath, [path.join(rootDir, "dist", "server.mjs")], { cwd: rootDir, env: { ...env, SWITCHYARD_DATA_DIR: dataDir }, stdio: "inherit" });
}
