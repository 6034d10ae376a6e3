// The e2e suite's Switchyard: the production server (support/serve.ts) on a fresh, empty data
// directory, so every run starts at the first-run owner setup. Playwright starts this file as a
// webServer (playwright.config.ts); it prepares the builds and the environment, then runs the server.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { prepareServer, startServer } from "./serve";

const env = await prepareServer();
const dataDir = mkdtempSync(path.join(tmpdir(), "switchyard-e2e-"));
process.on("exit", () => rmSync(dataDir, { recursive: true, force: true }));
const server = startServer(env, dataDir);
// Playwright stops its web servers with SIGTERM (to the process group, so the server gets it too;
// it takes a repeat within a second as the same stop) and waits for this process to exit.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
