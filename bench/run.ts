/**
 * `npm run bench`: starts the fake upstream, the raw proxy, Switchyard's production server (on the
 * embedded PGlite and on a Postgres server) and Portkey's open-source gateway, drives each with
 * the same load from two load generators (autocannon and wrk), and writes bench/RESULTS.md with
 * the performance targets table first, and the dashboard's pages over 10 million seeded log rows
 * (bench/dashboard.ts). `npm run bench -- --quick` shortens every phase and opens fewer
 * streams (for trying the harness, not for quoting).
 */
import { execFileSync, fork, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { dashboardFigures, dashboardSection, dashboardTargets } from "./dashboard";
import { chatBody, latency, streams, throughput, type Latency, type Streams, type Target, type Throughput } from "./load";
import { childPids, cpuSeconds, machineBusySeconds, peakRssMb, pidsNamed, rssMb, waitFor, watchRss } from "./proc";
import { ensureWrk, wrkThroughput } from "./wrk";

const root = path.resolve(import.meta.dirname, "..");
const quick = process.argv.includes("--quick");
/** `--baseline <rev>`: also runs that commit's server (passthrough, logging on, both databases) side by side, for before/after figures from one run. */
const baselineRev = process.argv.includes("--baseline") ? process.argv[process.argv.indexOf("--baseline") + 1] : undefined;
/**
 * `--rows passthrough,cache-hit`: only these surfaces of Switchyard's rows (beside the direct and
 * raw proxy rows, and the baseline when asked), for trying a change without the whole run: no
 * Portkey, no WORKERS=2, no profile, and RESULTS.md is left as it is (the tables are printed).
 */
const onlySurfaces = process.argv.includes("--rows") ? new Set(process.argv[process.argv.indexOf("--rows") + 1]!.split(",")) : undefined;
/** Seconds per measured cell. Five are enough for stable medians and tails at these rates (tens of thousands of requests per cell) and keep the run near ten minutes. */
const SECONDS = quick ? 1 : 5;
/** An unmeasured run before each contender's first cell, so its code is compiled before it is timed. */
const WARMUP_SECONDS = 1;
/** How long a server sits after start before its idle memory is read. */
const SETTLE_MS = quick ? 1000 : 3000;
const CONNECTIONS = 64;
const CONCURRENCY = [1, 16, 64];
const STREAMS = quick ? [64, 128] : [512, 1024];
const STREAM_EVENTS = 64;
const STREAM_GAP_MS = 20;
/** Open files a process needs at the most streams: a proxy holds one socket in and one out per stream. */
const FILE_LIMIT = 4096;
const ports = { upstream: 9101, raw: 9201, pglite: 9301, postgres: 9302, postgresWorkers: 9303, baselinePglite: 9311, baselinePostgres: 9312, portkey: 9401 };
/** A Postgres server the bench may create and drop a database on; skipped when unreachable. */
const benchPostgres = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const children: ChildProcess[] = [];
/** Databases created on the Postgres server and not dropped yet: a run that stops on an error drops them on its way out. */
const undropped = new Set<() => Promise<void>>();
/** The servers' data directories, removed at the end however the run ends. */
const dataDirs: string[] = [];
const dataDir = (prefix: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  dataDirs.push(dir);
  return dir;
};

const DIRECT = "Direct to upstream";
const RAW = "Raw node:http + undici proxy";
const PORTKEY = "Portkey gateway 1.15.2";

type Db = "PGlite" | "Postgres";
type Surface = "passthrough" | "compat" | "translated" | "bedrock" | "cache-hit" | "limits" | "dlp-stream" | "route";
/** One of Switchyard's rows: a database, a surface, logging on or off. */
interface Ours extends Target {
  db: Db;
  surface: Surface;
  logs: boolean;
  /** What the streams phase runs for this row, when not the row itself; null: the row has no streams. */
  streamTarget?: Target | null;
}

const BEDROCK_MODEL = "anthropic.claude-haiku-4-5-20251001-v1:0";

/**
 * The surfaces side by side: passthrough; compat in the same format (no translation); compat
 * translated to Anthropic's Messages; Bedrock's Converse passthrough, which the gateway signs with
 * SigV4 for every request (its streams phase: compat translated from ConverseStream's binary event
 * stream). Bedrock runs with logging on only. The cache hit is the passthrough request with
 * `cf-aig-cache-ttl`: every request after the first is answered from the gateway's cache
 * (`cf-aig-cache-status: HIT`, checked before the load), logging on only. Limits is the passthrough
 * request through admission: a gateway rate limit and a team budget, both too high to refuse, so
 * every request reserves, is counted and settles (team `limits`, seeded beside `bench`, so the
 * passthrough rows run without them); logging on only. Route is the compat request with
 * `model: "dynamic/bench"`, a deployed route (ROUTE) whose walk ends at the same model: what
 * looking up and walking a route costs against the compat row; logging on only.
 */
const SURFACES: Record<Surface, { path: (gateway: string) => string; model?: string; body?: string }> = {
  passthrough: { path: (gateway) => `/v1/bench/${gateway}/openai/chat/completions`, model: "gpt-4o-mini" },
  compat: { path: (gateway) => `/v1/bench/${gateway}/compat/chat/completions`, model: "openai/gpt-4o-mini" },
  translated: { path: (gateway) => `/v1/bench/${gateway}/compat/chat/completions`, model: "anthropic/claude-haiku-4-5" },
  bedrock: {
    path: (gateway) => `/v1/bench/${gateway}/aws-bedrock/bedrock-runtime/us-east-1/model/${encodeURIComponent(BEDROCK_MODEL)}/converse`,
    body: JSON.stringify({ messages: [{ role: "user", content: [{ text: "Say hello." }] }] }),
  },
  "cache-hit": { path: (gateway) => `/v1/bench/${gateway}/openai/chat/completions`, model: "gpt-4o-mini" },
  limits: { path: (gateway) => `/v1/${LIMITS_TEAM}/${gateway}/openai/chat/completions`, model: "gpt-4o-mini" },
  "dlp-stream": { path: () => `/v1/bench/dlp/compat/chat/completions`, model: "openai/gpt-4o-mini" },
  route: { path: (gateway) => `/v1/bench/${gateway}/compat/chat/completions`, model: "dynamic/bench" },
};

/**
 * The route row's route, as the issue's: a condition on the plan (the bench sends none, so it is
 * false), a 90/10 split, a model on each side; both are the compat row's model, so the upstream
 * answers the same and the row differs from compat by the route alone.
 */
const ROUTE = {
  name: "bench",
  elements: [
    { id: "start", type: "start", outputs: { next: { elementId: "plan" } } },
    { id: "plan", type: "conditional", properties: { conditions: { "metadata.plan": { $eq: "free" } } }, outputs: { true: { elementId: "main" }, false: { elementId: "split" } } },
    { id: "split", type: "percentage", outputs: { "90%": { elementId: "main" }, else: { elementId: "trial" } } },
    { id: "main", type: "model", properties: { provider: "openai", model: "gpt-4o-mini" }, outputs: { success: { elementId: "end" }, fallback: { elementId: "trial" } } },
    { id: "trial", type: "model", properties: { provider: "openai", model: "gpt-4o-mini" }, outputs: { success: { elementId: "end" } } },
    { id: "end", type: "end", outputs: {} },
  ],
};

/**
 * The dlp-stream row's gateway's DLP: the built-in detectors' redaction on responses, as a team
 * guarding what its models say would set it.
 */
const DLP = {
  enabled: true,
  policies: [{ id: "bench", enabled: true, profiles: ["credit_card", "email", "secrets"], actions: { RESPONSE: "REDACT" } }],
};

/** The team of the limits row: its own budget, token and key, so that no other row counts against them. */
const LIMITS_TEAM = "limits";
/** Requests per minute and USD per day: counted on every request, reached by none. */
const LIMITS_RATE = 1_000_000_000;
const LIMITS_BUDGET_USD = 1_000_000;

/** An hour: every request of the run after the first is a hit. */
const CACHE_TTL_SECONDS = "3600";

const serverName = (db: Db) => `Switchyard on ${db}`;

function tsx(script: string, args: string[]): ChildProcess {
  const child = fork(path.join(root, script), args, { execArgv: ["--import", "tsx"], stdio: ["ignore", "ignore", "inherit", "ipc"] });
  children.push(child);
  return child;
}


/** Stops a child and waits for it to exit (a server flushes its logs first). */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const force = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(force);
}

/** Node raises its own soft limit on open files to the hard one; the hard one must allow the most streams. */
function checkFileLimit(): void {
  const hard = execFileSync("sh", ["-c", "ulimit -Hn"], { encoding: "utf8" }).trim();
  if (hard !== "unlimited" && Number(hard) < FILE_LIMIT) {
    throw new Error(`The bench opens ${STREAMS.at(-1)} streams at once and needs ${FILE_LIMIT} open files per process; this shell allows ${hard}. Raise the hard limit (as root: \`ulimit -Hn ${FILE_LIMIT}\`, or LimitNOFILE for a systemd service) and run again.`);
  }
}

interface Store {
  dataDir: string;
  /** Empty for the embedded PGlite in dataDir. */
  databaseUrl: string;
}

function cli(store: Store, args: string[], tree = root): string {
  return execFileSync(process.execPath, [path.join(tree, "bin/switchyard.js"), ...args, "--json"], {
    cwd: tree,
    // The key it stores points at the loopback upstream.
    env: { ...process.env, SWITCHYARD_DATA_DIR: store.dataDir, DATABASE_URL: store.databaseUrl, SWITCHYARD_ALLOW_PRIVATE_UPSTREAMS: "true" },
    encoding: "utf8",
  });
}

/**
 * A team with two authenticated gateways, logging on and off, and stored OpenAI and Anthropic keys
 * pointing at the upstream; and, in the tree under test, the route row's deployed route and the
 * limits row's team. Returns each team's token.
 */
function seedSwitchyard(store: Store, upstreamOrigin: string, tree = root): { token: string; limitsToken?: string } {
  const run = (args: string[]) => cli(store, args, tree);
  run(["team", "create", "bench"]);
  run(["gateway", "create", "bench", "logged", "--authentication"]);
  run(["gateway", "create", "bench", "unlogged", "--authentication", "--no-collect-logs"]);
  const { token } = JSON.parse(run(["token", "create", "bench", "--name", "bench"])) as { token: string };
  run(["key", "add", "bench", "openai", "--secret", "sk-bench-upstream", "--base-url", `${upstreamOrigin}/v1`]);
  // Anthropic's base URL has no /v1: the provider's path is v1/messages.
  run(["key", "add", "bench", "anthropic", "--secret", "sk-ant-bench-upstream", "--base-url", upstreamOrigin]);
  // Only the tree under test runs the Bedrock rows; a baseline may predate Bedrock.
  if (tree === root) {
    const credential = JSON.stringify({ accessKeyId: "AKIDBENCHEXAMPLE", secretAccessKey: "bench-secret-access-key", region: "us-east-1" });
    run(["key", "add", "bench", "aws-bedrock", "--secret", credential, "--base-url", upstreamOrigin]);
  }
  if (tree !== root) return { token };
  const settingsDir = dataDir("switchyard-bench-settings-");
  const dlpFile = path.join(settingsDir, "dlp.json");
  writeFileSync(dlpFile, JSON.stringify(DLP));
  run(["gateway", "create", "bench", "dlp", "--authentication", "--dlp", dlpFile]);
  const routeFile = path.join(settingsDir, "route.json");
  writeFileSync(routeFile, JSON.stringify(ROUTE));
  run(["route", "import", "bench", "logged", routeFile]);
  run(["route", "deploy", "bench", "logged", ROUTE.name, "1"]);
  run(["team", "create", LIMITS_TEAM]);
  run(["gateway", "create", LIMITS_TEAM, "logged", "--authentication", "--rate-limit", String(LIMITS_RATE), "--rate-limit-interval", "60"]);
  run(["budget", "add", LIMITS_TEAM, "--name", "bench", "--usd", String(LIMITS_BUDGET_USD), "--period", "daily"]);
  const limits = JSON.parse(run(["token", "create", LIMITS_TEAM, "--name", "bench"])) as { token: string };
  run(["key", "add", LIMITS_TEAM, "openai", "--secret", "sk-bench-upstream", "--base-url", `${upstreamOrigin}/v1`]);
  return { token, limitsToken: limits.token };
}

/** How each tree's server runs, decided once per tree. */
const serverEntries = new Map<string, string[]>();

/**
 * The one place that says how the server under test runs: compiled ahead of time
 * (`npm run build:server` → dist/server.mjs) when the tree has that script, else server.ts
 * through tsx (a baseline commit from before it). Either way the process is node itself, so its
 * memory figures are the server's own.
 */
function serverEntry(tree: string): string[] {
  let entry = serverEntries.get(tree);
  if (!entry) {
    const { scripts } = JSON.parse(readFileSync(path.join(tree, "package.json"), "utf8")) as { scripts?: Record<string, string> };
    if (scripts?.["build:server"]) {
      execFileSync("npm", ["run", "build:server"], { cwd: tree, stdio: ["ignore", "ignore", "inherit"] });
      // The V8 flag package.json's `start` script gives the server (an 8 MB young generation's semi-spaces).
      entry = ["--max-semi-space-size=8", "dist/server.mjs"];
    } else {
      entry = ["--import", "tsx", "server.ts"];
    }
    serverEntries.set(tree, entry);
  }
  return entry;
}

async function startSwitchyard(store: Store, port: number, workers = 1, tree = root): Promise<ChildProcess> {
  const child = spawn(process.execPath, serverEntry(tree), {
    cwd: tree,
    env: {
      ...process.env,
      PORT: String(port),
      SWITCHYARD_DATA_DIR: store.dataDir,
      DATABASE_URL: store.databaseUrl,
      SWITCHYARD_ALLOW_PRIVATE_UPSTREAMS: "true",
      WORKERS: String(workers),
      // Every bench stream comes from one token; the phases measure capacity, not the per-token limit.
      SWITCHYARD_MAX_STREAMS_PER_TOKEN: "0",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(child);
  await waitFor(`http://127.0.0.1:${port}/api/health`);
  return child;
}

/**
 * A detached worktree of `rev` beside this one, sharing its node_modules (hard links) and its Next
 * build (the baseline's server prepares Next at start; the gateway path does not use the build).
 */
function baselineTree(rev: string): { tree: string; commit: string; remove(): void } {
  const commit = execFileSync("git", ["rev-parse", "--short", rev], { cwd: root, encoding: "utf8" }).trim();
  const tree = mkdtempSync(path.join(os.tmpdir(), "switchyard-baseline-"));
  execFileSync("git", ["worktree", "add", "--detach", "--force", tree, commit], { cwd: root, stdio: "ignore" });
  execFileSync("cp", ["-al", path.join(root, "node_modules"), path.join(tree, "node_modules")]);
  if (existsSync(path.join(root, ".next"))) execFileSync("cp", ["-r", path.join(root, ".next"), path.join(tree, ".next")]);
  return { tree, commit, remove: () => execFileSync("git", ["worktree", "remove", "--force", tree], { cwd: root, stdio: "ignore" }) };
}

/** A fresh database on the bench's Postgres server, or undefined when there is none to use. */
async function createPostgresDatabase(suffix = ""): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const { default: pg } = await import("pg");
  const admin = new pg.Client({ connectionString: benchPostgres });
  try {
    await admin.connect();
  } catch {
    console.log(`No Postgres at ${benchPostgres}: skipping Switchyard on Postgres.`);
    return undefined;
  }
  const name = `switchyard_bench_${process.pid}${suffix}`;
  await admin.query(`create database ${name}`);
  const url = new URL(benchPostgres);
  url.pathname = `/${name}`;
  const drop = async () => {
    undropped.delete(drop);
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
  undropped.add(drop);
  return { url: url.toString(), drop };
}

/** Switchyard's rows on one server: each surface, logging on and off (Bedrock on only). */
function oursOn(db: Db, port: number, { token, limitsToken }: { token: string; limitsToken?: string }, pid: number | undefined): Ours[] {
  const origin = `http://127.0.0.1:${port}`;
  const headers = { "cf-aig-authorization": `Bearer ${token}` };
  const rows: Ours[] = (["passthrough", "compat", "translated"] as const).flatMap((surface) =>
    [true, false].map((logs) => ({
      name: `Switchyard, ${db}, ${surface}, logs ${logs ? "on" : "off"}`,
      origin,
      path: SURFACES[surface].path(logs ? "logged" : "unlogged"),
      model: SURFACES[surface].model,
      headers,
      pid,
      db,
      surface,
      logs,
    })),
  );
  // Right after passthrough with logging on, its counterpart: the pair is measured seconds apart.
  rows.splice(1, 0, {
    name: `Switchyard, ${db}, passthrough with a rate limit and a budget, logs on`,
    origin,
    path: SURFACES.limits.path("logged"),
    model: SURFACES.limits.model,
    headers: { "cf-aig-authorization": `Bearer ${limitsToken}` },
    pid,
    db,
    surface: "limits",
    logs: true,
  });
  // Right after compat with logging on, the same model reached through a route.
  rows.splice(rows.findIndex((row) => row.surface === "compat" && row.logs) + 1, 0, {
    name: `Switchyard, ${db}, compat through a dynamic route, logs on`,
    origin,
    path: SURFACES.route.path("logged"),
    model: SURFACES.route.model,
    headers,
    pid,
    db,
    surface: "route",
    logs: true,
  });
  const bedrockStreams: Target = { name: `Switchyard, ${db}, compat → Bedrock ConverseStream, logs on`, origin, path: SURFACES.compat.path("logged"), model: `aws-bedrock/${BEDROCK_MODEL}`, headers, pid };
  rows.push({ name: `Switchyard, ${db}, Bedrock passthrough (SigV4), logs on`, origin, path: SURFACES.bedrock.path("logged"), body: SURFACES.bedrock.body, headers, pid, db, surface: "bedrock", logs: true, streamTarget: bedrockStreams });
  // Right after compat with logging on in the streams phase: the same stream, with DLP on its text.
  rows.splice(rows.findIndex((row) => row.surface === "compat" && row.logs) + 1, 0, {
    name: `Switchyard, ${db}, compat with DLP redacting the response, logs on`,
    origin,
    path: SURFACES["dlp-stream"].path("dlp"),
    model: SURFACES["dlp-stream"].model,
    headers,
    pid,
    db,
    surface: "dlp-stream",
    logs: true,
  });
  // Streams are left out: a hit replays the stream at once, with none of the upstream's 20 ms gaps to keep.
  const cacheHeaders = { ...headers, "cf-aig-cache-ttl": CACHE_TTL_SECONDS };
  rows.push({ name: `Switchyard, ${db}, cache hit (passthrough), logs on`, origin, path: SURFACES["cache-hit"].path("logged"), model: SURFACES["cache-hit"].model, headers: cacheHeaders, pid, db, surface: "cache-hit", logs: true, streamTarget: null });
  return onlySurfaces ? rows.filter((row) => onlySurfaces.has(row.surface)) : rows;
}

/**
 * Fills the cache and checks that the same request is then answered from it: the cache-hit row
 * must measure hits, so anything else stops the bench. A store written after the answer (Redis)
 * gets a second to show the entry.
 */
async function checkCacheHit(t: Target): Promise<void> {
  const send = () =>
    fetch(t.origin + t.path, { method: "POST", headers: { "content-type": "application/json", ...t.headers }, body: chatBody(t) }).then(async (r) => {
      await r.arrayBuffer();
      return { status: r.status, cache: r.headers.get("cf-aig-cache-status") };
    });
  await send();
  let second = await send();
  for (let i = 0; i < 20 && second.status === 200 && second.cache !== "HIT"; i++) {
    await sleep(50);
    second = await send();
  }
  if (second.status !== 200 || second.cache !== "HIT") {
    throw new Error(
      `${t.name}: a repeated request with cf-aig-cache-ttl: ${CACHE_TTL_SECONDS} was answered ${second.status} with cf-aig-cache-status: ${second.cache ?? "(none)"}, not a HIT: the row would measure something other than the cache. Is the gateway's cache on this server?`,
    );
  }
}

/** Time of the first request after start, which loads the gateway, token and key. */
async function firstRequestMs(t: Target): Promise<number> {
  const start = process.hrtime.bigint();
  await fetch(t.origin + t.path, {
    method: "POST",
    headers: { "content-type": "application/json", ...t.headers },
    body: JSON.stringify({ model: t.model, messages: [{ role: "user", content: "cold" }] }),
  }).then((r) => r.arrayBuffer());
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** How many cores each group of processes used while `work` ran, and how many the rest of the machine did. */
async function coresDuring<T>(groups: Map<string, () => number[]>, work: () => Promise<T>): Promise<{ result: T; cores: Map<string, number> }> {
  const used = () => new Map([...groups].map(([name, pids]) => [name, pids().reduce((sum, pid) => sum + cpuSeconds(pid), 0)]));
  const before = used();
  const busyBefore = machineBusySeconds();
  const start = performance.now();
  const result = await work();
  const wall = (performance.now() - start) / 1000;
  const after = used();
  const cores = new Map([...after].map(([name, seconds]) => [name, (seconds - (before.get(name) ?? 0)) / wall]));
  const ours = [...cores.values()].reduce((a, b) => a + b, 0);
  cores.set("everything else on the machine (wrk when it runs, other processes)", Math.max(0, (machineBusySeconds() - busyBefore) / wall - ours));
  return { result, cores };
}

const rank = (group: string) => (group.startsWith("Switchyard") ? 0 : group.startsWith("everything else") ? 2 : 1);
const fmt = (n: number | undefined, digits = 2) => (n !== undefined && Number.isFinite(n) ? n.toFixed(digits) : "–");
const ratioOf = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > 0 ? a / b : NaN);
const times = (r: number) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : "–");

async function main() {
  checkFileLimit();
  ensureWrk();
  const wrkVersion = /wrk (\S+)/.exec(execFileSync("sh", ["-c", "wrk -v 2>&1 || true"], { encoding: "utf8" }))?.[1] ?? "";
  // The bench reaches only gateway paths and /api/health, which need no Next build; a trial of a few rows goes without one.
  if (!onlySurfaces && !existsSync(path.join(root, ".next/BUILD_ID"))) execFileSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });

  const upstreamProcess = tsx("bench/upstream.ts", [String(ports.upstream), "0"]);
  const upstream = `http://127.0.0.1:${ports.upstream}`;
  await waitFor(upstream);
  const raw = tsx("bench/raw-proxy.ts", [String(ports.raw), upstream]);
  await waitFor(`http://127.0.0.1:${ports.raw}`);

  const pgliteStore: Store = { dataDir: dataDir("switchyard-bench-"), databaseUrl: "" };
  const pgliteTokens = seedSwitchyard(pgliteStore, upstream);
  const pgliteServer = await startSwitchyard(pgliteStore, ports.pglite);
  const ours = oursOn("PGlite", ports.pglite, pgliteTokens, pgliteServer.pid);

  // The production shape: logs go to a Postgres server instead of the embedded engine in-process.
  const postgres = await createPostgresDatabase();
  let postgresStore: Store | undefined;
  let postgresServer: ChildProcess | undefined;
  if (postgres) {
    postgresStore = { dataDir: dataDir("switchyard-bench-pg-"), databaseUrl: postgres.url };
    const postgresTokens = seedSwitchyard(postgresStore, upstream);
    postgresServer = await startSwitchyard(postgresStore, ports.postgres);
    ours.push(...oursOn("Postgres", ports.postgres, postgresTokens, postgresServer.pid));
  }

  // The baseline commit's server, passthrough with logging on, on each database.
  const baseline = baselineRev ? baselineTree(baselineRev) : undefined;
  const baselines: Array<Target & { db: Db }> = [];
  const baselineServers: ChildProcess[] = [];
  const baselinePostgres = baseline && postgres ? await createPostgresDatabase("_baseline") : undefined;
  if (baseline) {
    const stores: Array<[Db, Store, number]> = [["PGlite", { dataDir: dataDir("switchyard-bench-base-"), databaseUrl: "" }, ports.baselinePglite]];
    if (baselinePostgres) stores.push(["Postgres", { dataDir: dataDir("switchyard-bench-base-pg-"), databaseUrl: baselinePostgres.url }, ports.baselinePostgres]);
    for (const [db, store, port] of stores) {
      const { token } = seedSwitchyard(store, upstream, baseline.tree);
      const server = await startSwitchyard(store, port, 1, baseline.tree);
      baselineServers.push(server);
      baselines.push({
        db,
        name: `Switchyard at ${baseline.commit} (baseline), ${db}, passthrough, logs on`,
        origin: `http://127.0.0.1:${port}`,
        path: SURFACES.passthrough.path("logged"),
        model: SURFACES.passthrough.model,
        headers: { "cf-aig-authorization": `Bearer ${token}` },
        pid: server.pid,
      });
    }
  }

  const portkey = onlySurfaces
    ? undefined
    : fork(path.join(root, "node_modules/@portkey-ai/gateway/build/start-server.js"), [`--port=${ports.portkey}`, "--headless"], {
        env: { ...process.env, NODE_ENV: "production" },
        stdio: ["ignore", "ignore", "inherit", "ipc"],
      });
  if (portkey) {
    children.push(portkey);
    await waitFor(`http://127.0.0.1:${ports.portkey}/`);
  }

  const direct: Target = { name: DIRECT, origin: upstream, path: "/v1/chat/completions", headers: { authorization: "Bearer sk-bench-upstream" } };
  const rawProxy: Target = { name: RAW, origin: `http://127.0.0.1:${ports.raw}`, path: "/v1/chat/completions", headers: { authorization: "Bearer sk-bench-upstream" }, pid: raw.pid };
  const portkeyTarget: Target = {
    name: PORTKEY,
    origin: `http://127.0.0.1:${ports.portkey}`,
    path: "/v1/chat/completions",
    headers: { authorization: "Bearer sk-bench-upstream", "x-portkey-provider": "openai", "x-portkey-custom-host": `${upstream}/v1` },
    pid: portkey?.pid,
  };
  const portkeyTargets = portkey ? [portkeyTarget] : [];
  const find = (db: Db, surface: Surface, logs = true) => ours.find((o) => o.db === db && o.surface === surface && o.logs === logs);
  /**
   * Each baseline row right after this tree's passthrough row on its database (logging on): a
   * before/after pair measured seconds apart, not minutes, so whatever else the machine does in
   * between cannot pass for a change (issue 11: a baseline measured last looked 16–25% faster).
   */
  const pairedWithBaselines = (rows: Target[]): Target[] =>
    rows.flatMap((row) => [row, ...baselines.filter((b) => row === find(b.db, "passthrough"))]).concat(baselines.filter((b) => !find(b.db, "passthrough")));

  // Memory at idle: after start and a settle, before any request.
  const processes = new Map<string, number>([[RAW, raw.pid!], [serverName("PGlite"), pgliteServer.pid!]]);
  if (portkey) processes.set(PORTKEY, portkey.pid!);
  if (postgresServer) processes.set(serverName("Postgres"), postgresServer.pid!);
  for (const b of baselines) processes.set(b.name.replace(", passthrough, logs on", ""), b.pid!);
  await sleep(SETTLE_MS);
  const idleRss = new Map([...processes].map(([name, pid]) => [name, rssMb(pid)]));

  const cold = new Map<Db, number>();
  for (const db of ["PGlite", "Postgres"] as const) {
    const t = find(db, "passthrough");
    if (t) cold.set(db, await firstRequestMs(t));
  }

  const lines: string[] = [];
  const out = (s = "") => {
    lines.push(s);
    console.log(s);
  };
  out("## Setup");
  out();
  if (baseline) out(`- Baseline: commit ${baseline.commit}'s server (\`node ${serverEntry(baseline.tree).join(" ")}\`), passthrough with logging on, on each database, measured in the same phases (streams excepted) for before/after figures.`);
  out(`- Server under test: \`node ${serverEntry(root).join(" ")}\`, one process (\`WORKERS=1\`), \`SWITCHYARD_MAX_STREAMS_PER_TOKEN=0\` (one token opens every stream).`);
  out(`- Load generators: autocannon 9.0.0 (JavaScript, in the bench's own process) and wrk ${wrkVersion} (C, ${os.availableParallelism()} threads) for saturation; the bench's own undici client for latency and streams.`);
  out(`- ${SECONDS} s per cell; each contender's saturation starts with a ${WARMUP_SECONDS} s unmeasured warm-up.`);
  out(`- Postgres: ${postgres ? `a fresh database on the server at ${new URL(benchPostgres).host}` : `none at ${new URL(benchPostgres).host}: its rows were not run`}.`);

  // Peak memory under load: sampled through every load phase below.
  const rssUnderLoad = watchRss(() => processes);

  out();
  out("## Non-streaming chat: saturation (upstream answers at once)");
  out();
  out(`${CONNECTIONS} connections. Ratios are requests/s against the raw proxy, and for compat and translated against passthrough on the same database and logging, from the same tool.`);
  out();
  out("| contender | autocannon req/s | p50 ms | p99 ms | errors | wrk req/s | p50 ms | p99 ms | errors | vs raw proxy (autocannon / wrk) | vs passthrough (autocannon / wrk) |");
  out("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  const sat = new Map<string, { autocannon: Throughput; wrk: Throughput }>();
  /** Cores used by each process during the saturation of Postgres passthrough with logging on, one process and two workers. */
  const coreShares: Array<{ label: string; cores: Map<string, number> }> = [];
  const postgresPids = () => pidsNamed("postgres");
  for (const t of ours.filter((o) => o.surface === "cache-hit")) await checkCacheHit(t);
  for (const t of [direct, rawProxy, ...pairedWithBaselines(ours), ...portkeyTargets]) {
    await throughput(t, CONNECTIONS, WARMUP_SECONDS);
    const isPostgresPassthrough = t === find("Postgres", "passthrough");
    const groups = new Map<string, () => number[]>([
      ["Switchyard (one process)", () => (t.pid ? [t.pid] : [])],
      ["Postgres server", postgresPids],
      ["fake upstream", () => [upstreamProcess.pid!]],
      ["bench process (autocannon, memory sampling)", () => [process.pid]],
    ]);
    const measure = async <R>(label: string, work: () => Promise<R>) => {
      if (!isPostgresPassthrough) return work();
      const { result, cores } = await coresDuring(groups, work);
      coreShares.push({ label: `one process, ${label}`, cores });
      return result;
    };
    const autocannon = await measure("autocannon", () => throughput(t, CONNECTIONS, SECONDS));
    const wrk = await measure("wrk", () => wrkThroughput(t, CONNECTIONS, SECONDS));
    sat.set(t.name, { autocannon, wrk });
    const base = sat.get(RAW);
    const o = ours.find((x) => x === t);
    const passthroughRow = o && o.surface !== "passthrough" ? find(o.db, "passthrough", o.logs) : undefined;
    const passthrough = passthroughRow && sat.get(passthroughRow.name);
    const pair = (of?: { autocannon: Throughput; wrk: Throughput }) =>
      of ? `${times(ratioOf(autocannon.rps, of.autocannon.rps))} / ${times(ratioOf(wrk.rps, of.wrk.rps))}` : "–";
    out(
      `| ${t.name} | ${fmt(autocannon.rps, 0)} | ${autocannon.p50} | ${autocannon.p99} | ${autocannon.errors} | ${fmt(wrk.rps, 0)} | ${fmt(wrk.p50)} | ${fmt(wrk.p99)} | ${wrk.errors} | ${t === direct ? "–" : pair(base)} | ${pair(passthrough)} |`,
    );
  }

  out();
  out("## Added latency over direct (closed loop, µs timer)");
  out();
  out(`${SECONDS} s per cell. Added = contender's percentile − direct's percentile at the same concurrency. Portkey is measured at concurrency 1 only.`);
  out();
  out("| contender | concurrency | p50 ms | p99 ms | added p50 ms | added p99 ms | requests | errors |");
  out("|---|---:|---:|---:|---:|---:|---:|---:|");
  const lat = new Map<string, Latency & { addedP50: number; addedP99: number }>();
  for (const c of CONCURRENCY) {
    const base = await latency(direct, c, SECONDS);
    out(`| ${DIRECT} | ${c} | ${fmt(base.p50, 3)} | ${fmt(base.p99, 3)} | – | – | ${base.requests} | ${base.errors} |`);
    for (const t of [rawProxy, ...pairedWithBaselines(ours), ...(c === 1 ? portkeyTargets : [])]) {
      const r = await latency(t, c, SECONDS);
      const row = { ...r, addedP50: r.p50 - base.p50, addedP99: r.p99 - base.p99 };
      lat.set(`${t.name}@${c}`, row);
      out(`| ${t.name} | ${c} | ${fmt(r.p50, 3)} | ${fmt(r.p99, 3)} | ${fmt(row.addedP50, 3)} | ${fmt(row.addedP99, 3)} | ${r.requests} | ${r.errors} |`);
    }
  }

  out();
  out(`## Streaming chat: concurrent streams, ${STREAM_EVENTS} events ${STREAM_GAP_MS} ms apart`);
  out();
  out(
    `All streams open at once. A stream is stalled when two events arrive more than ${STREAM_GAP_MS * 10} ms apart; lost events are events that never arrived. Added time to first byte = contender's − direct's at the same count. Logging on; Portkey is left out (every one of its streams failed in earlier runs, with \`TypeError: immutable\` from its own header handling).`,
  );
  out();
  out("| contender | streams | completed | lost events | stalled | TTFB p50 ms | TTFB p99 ms | added TTFB p50 ms | added TTFB p99 ms |");
  out("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  const streamed = new Map<string, Streams & { addedP50: number; addedP99: number }>();
  for (const n of STREAMS) {
    let base: Streams | undefined;
    for (const t of [direct, rawProxy, ...ours.filter((o) => o.logs && o.streamTarget !== null).map((o) => o.streamTarget ?? o)]) {
      const r = await streams(t, n, STREAM_EVENTS, STREAM_GAP_MS);
      base ??= r;
      const row = { ...r, addedP50: r.ttfbP50 - base.ttfbP50, addedP99: r.ttfbP99 - base.ttfbP99 };
      streamed.set(`${t.name}@${n}`, row);
      const added = t === direct ? "– | –" : `${fmt(row.addedP50)} | ${fmt(row.addedP99)}`;
      out(`| ${t.name} | ${n} | ${r.completed} | ${r.lostEvents} | ${r.stalled} | ${fmt(r.ttfbP50)} | ${fmt(r.ttfbP99)} | ${added} |`);
      // Let the last phase's connections close and its log rows be written before the next opens.
      await sleep(quick ? 200 : 1000);
    }
  }
  rssUnderLoad.stop();

  const dlpPairs = (["PGlite", "Postgres"] as const).flatMap((db) => {
    const plain = find(db, "compat");
    const dlp = find(db, "dlp-stream");
    return plain && dlp ? [{ db, plain, dlp }] : [];
  });
  if (dlpPairs.length > 0) {
    out();
    out("## DLP on a stream");
    out();
    out(
      `The compat stream above with and without DLP redacting the response (card numbers, emails, secrets), at the same stream counts. The upstream's deltas are \` t0\` … \` t${STREAM_EVENTS - 1}\`, words as a model streams them: each ends in digits that could begin a card number, so the filter holds those digits back until the next delta shows they do not (the worst case for hold-back: they arrive one upstream gap, ${STREAM_GAP_MS} ms, later; each event still carries its \`t\` on time, and the last digits come in one more event at the end). Added TTFB = with DLP − without; chunk lag = how late deltas arrive against the upstream's pace, from the stream's first byte, median over streams (load.ts).`,
    );
    out();
    out("| database | streams | completed with DLP | TTFB p50 ms without | with | added TTFB p50 ms | chunk lag p50 ms without | with | added per chunk ms |");
    out("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (const { db, plain, dlp } of dlpPairs) {
      for (const n of STREAMS) {
        const a = streamed.get(`${plain.name}@${n}`);
        const b = streamed.get(`${dlp.name}@${n}`);
        if (!a || !b) continue;
        out(`| ${db} | ${n} | ${b.completed} | ${fmt(a.ttfbP50)} | ${fmt(b.ttfbP50)} | ${fmt(b.ttfbP50 - a.ttfbP50)} | ${fmt(a.chunkLagP50)} | ${fmt(b.chunkLagP50)} | ${fmt(b.chunkLagP50 - a.chunkLagP50)} |`);
      }
    }
  }

  out();
  out("## Resident memory, per process");
  out();
  out(
    `Idle: ${SETTLE_MS / 1000} s after the server answered its health check, before any request. Under load: the highest of samples taken every 100 ms through every phase above (saturation, latency, streams). High-water mark: the kernel's own peak since the process started (VmHWM), which includes start-up.`,
  );
  out();
  out("| process | idle after start, MB | peak under load, MB | high-water mark, MB |");
  out("|---|---:|---:|---:|");
  for (const [name, pid] of processes) out(`| ${name} | ${fmt(idleRss.get(name), 0)} | ${fmt(rssUnderLoad.peaks.get(name), 0)} | ${fmt(peakRssMb(pid), 0)} |`);

  out();
  out("## Cold versus warm");
  out();
  for (const db of ["PGlite", "Postgres"] as const) {
    const t = find(db, "passthrough");
    if (t) out(`- ${db}: the first request after start (it loads gateway, token and key) took ${fmt(cold.get(db))} ms; the warm p50 at concurrency 1 is ${fmt(lat.get(`${t.name}@1`)?.p50, 3)} ms.`);
  }

  // Two workers on Postgres, alone with the upstream and Postgres: the single-process servers stop first.
  let workers: { autocannon: Throughput; wrk: Throughput } | undefined;
  if (postgresStore && !onlySurfaces) {
    await Promise.all([raw, portkey!, pgliteServer, postgresServer!, ...baselineServers].map(stop));
    const primary = await startSwitchyard(postgresStore, ports.postgresWorkers, 2);
    const workerPids = () => childPids(primary.pid!);
    await sleep(SETTLE_MS);
    const named = new Map<string, number>([["primary", primary.pid!], ...workerPids().map((pid, i): [string, number] => [`worker ${i + 1}`, pid])]);
    const idle = new Map([...named].map(([name, pid]) => [name, rssMb(pid)]));
    const t: Target = { ...find("Postgres", "passthrough")!, origin: `http://127.0.0.1:${ports.postgresWorkers}`, pid: primary.pid };
    const groups = new Map<string, () => number[]>([
      ["Switchyard workers (2)", workerPids],
      ["Switchyard primary", () => [primary.pid!]],
      ["Postgres server", postgresPids],
      ["fake upstream", () => [upstreamProcess.pid!]],
      ["bench process (autocannon, memory sampling)", () => [process.pid]],
    ]);
    const watch = watchRss(() => named);
    await throughput(t, CONNECTIONS, WARMUP_SECONDS);
    const a = await coresDuring(groups, () => throughput(t, CONNECTIONS, SECONDS));
    coreShares.push({ label: "WORKERS=2, autocannon", cores: a.cores });
    const w = await coresDuring(groups, () => wrkThroughput(t, CONNECTIONS, SECONDS));
    coreShares.push({ label: "WORKERS=2, wrk", cores: w.cores });
    watch.stop();
    workers = { autocannon: a.result, wrk: w.result };
    await stop(primary);

    const one = sat.get(find("Postgres", "passthrough")!.name)!;
    out();
    out("## WORKERS=2 on Postgres (passthrough, logging on)");
    out();
    out(
      `The same database, gateway and load (${CONNECTIONS} connections, ${SECONDS} s after a ${WARMUP_SECONDS} s warm-up), served by a cluster primary and two workers. The other contenders were stopped first, but the machine's ${os.availableParallelism()} cores are still shared by the load generator, the fake upstream, the Postgres server and the workers: the cores table below says how much each took.`,
    );
    out();
    out("| load generator | requests/s | p50 ms | p99 ms | errors | vs one process |");
    out("|---|---:|---:|---:|---:|---:|");
    out(`| autocannon | ${fmt(a.result.rps, 0)} | ${a.result.p50} | ${a.result.p99} | ${a.result.errors} | ${times(ratioOf(a.result.rps, one.autocannon.rps))} |`);
    out(`| wrk | ${fmt(w.result.rps, 0)} | ${fmt(w.result.p50)} | ${fmt(w.result.p99)} | ${w.result.errors} | ${times(ratioOf(w.result.rps, one.wrk.rps))} |`);
    out();
    out("| process | idle after start, MB | peak under load, MB |");
    out("|---|---:|---:|");
    for (const [name] of named) out(`| ${name} | ${fmt(idle.get(name), 0)} | ${fmt(watch.peaks.get(name), 0)} |`);
  }

  if (coreShares.length > 0) {
    out();
    out("## Where the cores went (Postgres, passthrough, logging on, saturation)");
    out();
    out(`Cores each group used on average during the measured run (CPU time from /proc ÷ wall time; the machine has ${os.availableParallelism()}).`);
    out();
    // Switchyard's processes first, the rest of the machine last.
    const groupNames = [...new Set(coreShares.flatMap((s) => [...s.cores.keys()]))].sort((a, b) => rank(a) - rank(b));
    out(`| run | ${groupNames.join(" | ")} |`);
    out(`|---|${groupNames.map(() => "---:|").join("")}`);
    for (const s of coreShares) out(`| ${s.label} | ${groupNames.map((g) => fmt(s.cores.get(g))).join(" | ")} |`);
  }

  // The dashboard's pages over millions of seeded log rows (bench/dashboard.ts; the seed is made once and reused).
  const dashboard = onlySurfaces ? [] : await dashboardFigures((line) => console.log(line));
  if (dashboard.length > 0) {
    out();
    for (const line of dashboardSection(dashboard).trimEnd().split("\n")) out(line);
  }

  // The targets, from the figures above.
  const targets: string[] = [];
  const target = (what: string, measured: string, verdict: string) => targets.push(`| ${what} | ${measured} | ${verdict} |`);
  // With --rows, a target whose rows were left out is not listed at all.
  const notRun = (what: string) => onlySurfaces || target(what, "not run (no Postgres server)", "–");
  const atLeast = (value: number, limit: number) => (value >= limit ? "met" : Number.isFinite(value) ? `missed by ${(limit - value).toFixed(2)}×` : "not measured");
  const atMost = (value: number | undefined, limit: number, unit: string, digits: number) =>
    value === undefined || !Number.isFinite(value) ? "not measured" : value <= limit ? "met" : `missed by ${(value - limit).toFixed(digits)} ${unit}`;
  /** Both tools' ratios; the lower one decides, so no verdict rests on one tool's limits. */
  const rpsTarget = (what: string, of: Target | undefined, over: Target | undefined, limit: number) => {
    if (!of || !over) return notRun(what);
    const a = sat.get(of.name)!;
    const b = sat.get(over.name)!;
    const ratios = [ratioOf(a.autocannon.rps, b.autocannon.rps), ratioOf(a.wrk.rps, b.wrk.rps)];
    target(what, `autocannon ${times(ratios[0]!)}, wrk ${times(ratios[1]!)}`, atLeast(Math.min(...ratios), limit));
  };
  rpsTarget("Passthrough requests/s ≥ 0.5× the raw proxy, Postgres", find("Postgres", "passthrough"), rawProxy, 0.5);
  rpsTarget("Passthrough requests/s ≥ 0.4× the raw proxy, PGlite", find("PGlite", "passthrough"), rawProxy, 0.4);
  for (const db of ["Postgres", "PGlite"] as const) {
    for (const surface of ["compat", "translated"] as const) rpsTarget(`${surface[0]!.toUpperCase()}${surface.slice(1)} requests/s ≥ 0.8× passthrough, ${db}`, find(db, surface), find(db, "passthrough"), 0.8);
  }
  for (const db of ["Postgres", "PGlite"] as const) {
    rpsTarget(`Bedrock passthrough, signed per request, requests/s ≥ 0.9× OpenAI passthrough, ${db}`, find(db, "bedrock"), find(db, "passthrough"), 0.9);
  }
  for (const db of ["Postgres", "PGlite"] as const) {
    // The issue asks for faster than passthrough; 1.01× keeps a tie from passing as faster.
    rpsTarget(`Cache hit requests/s > passthrough (logging on), ${db}`, find(db, "cache-hit"), find(db, "passthrough"), 1.01);
  }
  /** What a feature costs, shown rather than bounded: requests/s of `row` against `plain`'s, and what it adds at concurrency 1. */
  const costTarget = (what: string, row: Target | undefined, plain: Target | undefined) => {
    if (!row || !plain) return notRun(what);
    const [a, b] = [sat.get(row.name)!, sat.get(plain.name)!];
    const [la, lb] = [lat.get(`${row.name}@1`), lat.get(`${plain.name}@1`)];
    target(
      what,
      `requests/s autocannon ${times(ratioOf(a.autocannon.rps, b.autocannon.rps))}, wrk ${times(ratioOf(a.wrk.rps, b.wrk.rps))}; at concurrency 1, p50 ${fmt(la && lb ? la.p50 - lb.p50 : undefined, 3)} ms and p99 ${fmt(la && lb ? la.p99 - lb.p99 : undefined, 3)} ms more`,
      "reported",
    );
  };
  for (const db of ["Postgres", "PGlite"] as const) {
    // The issue asks for the cost to be shown, not for a bound: the figures are reported.
    costTarget(`Admission with a rate limit and a budget (reserve, count, settle) against passthrough without them, ${db}`, find(db, "limits"), find(db, "passthrough"));
    costTarget(`A deployed dynamic route (condition, 90/10 split, model) against the same model named directly (compat), ${db}`, find(db, "route"), find(db, "compat"));
  }
  for (const db of ["Postgres", "PGlite"] as const) {
    const what = `Compat from Bedrock's ConverseStream (event-stream decoding): added time to first byte at ${STREAMS.at(-1)} streams, reported, ${db}`;
    const t = find(db, "bedrock")?.streamTarget;
    const r = t && streamed.get(`${t.name}@${STREAMS.at(-1)}`);
    if (!r) notRun(what);
    else target(what, `p50 ${fmt(r.addedP50)} ms, p99 ${fmt(r.addedP99)} ms; ${r.completed}/${STREAMS.at(-1)} complete, ${r.stalled} stalled`, "reported");
  }
  for (const db of ["Postgres", "PGlite"] as const) {
    const t = find(db, "passthrough");
    const r = t && lat.get(`${t.name}@1`);
    if (!r) notRun(`Added p99 at concurrency 1 ≤ 1 ms, ${db}`);
    else target(`Added p99 at concurrency 1 ≤ 1 ms, ${db}`, `${fmt(r.addedP99, 3)} ms (p99 ${fmt(r.p99, 3)} ms)`, atMost(r.addedP99, 1, "ms", 3));
  }
  const most = STREAMS.at(-1)!;
  for (const db of ["Postgres", "PGlite"] as const) {
    for (const surface of ["passthrough", "compat", "translated"] as const) {
      const what = `${most} concurrent streams, none stalled or lost, ${db} ${surface}`;
      const t = find(db, surface);
      const r = t && streamed.get(`${t.name}@${most}`);
      if (!r) {
        notRun(what);
        continue;
      }
      const ok = r.completed === most && r.lostEvents === 0 && r.stalled === 0;
      target(what, `${r.completed}/${most} complete, ${r.lostEvents} events lost, ${r.stalled} stalled; added TTFB p50 ${fmt(r.addedP50)} ms, p99 ${fmt(r.addedP99)} ms`, ok ? "met" : `missed: ${most - r.completed} incomplete, ${r.stalled} stalled`);
    }
  }
  // The streams verdicts hold only if the upstream and the client alone keep pace.
  const control = [DIRECT, RAW].map((name) => ({ name, r: streamed.get(`${name}@${most}`) })).filter(({ r }) => r && (r.stalled > 0 || r.completed < most));
  const streamsNote = control.map(({ name, r }) => `${name} itself had ${r!.stalled} stalled and ${most - r!.completed} incomplete of ${most} streams.`);
  if (streamsNote.length > 0) streamsNote.push("Where the direct row stalls, the upstream and the client alone could not keep pace on this machine; where the raw proxy's does, the least Node proxy could not: read Switchyard's streams verdicts against these.");
  for (const [db, limit] of [["Postgres", 300], ["PGlite", 450]] as const) {
    const what = `Resident memory under load ≤ ${limit} MB, ${db}`;
    if (!processes.has(serverName(db))) notRun(what);
    else target(what, `peak ${fmt(rssUnderLoad.peaks.get(serverName(db)), 0)} MB`, atMost(rssUnderLoad.peaks.get(serverName(db)), limit, "MB", 0));
  }
  if (!processes.has(serverName("Postgres"))) notRun("Idle resident memory after start ≤ 150 MB, Postgres");
  else target("Idle resident memory after start ≤ 150 MB, Postgres", `${fmt(idleRss.get(serverName("Postgres")), 0)} MB`, atMost(idleRss.get(serverName("Postgres")), 150, "MB", 0));
  if (!workers) notRun("WORKERS=2 on Postgres: scaling, reported");
  else {
    const one = sat.get(find("Postgres", "passthrough")!.name)!;
    target(
      "WORKERS=2 on Postgres: scaling, reported",
      `autocannon ${fmt(workers.autocannon.rps, 0)} req/s (${times(ratioOf(workers.autocannon.rps, one.autocannon.rps))} one process), wrk ${fmt(workers.wrk.rps, 0)} (${times(ratioOf(workers.wrk.rps, one.wrk.rps))}), on ${os.availableParallelism()} cores shared with the load generator, the upstream and Postgres (see "Where the cores went")`,
      "reported",
    );
  }

  targets.push(...dashboardTargets(dashboard));

  console.log();
  console.log("## Performance targets");
  console.log();
  console.log("| target | measured | verdict |");
  console.log("|---|---|---|");
  for (const t of targets) console.log(t);
  if (streamsNote.length > 0) console.log(streamsNote.join(" "));

  if (onlySurfaces) {
    await Promise.all(children.map(stop));
  } else {
    await profileAndWrite(out, lines, targets, streamsNote);
  }
  await postgres?.drop();
  await baselinePostgres?.drop();
  baseline?.remove();
}

/** The profile's section, then RESULTS.md: the header and targets first, then every table printed. */
async function profileAndWrite(out: (s?: string) => void, lines: string[], targets: string[], streamsNote: string[]): Promise<void> {
  out();
  out("## Where the time goes");
  out();
  out("`npm run bench:profile`: the gateway in one process (embedded database, logging on) under autocannon load, sampled by V8's profiler; the functions with the most self time.");
  out();
  await Promise.all(children.map(stop));
  const profile = execFileSync(process.execPath, ["--import", "tsx", path.join(root, "bench/profile.ts"), String(SECONDS)], { cwd: root, encoding: "utf8" });
  const top = profile.indexOf("Top functions");
  out("```");
  out(profile.slice(Math.max(0, top)).trim());
  out("```");

  const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const header = [
    "# Benchmark results",
    "",
    `Generated by \`npm run bench${quick ? " -- --quick" : ""}\` on ${new Date().toISOString()} at commit ${commit}.`,
    "",
    `Machine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}.`,
    "Everything runs on this one machine: load generators, upstream, Postgres and the contender under test, one contender loaded at a time.",
    "See bench/README.md for the method.",
    "",
    "## Performance targets",
    "",
    "Same run, same machine; logging on, authenticated gateway, stored key. Requests/s ratios are given for both load generators, and the lower one decides.",
    "",
    "| target | measured | verdict |",
    "|---|---|---|",
    ...targets,
    "",
    ...(streamsNote.length > 0 ? [streamsNote.join(" "), ""] : []),
  ];
  writeFileSync(path.join(import.meta.dirname, "RESULTS.md"), [...header, ...lines, ""].join("\n"));
}

try {
  await main();
} finally {
  for (const c of children) c.kill("SIGTERM");
  for (const drop of undropped) await drop();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
}
