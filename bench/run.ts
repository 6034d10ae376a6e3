/**
 * `npm run bench`: starts the fake upstreams, the raw proxy, Switchyard (production server) and
 * Portkey's open-source gateway, drives each with the same load, and writes bench/RESULTS.md.
 * `npm run bench -- --quick` shortens every phase (for trying the harness, not for quoting).
 */
import { execFileSync, fork, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { latency, rssMb, streams, throughput, type Target } from "./load";

const root = path.resolve(import.meta.dirname, "..");
const quick = process.argv.includes("--quick");
const SECONDS = quick ? 2 : 10;
const STREAMS = quick ? [64] : [64, 256, 512];
const ports = { upstream: 9101, slowUpstream: 9102, raw: 9201, switchyard: 9301, switchyardPostgres: 9302, portkey: 9401 };
/** A Postgres server the bench may create and drop a database on; skipped when unreachable. */
const benchPostgres = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const SLOW_MS = 20;
const portkeyName = "Portkey gateway 1.15.2";
const TRANSLATED = "Switchyard, translated (Chat → Anthropic)";
const children: ChildProcess[] = [];

function tsx(script: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = fork(path.join(root, script), args, {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  children.push(child);
  return child;
}

async function waitFor(url: string, init?: RequestInit): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      await fetch(url, init);
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`${url} did not come up`);
}

interface Store {
  dataDir: string;
  /** Empty for the embedded PGlite in dataDir. */
  databaseUrl: string;
}

function cli(store: Store, args: string[]): string {
  return execFileSync(process.execPath, [path.join(root, "bin/switchyard.js"), ...args, "--json"], {
    cwd: root,
    // The key it stores points at the loopback upstream.
    env: { ...process.env, SWITCHYARD_DATA_DIR: store.dataDir, DATABASE_URL: store.databaseUrl, SWITCHYARD_ALLOW_PRIVATE_UPSTREAMS: "true" },
    encoding: "utf8",
  });
}

/** A team with two authenticated gateways, logging on and off, and stored OpenAI and Anthropic keys pointing at the upstream. */
function seedSwitchyard(store: Store, upstreamOrigin: string): string {
  cli(store, ["team", "create", "bench"]);
  cli(store, ["gateway", "create", "bench", "logged", "--authentication"]);
  cli(store, ["gateway", "create", "bench", "unlogged", "--authentication", "--no-collect-logs"]);
  const { token } = JSON.parse(cli(store, ["token", "create", "bench", "--name", "bench"])) as { token: string };
  cli(store, ["key", "add", "bench", "openai", "--secret", "sk-bench-upstream", "--base-url", `${upstreamOrigin}/v1`]);
  // Anthropic's base URL has no /v1: the provider's path is v1/messages.
  cli(store, ["key", "add", "bench", "anthropic", "--secret", "sk-ant-bench-upstream", "--base-url", upstreamOrigin]);
  return token;
}

async function startSwitchyard(store: Store, port: number): Promise<ChildProcess> {
  // Node itself, not the tsx wrapper: the memory figures must be the server's own process.
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      SWITCHYARD_DATA_DIR: store.dataDir,
      DATABASE_URL: store.databaseUrl,
      SWITCHYARD_ALLOW_PRIVATE_UPSTREAMS: "true",
      WORKERS: "1",
      // Every bench stream comes from one token; the phases measure capacity, not the per-token limit.
      SWITCHYARD_MAX_STREAMS_PER_TOKEN: "0",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(child);
  await waitFor(`http://127.0.0.1:${port}/api/health`);
  return child;
}

/** A fresh database on the bench's Postgres server, or undefined when there is none to use. */
async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const { default: pg } = await import("pg");
  const admin = new pg.Client({ connectionString: benchPostgres });
  try {
    await admin.connect();
  } catch {
    console.log(`No Postgres at ${benchPostgres}: skipping "Switchyard on Postgres".`);
    return undefined;
  }
  const name = `switchyard_bench_${process.pid}`;
  await admin.query(`create database ${name}`);
  const url = new URL(benchPostgres);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : "–");
const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}×` : "–");

async function main() {
  if (!existsSync(path.join(root, ".next/BUILD_ID"))) execFileSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });

  tsx("bench/upstream.ts", [String(ports.upstream), "0"]);
  tsx("bench/upstream.ts", [String(ports.slowUpstream), String(SLOW_MS)]);
  const upstream = `http://127.0.0.1:${ports.upstream}`;
  await waitFor(upstream);
  await waitFor(`http://127.0.0.1:${ports.slowUpstream}`);

  const raw = tsx("bench/raw-proxy.ts", [String(ports.raw), upstream]);
  await waitFor(`http://127.0.0.1:${ports.raw}`);

  const dataDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-bench-"));
  const embedded: Store = { dataDir, databaseUrl: "" };
  const token = seedSwitchyard(embedded, upstream);
  const switchyard = await startSwitchyard(embedded, ports.switchyard);
  const sy = (gateway: string): Target => ({
    name: gateway === "logged" ? "Switchyard" : "Switchyard, logging off",
    origin: `http://127.0.0.1:${ports.switchyard}`,
    path: `/v1/bench/${gateway}/openai/chat/completions`,
    headers: { "cf-aig-authorization": `Bearer ${token}` },
    pid: switchyard.pid,
  });
  // The same server and logged gateway, Chat Completions in and Anthropic's Messages out.
  const translated: Target = {
    name: TRANSLATED,
    origin: `http://127.0.0.1:${ports.switchyard}`,
    path: "/v1/bench/logged/compat/chat/completions",
    headers: { "cf-aig-authorization": `Bearer ${token}` },
    pid: switchyard.pid,
    model: "anthropic/claude-haiku-4-5",
  };

  // The production shape: logs go to a Postgres server instead of the embedded engine in-process.
  const postgres = await createPostgresDatabase();
  let onPostgres: Target | undefined;
  let postgresDataDir: string | undefined;
  if (postgres) {
    postgresDataDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-bench-pg-"));
    const store: Store = { dataDir: postgresDataDir, databaseUrl: postgres.url };
    const pgToken = seedSwitchyard(store, upstream);
    const server = await startSwitchyard(store, ports.switchyardPostgres);
    onPostgres = {
      name: "Switchyard on Postgres",
      origin: `http://127.0.0.1:${ports.switchyardPostgres}`,
      path: "/v1/bench/logged/openai/chat/completions",
      headers: { "cf-aig-authorization": `Bearer ${pgToken}` },
      pid: server.pid,
    };
  }

  // Cold: the first request after start pays for loading gateway, token and key.
  const coldStart = process.hrtime.bigint();
  await fetch(sy("logged").origin + sy("logged").path, {
    method: "POST",
    headers: { "content-type": "application/json", ...sy("logged").headers },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "cold" }] }),
  }).then((r) => r.arrayBuffer());
  const coldMs = Number(process.hrtime.bigint() - coldStart) / 1e6;

  const portkey = fork(path.join(root, "node_modules/@portkey-ai/gateway/build/start-server.js"), [`--port=${ports.portkey}`, "--headless"], {
    env: { ...process.env, NODE_ENV: "production" },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  children.push(portkey);
  await waitFor(`http://127.0.0.1:${ports.portkey}/`);

  const direct: Target = { name: "Direct to upstream", origin: upstream, path: "/v1/chat/completions", headers: { authorization: "Bearer sk-bench-upstream" } };
  const rawProxy: Target = { name: "Raw node:http + undici proxy", origin: `http://127.0.0.1:${ports.raw}`, path: "/v1/chat/completions", headers: { authorization: "Bearer sk-bench-upstream" }, pid: raw.pid };
  const portkeyTarget = (origin: string): Target => ({
    name: portkeyName,
    origin: `http://127.0.0.1:${ports.portkey}`,
    path: "/v1/chat/completions",
    headers: { authorization: "Bearer sk-bench-upstream", "x-portkey-provider": "openai", "x-portkey-custom-host": `${origin}/v1` },
    pid: portkey.pid,
  });
  const targets = [direct, rawProxy, sy("logged"), translated, sy("unlogged"), ...(onPostgres ? [onPostgres] : []), portkeyTarget(upstream)];

  const lines: string[] = [];
  const out = (s = "") => {
    lines.push(s);
    console.log(s);
  };

  out("## Non-streaming chat: saturation (upstream answers at once)");
  out();
  out(`${SECONDS} s per contender after a 1 s warm-up, autocannon with 64 connections. Ratios are requests/s against the raw proxy and Portkey measured in this run.`);
  out();
  out("| contender | requests/s | p50 ms | p99 ms | errors | vs raw proxy | vs Portkey | RSS after, MB |");
  out("|---|---:|---:|---:|---:|---:|---:|---:|");
  const sat = new Map<string, number>();
  const addedP99AtOne = new Map<string, number>();
  const streamsAtMost = new Map<string, { completed: number; lost: number; stalled: number; count: number }>();
  const peakRss = new Map<string, number>();
  const recordRss = (t: Target) => {
    if (!t.pid) return NaN;
    const mb = rssMb(t.pid);
    peakRss.set(t.name, Math.max(mb, peakRss.get(t.name) ?? 0));
    return mb;
  };
  const satRows: Array<[Target, Awaited<ReturnType<typeof throughput>>, number]> = [];
  for (const t of targets) {
    // Unmeasured: each contender's code paths are compiled before it is timed, not during.
    await throughput(t, 64, 1);
    const r = await throughput(t, 64, SECONDS);
    sat.set(t.name, r.rps);
    satRows.push([t, r, recordRss(t)]);
  }
  for (const [t, r, rss] of satRows) {
    out(`| ${t.name} | ${fmt(r.rps, 0)} | ${r.p50} | ${r.p99} | ${r.errors} | ${ratio(r.rps, sat.get(rawProxy.name)!)} | ${ratio(r.rps, sat.get(portkeyName)!)} | ${fmt(rss, 0)} |`);
  }

  out();
  out(`## Non-streaming chat: saturation with a ${SLOW_MS} ms upstream`);
  out();
  out("| contender | requests/s | p50 ms | p99 ms | errors |");
  out("|---|---:|---:|---:|---:|");
  const slowUpstream = `http://127.0.0.1:${ports.slowUpstream}`;
  const slowDirect = { ...direct, origin: slowUpstream };
  for (const t of [slowDirect, portkeyTarget(slowUpstream)]) {
    const r = await throughput(t, 256, SECONDS);
    out(`| ${t.name} | ${fmt(r.rps, 0)} | ${r.p50} | ${r.p99} | ${r.errors} |`);
  }

  out();
  out("## Added latency over direct (closed loop, µs timer)");
  out();
  out(`${SECONDS} s per cell. Added = contender's percentile − direct's percentile at the same concurrency.`);
  out();
  out("| contender | concurrency | p50 ms | p99 ms | added p50 ms | added p99 ms | requests |");
  out("|---|---:|---:|---:|---:|---:|---:|");
  for (const c of [1, 16, 64]) {
    const base = await latency(direct, c, SECONDS);
    out(`| ${direct.name} | ${c} | ${fmt(base.p50, 3)} | ${fmt(base.p99, 3)} | – | – | ${base.requests} |`);
    for (const t of targets.slice(1)) {
      const r = await latency(t, c, SECONDS);
      if (c === 1) addedP99AtOne.set(t.name, r.p99 - base.p99);
      out(`| ${t.name} | ${c} | ${fmt(r.p50, 3)} | ${fmt(r.p99, 3)} | ${fmt(r.p50 - base.p50, 3)} | ${fmt(r.p99 - base.p99, 3)} | ${r.requests} |`);
    }
  }

  out();
  out("## Streaming chat: concurrent streams, 64 events 20 ms apart");
  out();
  out("A stream is stalled when two events arrive more than 200 ms apart; lost events are events that never arrived.");
  out();
  out("| contender | streams | completed | lost events | stalled | TTFB p50 ms | TTFB p99 ms | RSS after, MB |");
  out("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const n of STREAMS) {
    for (const t of targets.filter((t) => t.name !== "Switchyard, logging off")) {
      const r = await streams(t, n, 64, 20);
      streamsAtMost.set(t.name, { completed: r.completed, lost: r.lostEvents, stalled: r.stalled, count: n });
      out(`| ${t.name} | ${n} | ${r.completed} | ${r.lostEvents} | ${r.stalled} | ${fmt(r.ttfbP50)} | ${fmt(r.ttfbP99)} | ${fmt(recordRss(t), 0)} |`);
    }
  }

  out();
  out("## Cold versus warm");
  out();
  const warm = await latency(sy("logged"), 1, 2);
  out(`First request after start (loads gateway, token and key): ${fmt(coldMs)} ms. Warm p50 at concurrency 1: ${fmt(warm.p50, 3)} ms.`);

  out();
  out("## Issue targets");
  out();
  out("Single process, non-streaming chat, authenticated gateway; the issue's targets are for logging on.");
  out();
  const ours = targets.filter((t) => t.name.startsWith("Switchyard"));
  const verdict = (met: boolean, text: string) => `${met ? "met" : "missed"}: ${text}`;
  out(`| target | ${ours.map((t) => t.name).join(" | ")} |`);
  out(`|---|${ours.map(() => "---|").join("")}`);
  const row = (target: string, cell: (name: string) => string) => out(`| ${target} | ${ours.map((t) => cell(t.name)).join(" | ")} |`);
  const rps = (name: string) => sat.get(name) ?? NaN;
  row("requests/s ≥ 5× Portkey's", (n) => verdict(rps(n) >= 5 * rps(portkeyName), ratio(rps(n), rps(portkeyName))));
  row("requests/s ≥ 60% of the raw proxy's", (n) => verdict(rps(n) >= 0.6 * rps(rawProxy.name), ratio(rps(n), rps(rawProxy.name))));
  row("added p99 at concurrency 1 ≤ 1 ms", (n) => verdict((addedP99AtOne.get(n) ?? Infinity) <= 1, `${fmt(addedP99AtOne.get(n) ?? NaN, 3)} ms`));
  row(`${STREAMS.at(-1)} concurrent streams, none stalled or lost`, (n) => {
    const r = streamsAtMost.get(n);
    return r ? verdict(r.completed === r.count && r.lost === 0 && r.stalled === 0, `${r.completed}/${r.count} complete, ${r.stalled} stalled`) : "not run";
  });
  row("resident memory under load ≤ 300 MB", (n) => verdict((peakRss.get(n) ?? Infinity) <= 300, `peak ${fmt(peakRss.get(n) ?? NaN, 0)} MB`));
  row("translated requests/s ≥ 80% of passthrough's (the Switchyard row)", (n) =>
    n === TRANSLATED ? verdict(rps(n) >= 0.8 * rps(sy("logged").name), ratio(rps(n), rps(sy("logged").name))) : "–",
  );

  out();
  out("## Where the time goes");
  out();
  out("`npm run bench:profile`: the gateway in one process (embedded database, logging on) under autocannon load, sampled by V8's profiler; the functions with the most self time.");
  out();
  for (const c of children) c.kill("SIGTERM");
  const profile = execFileSync(process.execPath, ["--import", "tsx", path.join(root, "bench/profile.ts"), String(SECONDS)], { cwd: root, encoding: "utf8" });
  out("```");
  out(profile.slice(profile.indexOf("Top functions")).trim());
  out("```");

  const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const header = [
    "# Benchmark results",
    "",
    `Generated by \`npm run bench${quick ? " -- --quick" : ""}\` on ${new Date().toISOString()} at commit ${commit}.`,
    "",
    `Machine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}.`,
    "Everything runs on this one machine: load generator, upstream, and the contender under test, one contender at a time.",
    "See bench/README.md for the method.",
    "",
  ];
  writeFileSync(path.join(import.meta.dirname, "RESULTS.md"), [...header, ...lines, ""].join("\n"));
  for (const dir of [dataDir, postgresDataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  await sleep(500);
  await postgres?.drop();
}

try {
  await main();
} finally {
  for (const c of children) c.kill("SIGTERM");
}
