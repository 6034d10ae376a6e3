// Prints the one closing line CI reads, `N passed, N failed[, N skipped]`, from Vitest's JSON report.
// Usage: node scripts/ci-summary.mjs <report.json> <exit code of the test command>
import { existsSync, readFileSync } from "node:fs";

const [reportPath, exitCodeArg] = process.argv.slice(2);
const exitCode = Number(exitCodeArg);

let passed = 0;
let failed = 0;
let skipped = 0;
if (reportPath && existsSync(reportPath)) {
  const report = JSON.parse(readFileSync(reportPath, "utf8"));
  passed = report.numPassedTests;
  skipped = report.numPendingTests + report.numTodoTests;
  // A file that fails to load has no failed test in it, only a failed status: count it once.
  const brokenFiles = report.testResults.filter(
    (file) => file.status === "failed" && !file.assertionResults.some((test) => test.status === "failed"),
  ).length;
  failed = report.numFailedTests + brokenFiles;
} else {
  console.error("ci-summary: no Vitest report (the typecheck or lint failed first, or Vitest did not run)");
}
// Typecheck, lint and Vitest's own errors (unhandled rejections) fail the command without a failed test.
if ((exitCode !== 0 || !existsSync(reportPath ?? "")) && failed === 0) failed = 1;

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
