import { spawnSync } from "node:child_process";
import cluster from "node:cluster";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "@/server";

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// A fresh clone has no build; later builds are explicit (`npm run build`) so a start never rebuilds by surprise.
// Cluster workers run this file too; the primary has built before forking them.
if (cluster.isPrimary && !existsSync(path.join(rootDir, ".next", "BUILD_ID"))) {
  console.log("No production build found: running `next build` (once)…");
  const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
  const build = spawnSync(process.execPath, [nextBin, "build"], { cwd: rootDir, stdio: "inherit" });
  if (build.status !== 0) {
    console.error("next build failed; fix the error above and run `npm start` again.");
    process.exit(build.status ?? 1);
  }
}

await main();
