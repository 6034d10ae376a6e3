import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const integration = "tests/integration/**/*.test.ts";

export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL(".", import.meta.url)) } },
  test: {
    exclude: ["node_modules/**", ".next/**", "tests/e2e/**", "bench/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      { extends: true, test: { name: "unit", include: ["**/*.test.ts"], exclude: [integration] } },
      {
        extends: true,
        test: {
          name: "integration",
          include: [integration],
          // Builds the Next app when sources changed, for the suites' route-handler entry. Vitest runs a
          // project's global setup only when it has files in the run, so unit-only runs never build.
          globalSetup: ["tests/support/next-build.ts"],
        },
      },
    ],
  },
});
