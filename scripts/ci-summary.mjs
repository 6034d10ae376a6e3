// Prints the one closing line CI reads, `N passed, N failed[, N skipped]`, summing Vitest's and
// Playwright's JSON reports.
// Usage: node scripts/ci-summary.mjs <vitest.json> <exit code of the test command> [<playwright.json>]
import { existsSync, readFileSync } from "node:fs";

const [vitestPath, exitCodeArg, playwrightPath] = process.argv.slice(2);
const exitCode = Number(exitCodeArg);

let passed = 0;
let failed = 0;
let skipped = 0;

function readJson(path) {
  if (!path || !existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    console.error(`ci-summary: could not read ${path}: ${error.message}`);
    failed += 1;
    return undefined;
  }
}

const vitest = readJson(vitestPath);
if (vitest) {
  passed += vitest.numPassedTests;
  skipped += vitest.numPendingTests + vitest.numTodoTests;
  // A file that fails to load has no failed test in it, only a failed status: count it once.
  const brokenFiles = vitest.testResults.filter(
    (file) => file.status === "failed" && !file.assertionResults.some((test) => test.status === "failed"),
  ).length;
  failed += vitest.numFailedTests + brokenFiles;
} else {
  console.error("ci-summary: no Vitest report (the typecheck or lint failed first, or Vitest did not run)");
}

const playwright = readJson(playwrightPath);
if (playwright) {
  const stats = playwright.stats ?? {};
  // `flaky` passed on a retry; `unexpected` failed (or passed where it was marked to fail).
  passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
  skipped += stats.skipped ?? 0;
  // Errors outside any test (a webServer that did not start, a spec that does not load) fail no test.
  const globalErrors = (playwright.errors ?? []).length;
  failed += (stats.unexpected ?? 0) + (stats.unexpected ? 0 : Math.min(globalErrors, 1));
} else if (playwrightPath) {
  console.error("ci-summary: no Playwright report (an earlier step failed, or the end-to-end suite did not run)");
}

// Typecheck, lint and runner errors (unhandled rejections, a server that did not start) fail the
// command without a failed test.
if (exitCode !== 0 && failed === 0) failed = 1;
if ((!vitest || (playwrightPath && !playwright)) && failed === 0) failed = 1;

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
