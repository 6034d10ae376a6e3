import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { isProcessAlive } from "@/lib/process-alive";
import { gatewayEntries } from "./entries";

/**
 * Vitest global setup of the integration project: a production build of the current sources for
 * the suites' Next route-handler entry (tests/support/next-entry.ts), handed to them as
 * `inject("nextBuildDir")`.
 *
 * `next build` writes `.next` as usual (so `npm start` finds the same build), then the build is
 * copied to a folder of its own named by the hash of the sources it was made from, and the suites
 * serve that copy. A copy never changes once made, so a later build in this tree (another test run
 * after an edit, a `next build` by hand) cannot pull the files from under a running suite, and an
 * unchanged tree reuses its copy without building.
 */

declare module "vitest" {
  interface ProvidedContext {
    /** Absolute path of the production build the Next entry serves (a copy of `.next`). */
    nextBuildDir: string;
  }
}

export const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const distDir = path.join(rootDir, ".next");
/** Under node_modules so no tool (tsc, eslint, vitest, git) looks inside. */
const cacheDir = path.join(rootDir, "node_modules", ".cache", "switchyard-next-builds");
/** Serialises the builds of test runs sharing this tree. */
const lockDir = path.join(cacheDir, "build.lock");
const LOCK_WAIT_MS = 5 * 60_000;
/** A copy no run has used for this long is deleted; a run takes minutes. */
const UNUSED_COPY_MS = 60 * 60_000;
/** Not needed to serve: the build cache and the route types for `tsc`. */
const NOT_COPIED = new Set(["cache", "types"]);

export default async function setup(project: TestProject): Promise<void> {
  if (!gatewayEntries().includes("next")) return;
  mkdirSync(cacheDir, { recursive: true });
  let hash = sourceHash();
  let copy = path.join(cacheDir, hash);
  if (!existsSync(copy)) {
    await withLock(() => {
      // Another test run may have built while this one waited for the lock; the tree may have changed too.
      hash = sourceHash();
      copy = path.join(cacheDir, hash);
      if (!existsSync(copy)) buildInto(copy);
    });
  }
  const now = new Date();
  utimesSync(copy, now, now);
  pruneUnused(copy);
  project.provide("nextBuildDir", copy);
}

function buildInto(copy: string): void {
  const started = Date.now();
  console.log("integration tests: `next build` for the Next route-handler entry (the sources changed since the last one)…");
  const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
  const result = spawnSync(process.execPath, [nextBin, "build"], {
    cwd: rootDir,
    // Vitest sets NODE_ENV=test; a production build wants production.
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim().split("\n").slice(-60).join("\n");
    throw new Error(
      "Every integration suite also runs through the Next route handlers, which needs a production build, " +
        `and \`next build\` failed (${result.error?.message ?? `exit code ${result.status}`}). Fix the build ` +
        "(`npx next build` shows it again; a `next build` run by someone else at the same time also breaks it), " +
        `or meanwhile run the direct node:http entry only: TEST_GATEWAY_ENTRY=node.\n--- next build, last lines ---\n${output}`,
    );
  }
  const buildId = readBuildId(distDir);
  const partial = `${copy}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  // Symbolic links (.next/node_modules points at the externals) become absolute, so they still resolve from the copy.
  cpSync(distDir, partial, { recursive: true, filter: (source) => !NOT_COPIED.has(path.relative(distDir, source)) });
  if (readBuildId(partial) !== buildId || readBuildId(distDir) !== buildId) {
    rmSync(partial, { recursive: true, force: true });
    throw new Error("`.next` changed while the integration tests copied their build (another `next build` in this tree?); run them again.");
  }
  renameSync(partial, copy);
  console.log(`integration tests: next build done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function readBuildId(dir: string): string | undefined {
  try {
    return readFileSync(path.join(dir, "BUILD_ID"), "utf8").trim();
  } catch {
    return undefined;
  }
}

function pruneUnused(keep: string): void {
  for (const name of readdirSync(cacheDir)) {
    const dir = path.join(cacheDir, name);
    if (dir === keep || dir === lockDir) continue;
    try {
      if (Date.now() - statSync(dir).mtimeMs > UNUSED_COPY_MS) rmSync(dir, { recursive: true, force: true });
    } catch {
      // Pruned by another run meanwhile.
    }
  }
}

/**
 * A hash of every file the build could read: the repository's tracked and untracked, non-ignored
 * files, less the ones no bundle imports (tests, benchmarks, prose), so editing a test costs no
 * build. Contents, not modification times, so returning to an earlier tree reuses its build.
 */
function sourceHash(): string {
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: rootDir,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr || listed.error?.message}`);
  const files = [...new Set(listed.stdout.split("\0").filter(Boolean))]
    .filter((file) => !/^(tests|bench)\/|\.test\.tsx?$|\.md$/.test(file))
    .sort();
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(file).update("\0");
    const full = path.join(rootDir, file);
    // Deleted but still tracked: its absence is part of the state.
    hash.update(existsSync(full) ? readFileSync(full) : "(deleted)").update("\0");
  }
  return hash.digest("hex").slice(0, 24);
}

async function withLock(fn: () => void): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(path.join(lockDir, "pid"), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (!holderAlive()) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`another test run has been building the Next app for over ${LOCK_WAIT_MS / 1000} s (lock: ${lockDir})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function holderAlive(): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(lockDir, "pid"), "utf8"));
  } catch {
    // Created and its pid not written yet, unless that was long enough ago to mean its creator died.
    try {
      return Date.now() - statSync(lockDir).mtimeMs < 10_000;
    } catch {
      return false;
    }
  }
  return isProcessAlive(pid);
}
