/**
 * `npm run bench:profile`: where the gateway's time goes. Runs the real gateway in this process
 * (embedded database, authenticated gateway, stored key, logging on) under autocannon load from a
 * separate process, records a V8 CPU profile of the request thread (PGlite and the log writes run in
 * their worker thread, as in the server), and prints the functions with the most self time.
 * `--no-logs` profiles a gateway with log collection off; `--translated` profiles the translated
 * path instead of passthrough (compat chat completions to `anthropic/…`, answered in Anthropic's
 * Messages format). The full profile is written to bench/results-raw/gateway.cpuprofile (open it in Chrome DevTools).
 */
import { fork } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Session } from "node:inspector/promises";
import path from "node:path";
import { openDatabase } from "@/db/client";
import { parseMasterKeys } from "@/lib/crypto/master-keys";
import { createGateway } from "@/lib/gateway";
import { LogQueue } from "@/lib/logs/queue";
import { serveGateway } from "@/lib/node-http/gateway";
import { createGateway as createGatewayRecord } from "@/lib/services/gateways/create";
import { addProviderKey } from "@/lib/services/provider-keys/add";
import { createTeam } from "@/lib/services/teams/create";
import { createGatewayToken } from "@/lib/services/tokens/create";
import { createSnapshotDirectory } from "@/lib/state/snapshot-directory";
import { PostgresCounterStore } from "@/lib/limits/postgres-store";

const root = path.resolve(import.meta.dirname, "..");
const seconds = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 10);
const collectLogs = !process.argv.includes("--no-logs");
const translated = process.argv.includes("--translated");
const upstreamPort = 9111;

const upstream = fork(path.join(root, "bench/upstream.ts"), [String(upstreamPort), "0"], { execArgv: ["--import", "tsx"], stdio: "inherit" });
await new Promise((resolve) => upstream.once("message", resolve));

const keyring = parseMasterKeys(`v1:${Buffer.alloc(32, 7).toString("base64")}`);
const handle = await openDatabase({ driver: "pglite" });
await handle.migrate();
const ctx = { db: handle.db, actor: { type: "operator" as const } };
const team = await createTeam({ ctx, slug: "bench" });
await createGatewayRecord({ ctx, teamId: team.id, slug: "bench", settings: { authentication: true, collectLogs } });
const { token } = await createGatewayToken({ ctx, teamId: team.id, name: "bench" });
await addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: "sk-bench-upstream-key", baseUrl: `http://127.0.0.1:${upstreamPort}/v1`, keyring, allowPrivateUpstreams: true });
await addProviderKey({ ctx, teamId: team.id, provider: "anthropic", secret: "sk-ant-bench-upstream-key", baseUrl: `http://127.0.0.1:${upstreamPort}`, keyring, allowPrivateUpstreams: true });

// As the server writes them: off this thread (in the PGlite worker), so the profile is the request thread's.
const logs = new LogQueue({ write: (events) => handle.writeLogs(events) });
const gateway = createGateway({ directory: createSnapshotDirectory(handle.db, keyring), logs, allowPrivateUpstreams: true, maxBodyBytes: 10 * 1024 * 1024, limitStore: new PostgresCounterStore(handle.db) });
const serve = gateway.serve;
const server = createServer({ noDelay: true }, (req, res) => serveGateway(serve, req, res));
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/bench/bench/${translated ? "compat" : "openai"}/chat/completions`;
const body = JSON.stringify({ model: translated ? "anthropic/claude-haiku-4-5" : "gpt-4o-mini", messages: [{ role: "user", content: "Say hello." }] });
const autocannonArgs = ["-c", "64", "-m", "POST", "-H", "content-type=application/json", "-H", `cf-aig-authorization=Bearer ${token}`, "-b", body];

const autocannon = path.join(root, "node_modules/autocannon/autocannon.js");
const runLoad = (duration: number) =>
  new Promise<void>((resolve) => {
    const child = fork(autocannon, [...autocannonArgs, "-d", String(duration), url], { stdio: "inherit" });
    child.once("exit", () => resolve());
  });

await runLoad(2); // warm the snapshot, the JIT and the connection pools
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 100 });
await session.post("Profiler.start");
await runLoad(seconds);
const { profile } = await session.post("Profiler.stop");
session.disconnect();

mkdirSync(path.join(root, "bench/results-raw"), { recursive: true });
writeFileSync(path.join(root, "bench/results-raw/gateway.cpuprofile"), JSON.stringify(profile));

// Self time per function: samples whose top frame is that function.
const selfSamples = new Map<number, number>();
for (const id of profile.samples ?? []) selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);
const byFunction = new Map<string, number>();
for (const node of profile.nodes) {
  const { functionName, url: file, lineNumber } = node.callFrame;
  const where = file ? `${file.replace(`file://${root}/`, "").replace(/^.*node_modules\//, "")}:${lineNumber + 1}` : "(native)";
  const key = `${functionName || "(anonymous)"} ${where}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + (selfSamples.get(node.id) ?? 0));
}
const total = profile.samples?.length ?? 1;
console.log(`\nTop functions by self time (${total} samples):`);
for (const [name, count] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
  console.log(`${((100 * count) / total).toFixed(1).padStart(5)}%  ${name}`);
}
console.log(`log queue: ${JSON.stringify(logs.stats())}`);

server.closeAllConnections();
server.close();
await gateway.close();
await logs.close();
await handle.close();
upstream.kill();
