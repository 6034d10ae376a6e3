/**
 * The dashboard figure: the server time of the analytics and logs pages over millions of seeded
 * log rows, measured as the pages spend it, by calling the services they call (with an operator
 * context, which passes the role checks the pages' users pass): the analytics page's series and
 * the breakdown it shows (getAnalyticsDashboard, all the page reads), the logs page's first page of rows and its count, team-wide and for one gateway, plain
 * and filtered. Each case runs WARMUP times unmeasured, then RUNS times; p50 and p95 are reported.
 *
 * The database is seeded once by bench/seed-logs.ts and reused while it holds a finished seed:
 * Postgres in the database `bench_10m` (10 million rows), PGlite in a folder (a smaller N: the
 * embedded database writes a few thousand rows a second, see RESULTS.md).
 *
 *   npx tsx bench/dashboard.ts            both databases, then the section in bench/RESULTS.md
 *   npm run bench                         runs it too (its section and targets rows)
 *
 * A partial run prints its tables and leaves RESULTS.md alone:
 *   BENCH_DASHBOARD_CASES=logs            one page's cases (analytics or logs)
 *   BENCH_DASHBOARD_DATABASES=postgres    one database (postgres or pglite)
 *   BENCH_DASHBOARD_MIGRATE=0             measures an already seeded database as it is, without
 *                                         migrating it (it is shared, or holds a trial index)
 */
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { openDatabase, type DatabaseHandle } from "@/db/client";
import { resolveRange } from "@/lib/analytics/range";
import { getAnalyticsDashboard } from "@/lib/services/analytics/dashboard";
import type { ServiceContext } from "@/lib/services/context";
import { countRequestLogs, listRequestLogs } from "@/lib/services/logs/list";
import type { LogQuery } from "@/lib/services/logs/query";
import { seededLogs, seedLogs, type SeedManifest } from "./seed-logs";

/** Runs per case (BENCH_DASHBOARD_RUNS): 30 unless set; RESULTS.md says how many the figure took. */
const RUNS = Number(process.env.BENCH_DASHBOARD_RUNS ?? 30);
const WARMUP = Math.min(3, Math.ceil(RUNS / 10));
/** The target for both pages on the Postgres server. */
const DASHBOARD_TARGET_MS = 500;
const POSTGRES_ROWS = 10_000_000;
const PGLITE_ROWS = Number(process.env.BENCH_PGLITE_LOG_ROWS ?? 200_000);
const SEED_DAYS = 30;
const PAGES = (process.env.BENCH_DASHBOARD_CASES ?? "analytics,logs").split(",");
const DATABASES = (process.env.BENCH_DASHBOARD_DATABASES ?? "postgres,pglite").split(",");
const MIGRATE = process.env.BENCH_DASHBOARD_MIGRATE !== "0";
/** Whether this run measures every case on both databases, which is what RESULTS.md's section holds. */
const FULL_RUN = PAGES.includes("analytics") && PAGES.includes("logs") && DATABASES.includes("postgres") && DATABASES.includes("pglite");

export interface DashboardCase {
  page: "analytics" | "logs";
  label: string;
  p50: number;
  p95: number;
}

export interface DashboardFigure {
  db: "Postgres" | "PGlite";
  rows: number;
  seededAt: string;
  cases: DashboardCase[];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function measure(run: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < WARMUP; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const began = performance.now();
    await run();
    times.push(performance.now() - began);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

/** Every case over the busiest team (half the rows) and its busiest gateway, with ranges ending where the seed ends. */
async function measureDashboard(handle: DatabaseHandle, seed: SeedManifest, log: (line: string) => void): Promise<DashboardCase[]> {
  const ctx: ServiceContext = { db: handle.db, actor: { type: "operator" } };
  const team = seed.teams[0]!;
  const gateway = team.gateways[0]!;
  const now = new Date(seed.end);
  const cases: DashboardCase[] = [];
  for (const preset of PAGES.includes("analytics") ? ["1h", "24h", "7d", "30d"] : []) {
    const range = resolveRange({ range: preset }, now);
    // A page shows the series and one breakdown: by model (the most rows of the rollups' own keys), and by the metadata key the seed chose.
    for (const by of ["model", "metadata.plan"]) {
      for (const scope of [{ label: "team", gatewayId: undefined }, { label: `gateway ${gateway.slug}`, gatewayId: gateway.id }]) {
        const times = await measure(() => getAnalyticsDashboard({ ctx, teamId: team.id, gatewayId: scope.gatewayId, range, by }));
        cases.push({ page: "analytics", label: `${preset}, ${scope.label}: series + breakdown by ${by}`, ...times });
        log(`analytics ${preset} ${scope.label} by ${by}: p50 ${times.p50.toFixed(1)} ms, p95 ${times.p95.toFixed(1)} ms`);
      }
    }
  }
  const queries: { label: string; query: LogQuery }[] = [
    { label: "newest 50", query: { filters: [] } },
    { label: "status 429", query: { filters: [{ key: "status_code", operator: "eq", value: [429] }] } },
    { label: "metadata plan=enterprise", query: { filters: [], search: "plan=enterprise" } },
    { label: "model gpt-4o, last 7 days", query: { filters: [{ key: "model", operator: "eq", value: ["gpt-4o"] }], from: new Date(now.getTime() - 7 * 86_400_000) } },
  ];
  for (const { label, query } of PAGES.includes("logs") ? queries : []) {
    for (const scope of [{ label: "team", gatewaySlug: undefined }, { label: `gateway ${gateway.slug}`, gatewaySlug: gateway.slug }]) {
      const times = await measure(() =>
        Promise.all([
          listRequestLogs({ ctx, teamId: team.id, gatewaySlug: scope.gatewaySlug, query }),
          countRequestLogs({ ctx, teamId: team.id, gatewaySlug: scope.gatewaySlug, query }),
        ]),
      );
      cases.push({ page: "logs", label: `${label}, ${scope.label}: rows + count`, ...times });
      log(`logs ${label} ${scope.label}: p50 ${times.p50.toFixed(1)} ms, p95 ${times.p95.toFixed(1)} ms`);
    }
  }
  return cases;
}

const benchPostgres = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** Opens (creating and seeding when it holds no finished seed) the Postgres database `bench_10m`. */
async function postgresFigure(log: (line: string) => void): Promise<DashboardFigure> {
  const admin = new pg.Client({ connectionString: benchPostgres });
  await admin.connect();
  try {
    const exists = await admin.query("select 1 from pg_database where datname = 'bench_10m'");
    if (exists.rowCount === 0) await admin.query("create database bench_10m");
  } finally {
    await admin.end();
  }
  const url = new URL(benchPostgres);
  url.pathname = "/bench_10m";
  return figure(await openDatabase({ driver: "postgres", url: url.toString() }), "Postgres", POSTGRES_ROWS, undefined, log);
}

async function pgliteFigure(log: (line: string) => void): Promise<DashboardFigure> {
  const dataDir = process.env.BENCH_PGLITE_LOGS_DIR ?? path.join(os.tmpdir(), `switchyard-bench-logs-${PGLITE_ROWS}`);
  return figure(await openDatabase({ driver: "pglite", dataDir }), "PGlite", PGLITE_ROWS, dataDir, log);
}

async function figure(handle: DatabaseHandle, db: DashboardFigure["db"], rows: number, dataDir: string | undefined, log: (line: string) => void): Promise<DashboardFigure> {
  try {
    if (MIGRATE) await handle.migrate();
    let seed = await seededLogs(handle, dataDir);
    if (!seed && !MIGRATE) throw new Error(`the ${db} bench database holds no finished seed, and BENCH_DASHBOARD_MIGRATE=0 leaves it as it is`);
    if (seed && seed.rows !== rows) throw new Error(`the ${db} bench database holds ${seed.rows} seeded rows, not ${rows}: drop it to seed again`);
    if (!seed) {
      log(`seeding ${rows} log rows on ${db} (once; later runs reuse them)…`);
      const began = Date.now();
      seed = await seedLogs(handle, { rows, days: SEED_DAYS, dataDir });
      log(`seeded in ${((Date.now() - began) / 1000).toFixed(0)} s`);
    }
    return { db, rows: seed.rows, seededAt: seed.end, cases: await measureDashboard(handle, seed, log) };
  } finally {
    await handle.close();
  }
}

/** Both databases' figures (or those BENCH_DASHBOARD_DATABASES names): Postgres first (the target's), then PGlite. */
export async function dashboardFigures(log: (line: string) => void = console.log): Promise<DashboardFigure[]> {
  const figures: DashboardFigure[] = [];
  if (DATABASES.includes("postgres")) figures.push(await postgresFigure(log));
  if (DATABASES.includes("pglite")) figures.push(await pgliteFigure(log));
  return figures;
}

/** The targets table's rows: each page's worst p95 per database. */
export function dashboardTargets(figures: DashboardFigure[]): string[] {
  return figures.flatMap((fig) =>
    (["analytics", "logs"] as const).flatMap((page) => {
      const cases = fig.cases.filter((c) => c.page === page);
      if (cases.length === 0) return [];
      const worst = cases.reduce((a, b) => (b.p95 > a.p95 ? b : a));
      const measured = `worst p95 ${worst.p95.toFixed(1)} ms (${worst.label})`;
      const verdict = fig.db === "Postgres" ? (worst.p95 < DASHBOARD_TARGET_MS ? "met" : `missed by ${(worst.p95 - DASHBOARD_TARGET_MS).toFixed(1)} ms`) : "reported";
      const target = fig.db === "Postgres" ? `${page === "analytics" ? "Analytics" : "Logs"} page server time p95 < ${DASHBOARD_TARGET_MS} ms, ${fig.rows.toLocaleString("en-US")} log rows, Postgres` : `${page === "analytics" ? "Analytics" : "Logs"} page server time p95, ${fig.rows.toLocaleString("en-US")} log rows, PGlite`;
      return [`| ${target} | ${measured} | ${verdict} |`];
    }),
  );
}

const DASHBOARD_HEADING = "## Dashboard server time over seeded logs";

/** The RESULTS.md section: method, then one table per database. */
export function dashboardSection(figures: DashboardFigure[]): string {
  const lines = [
    DASHBOARD_HEADING,
    "",
    `Log rows seeded by bench/seed-logs.ts over the ${SEED_DAYS} days before the seed (4 teams, the busiest with half the rows; 3 gateways and 4 tokens each; 8 models; 1.5% refusals, 2% rate limits, 1.5% provider errors, 3% cache hits; user, plan and feature metadata), with the rollups the log writer would have written (its own code computes them). ` +
      `Each case calls the services its page calls (an operator context), ${WARMUP} unmeasured runs then ${RUNS} measured, over the busiest team, ranges ending where the seed ends. ` +
      "The analytics page reads the rollups only: its series from the per-gateway rollups, its breakdown from the daily rollups for whole days and the hourly ones for a range's ragged ends (the minute rollups for ranges up to 6 hours), merging latency sketches set-wise; the busiest team chose `plan` as an analytics metadata key. The logs page reads request_logs (on Postgres partitioned by day) through its (team_id, created_at) and (team_id, gateway_id, created_at) indexes, the partial index of failed requests (team_id, gateway_id, status_code, created_at) and the GIN index on metadata, and counts up to 10,000 rows (\"more than\" past that).",
    "",
  ];
  for (const fig of figures) {
    lines.push(`### ${fig.db}: ${fig.rows.toLocaleString("en-US")} rows (seeded to ${fig.seededAt})`, "", "| page | case | p50 ms | p95 ms |", "|---|---|---:|---:|");
    for (const c of fig.cases) lines.push(`| ${c.page} | ${c.label} | ${c.p50.toFixed(1)} | ${c.p95.toFixed(1)} |`);
    lines.push("");
  }
  return lines.join("\n");
}

/** Puts the section into RESULTS.md in place of an earlier one (or at the end), and the targets rows after the table's last row. */
function writeIntoResults(figures: DashboardFigure[]): void {
  const file = path.join(import.meta.dirname, "RESULTS.md");
  let text = readFileSync(file, "utf8");
  const section = dashboardSection(figures);
  const start = text.indexOf(DASHBOARD_HEADING);
  if (start === -1) {
    text = `${text.trimEnd()}\n\n${section}`;
  } else {
    const next = text.indexOf("\n## ", start + DASHBOARD_HEADING.length);
    text = text.slice(0, start) + section + (next === -1 ? "" : text.slice(next + 1));
  }
  const targets = dashboardTargets(figures);
  const lines = text.split("\n").filter((line) => !/^\| (Analytics|Logs) page server time/.test(line));
  const tableEnd = lines.findIndex((line, i) => i > lines.indexOf("## Performance targets") && line.startsWith("|") && !lines[i + 1]?.startsWith("|"));
  lines.splice(tableEnd + 1, 0, ...targets);
  writeFileSync(file, lines.join("\n"));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  dashboardFigures()
    .then((figures) => {
      console.log(dashboardSection(figures));
      if (FULL_RUN) writeIntoResults(figures);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
