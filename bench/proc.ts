/**
 * What the bench reads from /proc (Linux): a process's resident memory, its CPU time and its
 * children, and how busy the whole machine was.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** The kernel's clock ticks per second, the unit of CPU times in /proc/<pid>/stat. */
const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

function statusKb(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  } catch {
    return NaN; // the process has exited
  }
}

/** Resident set size now, in MB. */
export const rssMb = (pid: number) => statusKb(pid, "VmRSS") / 1024;

/** The highest resident set size since the process started (the kernel's own high-water mark), in MB. */
export const peakRssMb = (pid: number) => statusKb(pid, "VmHWM") / 1024;

/** The fields of /proc/<pid>/stat after the command name, which may itself hold spaces and parentheses. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

function allPids(): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);
}

/** The processes whose parent is `pid` (a cluster primary's workers). */
export function childPids(pid: number): number[] {
  return allPids().filter((p) => statFields(p)?.[1] === String(pid));
}

/** Every process whose command name is `name` (the Postgres server's backends, say). */
export function pidsNamed(name: string): number[] {
  return allPids().filter((p) => {
    try {
      return readFileSync(`/proc/${p}/comm`, "utf8").trim() === name;
    } catch {
      return false;
    }
  });
}

/** User plus system CPU time a process has used since it started, in seconds; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  if (!fields) return 0;
  // utime and stime are the 14th and 15th fields of the whole line, the 12th and 13th after the name.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** CPU seconds all cores have spent busy since boot (everything but idle and I/O wait). */
export function machineBusySeconds(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
  const [user, nice, system, _idle, _iowait, irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / TICKS_PER_SECOND;
}

/**
 * Samples the resident memory of named processes every `everyMs` and keeps each one's peak. The
 * processes are looked up at each sample, so a cluster's workers can join once they exist.
 */
export function watchRss(processes: () => Map<string, number>, everyMs = 100) {
  const peaks = new Map<string, number>();
  const sample = () => {
    for (const [name, pid] of processes()) {
      const mb = rssMb(pid);
      if (Number.isFinite(mb)) peaks.set(name, Math.max(mb, peaks.get(name) ?? 0));
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    peaks,
    stop() {
      clearInterval(timer);
      sample();
    },
  };
}

/** Resolves once `url` answers at all (any status), within a minute. */
export async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`${url} did not come up`);
}
