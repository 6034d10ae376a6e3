/**
 * Two trees' compiled servers side by side (each tree built with `npm run build:server`), on
 * OpenAI passthrough with logging on, for before/after figures on a machine others share:
 *
 *   npx tsx bench/ab.ts <treeA> <treeB> [--postgres] [--no-logs] [--rounds N] [--seconds S] [--together]
 *                       [--headers name:value,…] [--prof dir] [--flags v8flag,…] [--strace]
 *
 * Each round runs wrk (64 connections) against A then B, in alternating order, or with
 * `--together` against both at once (32 each), so a burst of other work slows both alike. Besides
 * requests/s it reports each server's CPU time per request, for the whole process and for its main
 * thread alone, read inside the server (process.threadCpuUsage, by a module preloaded with
 * `--import` that answers SIGUSR2): CPU time is what a change costs, and unlike wall time it is
 * not inflated by other processes taking the cores. Medians and minimums over the rounds.
 * `--prof dir` writes V8 CPU profiles (dir/0, dir/1), `--flags` passes V8 flags with the servers'
 * output in /tmp/ab-server-<i>.log, `--strace` counts each server's system calls over 3 s first.
 */
import { execFileSync, fork, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Target } from "./load";
import { waitFor } from "./proc";
import { wrkThroughput } from "./wrk";

const root = path.resolve(import.meta.dirname, "..");
const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const trees = process.argv.slice(2, 4).map((t) => path.resolve(t));
const usePostgres = process.argv.includes("--postgres");
/** `--no-logs`: a gateway with log collection off, to tell logging's share from the rest. */
const collectLogs = !process.argv.includes("--no-logs");
const rounds = Number(arg("--rounds") ?? 3);
const seconds = Number(arg("--seconds") ?? 4);
const profDir = arg("--prof");
/** Extra V8 flags for both servers (comma-separated), e.g. --trace-deopt; their output goes to /tmp/ab-server-<i>.log. */
const v8Flags = (arg("--flags") ?? "").split(",").filter(Boolean);
const extraHeaders = (arg("--headers") ?? "").split(",").filter(Boolean).map((h) => h.split(":") as [string, string]);
const children: ChildProcess[] = [];

/** Preloaded into each server: on SIGUSR2 it writes its main thread's and whole process's CPU µs, so contention from other processes (which inflates wall time) is left out. */
const reporterDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-ab-cpu-"));
const reporter = path.join(reporterDir, "cpu-report.mjs");
writeFileSync(
  reporter,
  `import { isMainThread } from "node:worker_threads";
import { writeFileSync } from "node:fs";
if (isMainThread) process.on("SIGUSR2", () => {
  const t = process.threadCpuUsage(), p = process.cpuUsage();
  writeFileSync(${JSON.stringify(reporterDir)} + "/" + process.pid, JSON.stringify({ thread: t.user + t.system, process: p.user + p.system }));
});
`,
);
async function cpuOf(pid: number): Promise<{ thread: number; process: number }> {
  const file = path.join(reporterDir, String(pid));
  rmSync(file, { force: true });
  process.kill(pid, "SIGUSR2");
  for (let i = 0; i < 200; i++) {
    if (existsSync(file)) {
      try {
        return JSON.parse(readFileSync(file, "utf8")) as { thread: number; process: number };
      } catch {
        // half written
      }
    }
    await sleep(5);
  }
  throw new Error("no CPU report");
}

const upstream = fork(path.join(root, "bench/upstream.ts"), ["9121", "0"], { execArgv: ["--import", "tsx"], stdio: ["ignore", "ignore", "inherit", "ipc"] });
children.push(upstream);
await waitFor("http://127.0.0.1:9121/");


const databases: string[] = [];
const dataDirs: string[] = [];
async function admin<T>(work: (client: import("pg").Client) => Promise<T>): Promise<T> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
async function pgDb(suffix: string): Promise<string> {
  const name = `switchyard_ab_${process.pid}_${suffix}`;
  await admin((client) => client.query(`create database ${name}`));
  databases.push(name);
  return `postgres://postgres@127.0.0.1:5432/${name}`;
}

async function start(tree: string, port: number, i: number): Promise<{ target: Target; child: ChildProcess }> {
  const env = { ...process.env, SWITCHYARD_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "switchyard-ab-")), DATABASE_URL: usePostgres ? await pgDb(String(i)) : "", SWITCHYARD_ALLOW_PRIVATE_UPSTREAMS: "true" };
  const cli = (args: string[]) => execFileSync(process.execPath, [path.join(tree, "bin/switchyard.js"), ...args, "--json"], { cwd: tree, env, encoding: "utf8" });
  cli(["team", "create", "bench"]);
  cli(["gateway", "create", "bench", "logged", "--authentication", ...(collectLogs ? [] : ["--no-collect-logs"])]);
  const { token } = JSON.parse(cli(["token", "create", "bench", "--name", "bench"])) as { token: string };
  cli(["key", "add", "bench", "openai", "--secret", "sk-bench-upstream", "--base-url", "http://127.0.0.1:9121/v1"]);
  const prof = profDir ? ["--cpu-prof", "--cpu-prof-interval", "250", "--cpu-prof-dir", path.join(profDir, String(i))] : [];
  const child = spawn(process.execPath, ["--max-semi-space-size=8", "--import", reporter, ...prof, ...v8Flags, "dist/server.mjs"], {
    cwd: tree,
    env: { ...env, PORT: String(port), WORKERS: "1", SWITCHYARD_MAX_STREAMS_PER_TOKEN: "0" },
    stdio: ["ignore", v8Flags.length > 0 ? openSync(`/tmp/ab-server-${i}.log`, "w") : "ignore", "inherit"],
  });
  children.push(child);
  dataDirs.push(env.SWITCHYARD_DATA_DIR);
  await waitFor(`http://127.0.0.1:${port}/api/health`);
  const target: Target = { name: tree, origin: `http://127.0.0.1:${port}`, path: "/v1/bench/logged/openai/chat/completions", headers: { "cf-aig-authorization": `Bearer ${token}`, ...Object.fromEntries(extraHeaders) }, pid: child.pid };
  return { target, child };
}

try {
  const servers = [await start(trees[0]!, 9131, 0), await start(trees[1]!, 9132, 1)];
  for (const s of servers) await wrkThroughput(s.target, 64, 2);
  if (process.argv.includes("--strace")) {
    for (const [i, s] of servers.entries()) {
      const out = `/tmp/ab-strace-${i}.txt`;
      const tracer = spawn("strace", ["-c", "-f", "-o", out, "-p", String(s.child.pid)], { stdio: "ignore" });
      await sleep(500);
      const t = await wrkThroughput(s.target, 16, 3);
      tracer.kill("SIGINT");
      await once(tracer, "exit");
      console.log(`${path.basename(trees[i]!)}: ${Math.round(t.rps * 3)} requests traced into ${out}`);
    }
  }
  const rows = servers.map(() => ({ rps: [] as number[], cpuUs: [] as number[], threadUs: [] as number[] }));
  // --together: both loaded at once, so whatever else the machine runs slows both alike; else one after the other.
  const together = process.argv.includes("--together");
  const measure = async (picked: number[]) => {
    const before = await Promise.all(picked.map((i) => cpuOf(servers[i]!.child.pid!)));
    const results = await Promise.all(picked.map((i) => wrkThroughput(servers[i]!.target, together ? 32 : 64, seconds)));
    const after = await Promise.all(picked.map((i) => cpuOf(servers[i]!.child.pid!)));
    for (const [k, i] of picked.entries()) {
      const n = results[k]!.rps * seconds;
      rows[i]!.rps.push(results[k]!.rps);
      rows[i]!.cpuUs.push((after[k]!.process - before[k]!.process) / n);
      rows[i]!.threadUs.push((after[k]!.thread - before[k]!.thread) / n);
      console.log(`  ${path.basename(trees[i]!)} ${results[k]!.rps.toFixed(0)} req/s, process ${rows[i]!.cpuUs.at(-1)!.toFixed(0)} µs, main thread ${rows[i]!.threadUs.at(-1)!.toFixed(0)} µs, errors ${results[k]!.errors}`);
    }
  };
  for (let r = 0; r < rounds; r++) {
    console.log(`round ${r}`);
    if (together) await measure([0, 1]);
    else for (const i of r % 2 === 0 ? [0, 1] : [1, 0]) await measure([i]);
  }
  for (const [i, row] of rows.entries()) console.log(`${path.basename(trees[i]!)}: ${Math.round(row.rps.reduce((a, b) => a + b, 0) * seconds)} measured requests`);
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const min = (xs: number[]) => Math.min(...xs);
  for (const [i, row] of rows.entries()) console.log(`${path.basename(trees[i]!)}: median ${med(row.rps).toFixed(0)} req/s, process CPU/request median ${med(row.cpuUs).toFixed(0)} min ${min(row.cpuUs).toFixed(0)} µs, main thread median ${med(row.threadUs).toFixed(0)} min ${min(row.threadUs).toFixed(0)} µs`);
  const [a, b] = rows as [typeof rows[0], typeof rows[0]];
  console.log(`B/A: req/s ${(med(b.rps) / med(a.rps)).toFixed(3)}; process CPU/request median ${(med(b.cpuUs) / med(a.cpuUs)).toFixed(3)} min ${(min(b.cpuUs) / min(a.cpuUs)).toFixed(3)}; main thread median ${(med(b.threadUs) / med(a.threadUs)).toFixed(3)} min ${(min(b.threadUs) / min(a.threadUs)).toFixed(3)}`);
  for (const s of servers) {
    const exited = once(s.child, "exit");
    s.child.kill("SIGTERM");
    await exited;
  }
} finally {
  for (const c of children) c.kill("SIGTERM");
  await sleep(500);
  for (const name of databases) await admin((client) => client.query(`drop database if exists ${name} with (force)`));
  for (const dir of [...dataDirs, reporterDir]) rmSync(dir, { recursive: true, force: true });
}
