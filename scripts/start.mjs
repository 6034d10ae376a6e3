// `npm start`: builds what is missing, then serves from the compiled server (dist/server.mjs) in
// this process. Plain JavaScript, so the serving process loads no TypeScript loader.
import { spawnSync } from "node:child_process";
import cluster from "node:cluster";
import { existsSync } from "node:fs";
import { createRequire, setSourceMapsSupport } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Runs a build step in a child process, so none of the build's own code stays in the server's memory. */
function build(script, args, failure) {
  const result = spawnSync(process.execPath, [script, ...args], { cwd: rootDir, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(failure);
    process.exit(result.status ?? 1);
  }
}

// Cluster workers run this file too; the primary has built before forking them.
if (cluster.isPrimary) {
  // A fresh clone has no build; later builds are explicit (`npm run build`), as one takes minutes.
  if (!existsSync(path.join(rootDir, ".next", "BUILD_ID"))) {
    console.log("No production build found: running `next build` (once)…");
    const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
    build(nextBin, ["build"], "next build failed; fix the error above and run `npm start` again.");
  }
  // The server is compiled on every start: it takes well under a second, and a bundle left from
  // an earlier checkout would serve old code.
  build(path.join(rootDir, "scripts", "build-server.mjs"), [], "Compiling the server failed; fix the error above and run `npm start` again.");
}

// Stack traces (logged with SWITCHYARD_DEBUG, or a crash's) name the sources, not the bundle. Maps
// are read only for files loaded after this, and only formatting a stack pays for them.
setSourceMapsSupport(true);
await import("../dist/server.mjs");
