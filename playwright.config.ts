import { execSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig, devices, type ReporterDescription } from "@playwright/test";
import { OWNER_STATE } from "./tests/e2e/support/app";

/**
 * End-to-end tests (`npm run test:e2e`, the last step of `npm test`) in Debian's Chromium, never a
 * downloaded browser (`playwright install`), against the production server (server.ts) on a fresh
 * data directory, with the fake OpenAI as the only provider. The server builds the app first when
 * the sources changed (tests/e2e/support/app-server.ts). Screenshots of every main page, light
 * and dark, land in test-results/screenshots/ and in the HTML report (playwright-report/).
 * CHROMIUM_PATH overrides the browser, E2E_PORT the server's port, E2E_DATA_DIR its data directory
 * (which must not exist yet).
 */

function findChromium(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execSync("command -v chromium || command -v chromium-browser", { shell: "/bin/sh" }).toString().trim();
  } catch {
    throw new Error("No chromium on PATH: install Debian's (`apt-get install chromium`) or set CHROMIUM_PATH");
  }
}
const chromium = findChromium();

/** A port nobody listens on. Set once, in the runner; the workers inherit it through the environment. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
process.env.E2E_PORT ||= String(await freePort());
const port = Number(process.env.E2E_PORT);
// The server's data directory, named here (the server creates it) so that a spec can reach its
// embedded database while it runs, as the CLI does (through the socket it shares).
process.env.E2E_DATA_DIR ||= path.join(tmpdir(), `switchyard-e2e-${port}-${randomBytes(4).toString("hex")}`);
const baseURL = `http://127.0.0.1:${port}`;

const reporters: ReporterDescription[] = [[process.env.CI ? "list" : "line"], ["html", { open: "never", outputFolder: "playwright-report" }]];
// CI's summary line counts these results (scripts/ci-summary.mjs).
if (process.env.PLAYWRIGHT_JSON_OUTPUT_NAME) reporters.push(["json", { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME }]);

export default defineConfig({
  testDir: "./tests/e2e",
  outputDir: "test-results/e2e",
  // The specs share one server and one database and build on each other's state (setup first).
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: reporters,
  use: {
    ...devices["Desktop Chrome"],
    baseURL,
    launchOptions: { executablePath: chromium, args: ["--disable-dev-shm-usage"] },
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    // First-run setup on the empty server; it leaves the owner's session for the specs.
    { name: "setup", testMatch: /\.setup\.ts$/ },
    { name: "chromium", testMatch: /\.spec\.ts$/, dependencies: ["setup"], use: { storageState: OWNER_STATE } },
  ],
  webServer: [
    {
      command: "node --import tsx scripts/fake-openai.ts",
      // The fake picks a free port and prints its URL; Playwright puts the named group in process.env.E2E_FAKE_OPENAI_URL.
      wait: { stdout: /Fake OpenAI-compatible server at (?<e2e_fake_openai_url>http:\/\/\S+\/v1)/ },
      reuseExistingServer: false,
      stdout: "ignore",
      timeout: 30_000,
    },
    {
      command: "node --import tsx tests/e2e/support/app-server.ts",
      env: { PORT: String(port), SWITCHYARD_PUBLIC_URL: baseURL },
      url: `${baseURL}/api/health`,
      reuseExistingServer: false,
      stdout: "pipe",
      // A fresh clone builds the app first.
      timeout: 10 * 60_000,
      gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    },
  ],
});
