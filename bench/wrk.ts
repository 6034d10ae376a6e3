/**
 * The second load generator: wrk, from the distribution's packages. It is written in C with its
 * own event loop, so where autocannon (JavaScript, on the bench's own thread) reaches its limit
 * first, wrk does not, and the two together show which figures are the contender's.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { chatBody, type Target, type Throughput } from "./load";

const run = promisify(execFile);

function onPath(command: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Makes sure wrk is installed: installs Debian's package when running as root, else says how. */
export function ensureWrk(): void {
  if (onPath("wrk")) return;
  if (process.getuid?.() !== 0 || !onPath("apt-get")) {
    throw new Error("The bench needs wrk, the second load generator. Install it (Debian/Ubuntu: `sudo apt-get install -y wrk`) and run the bench again.");
  }
  console.log("wrk is missing: installing Debian's package…");
  try {
    execFileSync("apt-get", ["install", "-y", "wrk"], { stdio: "inherit" });
  } catch {
    // A fresh machine may have no package lists yet.
    execFileSync("apt-get", ["update"], { stdio: "inherit" });
    execFileSync("apt-get", ["install", "-y", "wrk"], { stdio: "inherit" });
  }
}

/** A Lua string literal; the bench only ever sends printable ASCII. */
function luaString(value: string): string {
  if (!/^[\x20-\x7e]*$/.test(value)) throw new Error(`wrk script: not printable ASCII: ${value}`);
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * The request wrk repeats (wrk takes a POST's body and headers only from a script), and a summary
 * printed as one JSON line when it is done: latencies in µs, errors split into socket errors and
 * answers that were not 2xx/3xx.
 */
function script(target: Target, body: string): string {
  const headers = { "content-type": "application/json", ...target.headers };
  return [
    'wrk.method = "POST"',
    `wrk.body = ${luaString(body)}`,
    ...Object.entries(headers).map(([name, value]) => `wrk.headers[${luaString(name)}] = ${luaString(value)}`),
    "done = function(summary, latency, requests)",
    "  local e = summary.errors",
    '  io.write(string.format(\'\\n{"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"socketErrors":%d,"statusErrors":%d}\\n\',',
    "    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))",
    "end",
    "",
  ].join("\n");
}

/** Saturation with wrk: `connections` kept busy for `seconds` by one thread per core. */
export async function wrkThroughput(target: Target, connections: number, seconds: number, body = chatBody(target)): Promise<Throughput> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-bench-wrk-"));
  const file = path.join(dir, "request.lua");
  writeFileSync(file, script(target, body));
  try {
    const threads = Math.min(os.availableParallelism(), connections);
    const { stdout } = await run("wrk", [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, "--timeout", "10s", "-s", file, target.origin + target.path]);
    const line = stdout.split("\n").find((l) => l.startsWith('{"requests"'));
    if (!line) throw new Error(`wrk printed no summary:\n${stdout}`);
    const s = JSON.parse(line) as { requests: number; durationUs: number; p50Us: number; p99Us: number; socketErrors: number; statusErrors: number };
    return { rps: s.requests / (s.durationUs / 1e6), p50: s.p50Us / 1000, p99: s.p99Us / 1000, errors: s.socketErrors + s.statusErrors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
