// The e2e suite's Switchyard: the production server (support/serve.ts) on a fresh, empty data
// directory (E2E_DATA_DIR, which playwright.config.ts names), so every run starts at the first-run
// owner setup. Playwright starts this file as a webServer; it prepares the builds and the
// environment, then runs the server.
import { mkdirSync, rmSync } from "node:fs";
import { prepareServer, startServer } from "./serve";

const env = await prepareServer();
const dataDir = process.env.E2E_DATA_DIR;
if (!dataDir) throw new Error("E2E_DATA_DIR is not set: playwright.config.ts names the data directory");
// Not recursive: a folder left from another run fails here rather than starting from its state.
mkdirSync(dataDir);
process.on("exit", () => rmSync(dataDir, { recursive: true, force: true }));
const server = startServer(env, dataDir);
// Playwright stops its web servers with SIGTERM (to the process group, so the server gets it too;
// it takes a repeat within a second as the same stop) and waits for this process to exit.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
