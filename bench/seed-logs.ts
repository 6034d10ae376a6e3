/**
 * Seeds a database with request logs for the dashboard benchmark: `--rows` rows (10 million by
 * default) spread over the `--days` (30) before now, across 4 teams (busiest first), 3 gateways and
 * 4 tokens each, 8 models of 4 providers, with a realistic mix of answers (successes, cached
 * answers, rate limits, provider errors, refusals before any gateway was known), streams, token
 * counts, cost, latencies and metadata (user, plan, feature); 1 row in 100 carries bodies.
 *
 * Rows are made here an hour at a time, in time order (so each day partition and index fills in
 * turn), and written in one statement per hour on two connections, with that hour's rollups
 * computed by the log writer's own levelRollupRows and upserted at every level it keeps (the hour's own
 * rows, added into the day's), minute rollups for the last 48 hours only, as the maintenance loop
 * keeps them. The busiest team chooses the metadata key "plan", so its plan rollups are seeded too. The log
 * writer itself (writeLogBatch) upserts rollups row by row and writes about 3,000 rows a second
 * on this machine: an hour for 10 million rows.
 *
 *   npx tsx bench/seed-logs.ts --database-url postgres://…/bench_10m [--rows N] [--days D]
 *   npx tsx bench/seed-logs.ts --pglite <dir> [--rows N] [--days D]
 *
 * When done, it records what it seeded (a comment on the database; a file in the PGlite folder),
 * which `seededLogs` reads, so the bench reuses a seeded database instead of seeding again.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase, rowsOf, type Database, type DatabaseHandle } from "@/db/client";
import type { NewRequestLog } from "@/db/schema";
import { uuidv7 } from "@/lib/ids";
import { ensureDayPartitions, logsArePartitioned } from "@/lib/logs/partitions";
import { DAY_MS, HOUR_MS, levelRollupRows, METADATA_ROLLUP_LEVELS, metadataRollupRows, MINUTE_MS, MINUTE_ROLLUP_RETENTION_MS, ROLLUP_LEVELS, upsertRollups } from "@/lib/logs/rollups";
import type { LogEvent } from "@/lib/logs/types";
import { expandJson } from "@/lib/logs/writer";
import { requestLogPayloads, requestLogs } from "@/db/schema";
import { createGateway } from "@/lib/services/gateways/create";
import { setAnalyticsMetadataKeys } from "@/lib/services/teams/analytics-metadata-keys";
import { createTeam } from "@/lib/services/teams/create";
import { createGatewayToken } from "@/lib/services/tokens/create";

const WRITERS = 2;

export interface SeedManifest {
  rows: number;
  days: number;
  /** The end of the seeded span (ISO); the bench's ranges end here. */
  end: string;
  teams: { id: string; slug: string; gateways: { id: string; slug: string }[] }[];
}

const TEAMS = [
  { slug: "bench-a", share: 0.5 },
  { slug: "bench-b", share: 0.25 },
  { slug: "bench-c", share: 0.15 },
  { slug: "bench-d", share: 0.1 },
];
const GATEWAYS = ["prod", "staging", "batch"];
const GATEWAY_SHARES = [0.7, 0.1, 0.2];
/** Provider, model, format, dollars per million tokens in and out. */
const MODELS: [string, string, string, number, number][] = [
  ["openai", "gpt-4o-mini", "openai-chat", 0.15, 0.6],
  ["openai", "gpt-4o", "openai-chat", 2.5, 10],
  ["openai", "text-embedding-3-small", "openai-embeddings", 0.02, 0],
  ["anthropic", "claude-haiku-4-5", "anthropic-messages", 1, 5],
  ["anthropic", "claude-sonnet-4-5", "anthropic-messages", 3, 15],
  ["google-ai-studio", "gemini-2.5-flash", "openai-chat", 0.3, 2.5],
  ["workers-ai", "@cf/meta/llama-3.1-8b-instruct", "workers-ai", 0.28, 0.83],
  ["groq", "llama-3.3-70b-versatile", "openai-chat", 0.59, 0.79],
];
const MODEL_SHARES = [0.35, 0.1, 0.1, 0.15, 0.08, 0.1, 0.05, 0.07];
const PLANS = ["free", "pro", "enterprise"];
const FEATURES = ["chat", "search", "summarize", "classify", "extract"];

/** A small seeded PRNG (mulberry32): the same rows for the same arguments. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(items: readonly T[], shares: readonly number[], r: number): T {
  let acc = 0;
  for (let i = 0; i < items.length; i++) {
    acc += shares[i]!;
    if (r < acc) return items[i]!;
  }
  return items.at(-1)!;
}

/** Milliseconds around a median, with a long right tail, as model latencies have. */
function lognormal(rand: () => number, median: number, spread: number): number {
  const normal = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return Math.max(1, Math.round(median * Math.exp(spread * normal)));
}

/** A team the rows go to, with its share of them, and the gateways and tokens they name. */
export type SeedTeam = SeedManifest["teams"][number] & { share: number; tokens: string[] };

/** Gives the existing team `team` the seed's gateways and tokens; it gets `share` of the rows. */
export async function seedTeam(db: Database, team: { id: string; slug: string }, share: number): Promise<SeedTeam> {
  const ctx = { db, actor: { type: "operator" as const } };
  const gateways = [];
  for (const gatewaySlug of GATEWAYS) gateways.push(await createGateway({ ctx, teamId: team.id, slug: gatewaySlug, settings: { authentication: true } }));
  const tokens = [];
  for (const name of ["web", "mobile", "backend", "ci"]) tokens.push((await createGatewayToken({ ctx, teamId: team.id, name })).record.id);
  return { id: team.id, slug: team.slug, share, gateways: gateways.map((g) => ({ id: g.id, slug: g.slug })), tokens };
}

async function seedTeams(db: Database): Promise<SeedTeam[]> {
  const ctx = { db, actor: { type: "operator" as const } };
  const teams: SeedTeam[] = [];
  for (const { slug, share } of TEAMS) teams.push(await seedTeam(db, await createTeam({ ctx, slug }), share));
  return teams;
}

/** Row `i`, made at `at`, in one of `teams` as their shares go. */
function logEvent(i: number, at: number, teams: SeedTeam[]): LogEvent {
  const rand = random(i * 2654435761);
  const team = pick(teams, teams.map((t) => t.share), rand());
  const gateway = pick(team.gateways, GATEWAY_SHARES, rand());
  const [provider, model, ingressFormat, priceIn, priceOut] = pick(MODELS, MODEL_SHARES, rand());
  const tokenId = team.tokens[Math.floor(rand() * team.tokens.length)]!;
  const outcome = rand();
  // 1.5% refused before any gateway was known (a bad token), 2% rate limited, 1.5% provider errors, 3% cached.
  const refusedEarly = outcome < 0.015;
  const rateLimited = !refusedEarly && outcome < 0.035;
  const providerError = !refusedEarly && !rateLimited && outcome < 0.05;
  const cached = !refusedEarly && !rateLimited && !providerError && outcome < 0.08;
  const success = !refusedEarly && !rateLimited && !providerError;
  const stream = ingressFormat !== "openai-embeddings" && rand() < 0.4;
  const tokensIn = success ? Math.round(50 + rand() * rand() * 4000) : 0;
  const tokensOut = success && ingressFormat !== "openai-embeddings" ? Math.round(20 + rand() * rand() * 1200) : 0;
  const tokensCached = success && rand() < 0.2 ? Math.round(tokensIn * 0.5) : 0;
  const durationMs = cached ? lognormal(rand, 4, 0.5) : success ? lognormal(rand, 900, 0.7) : lognormal(rand, 30, 1);
  const log: NewRequestLog = {
    id: uuidv7(at),
    requestId: null,
    teamId: team.id,
    gatewayId: refusedEarly ? null : gateway.id,
    tokenId: refusedEarly ? null : tokenId,
    eventId: `evt-${i}`,
    keySource: success && !cached ? "team" : null,
    provider,
    model,
    ingressFormat: refusedEarly ? null : ingressFormat,
    path: `/compat/chat/completions`,
    method: "POST",
    statusCode: refusedEarly ? 401 : rateLimited ? 429 : providerError ? (rand() < 0.7 ? 500 : 400) : 200,
    success,
    errorCode: refusedEarly ? 2009 : rateLimited ? 2003 : null,
    errorMessage: refusedEarly ? "Unauthorized" : rateLimited ? "Rate limited" : providerError ? "Upstream error" : null,
    stream,
    tokensIn,
    tokensOut,
    tokensCached,
    costMicros: cached ? 0 : Math.round(tokensIn * priceIn + tokensOut * priceOut),
    durationMs,
    ttfbMs: success ? Math.min(durationMs, lognormal(rand, stream ? 300 : durationMs, 0.4)) : null,
    requestBytes: 200 + tokensIn * 4,
    responseBytes: success ? 300 + tokensOut * 4 : 120,
    cached,
    metadata: { user: `user-${Math.floor(rand() * rand() * 20_000)}`, plan: PLANS[Math.floor(rand() * rand() * 3)]!, feature: FEATURES[Math.floor(rand() * FEATURES.length)]! },
    userAgent: "OpenAI/NodeJS/4.0",
    createdAt: new Date(at),
  };
  const payload =
    i % 100 === 0
      ? { logId: log.id, teamId: team.id, requestBody: `{"model":"${provider}/${model}","messages":[{"role":"user","content":"question ${i}"}]}`, responseBody: `{"choices":[{"message":{"content":"answer ${i}"}}]}` }
      : undefined;
  return { log, payload };
}

/** What an earlier run seeded into this database, if it finished. */
export async function seededLogs(handle: DatabaseHandle, dataDir?: string): Promise<SeedManifest | undefined> {
  if (handle.driver === "pglite") {
    const file = dataDir && path.join(dataDir, "seed-logs.json");
    return file && existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as SeedManifest) : undefined;
  }
  const [row] = rowsOf<{ comment: string | null }>(await handle.db.execute(sql`select shobj_description(oid, 'pg_database') as comment from pg_database where datname = current_database()`));
  return row?.comment?.startsWith("{") ? (JSON.parse(row.comment) as SeedManifest) : undefined;
}

/** Seeds `rows` rows over the `days` before now; returns what it seeded (also recorded for `seededLogs`). */
export async function seedLogs(handle: DatabaseHandle, { rows, days, dataDir, onProgress }: { rows: number; days: number; dataDir?: string; onProgress?: (written: number) => void }): Promise<SeedManifest> {
  const { db } = handle;
  const end = Date.now();
  const start = end - days * DAY_MS;
  const teams = await seedTeams(db);
  // The busiest team breaks its analytics down by plan, so its plan rollups are seeded too.
  const metadataKeysByTeam = new Map([[teams[0]!.id, ["plan"]]]);
  for (const [teamId, analyticsMetadataKeys] of metadataKeysByTeam) await setAnalyticsMetadataKeys({ ctx: { db, actor: { type: "operator" } }, teamId, analyticsMetadataKeys });
  await writeSeedLogs(db, teams, { rows, start, end, metadataKeysByTeam, onProgress });
  await db.execute(sql`analyze`);
  const manifest: SeedManifest = { rows, days, end: new Date(end).toISOString(), teams: teams.map(({ tokens: _tokens, share: _share, ...team }) => team) };
  if (handle.driver === "pglite") {
    if (dataDir) writeFileSync(path.join(dataDir, "seed-logs.json"), JSON.stringify(manifest));
  } else {
    await db.execute(sql.raw(`comment on database ${await currentDatabase(db)} is '${JSON.stringify(manifest).replaceAll("'", "''")}'`));
  }
  return manifest;
}

/**
 * Writes `rows` rows for `teams`, spread evenly from `start` to `end` (epoch milliseconds), an hour
 * at a time as the top of this file tells, rollups included (metadata rollups for the keys
 * `metadataKeysByTeam` gives each team).
 */
export async function writeSeedLogs(
  db: Database,
  teams: SeedTeam[],
  {
    rows,
    start,
    end,
    metadataKeysByTeam = new Map(),
    onProgress,
  }: { rows: number; start: number; end: number; metadataKeysByTeam?: Map<string, string[]>; onProgress?: (written: number) => void },
): Promise<void> {
  if (await logsArePartitioned(db)) await ensureDayPartitions(db, new Date(start), new Date(end));
  const minuteRollupsFrom = end - MINUTE_ROLLUP_RETENTION_MS;
  const hours = Math.ceil((end - start) / HOUR_MS);
  let nextHour = 0;
  let written = 0;
  const writer = async () => {
    while (nextHour < hours) {
      const hour = nextHour++;
      const first = Math.floor((hour * rows) / hours);
      const last = Math.floor(((hour + 1) * rows) / hours);
      const hourStart = start + hour * HOUR_MS;
      const events: LogEvent[] = [];
      for (let i = first; i < last; i++) events.push(logEvent(i, hourStart + Math.floor(((i - first + 0.5) / (last - first)) * HOUR_MS), teams));
      const logs = events.map((event) => event.log);
      const payloads = events.flatMap((event) => (event.payload ? [{ ...event.payload, createdAt: event.log.createdAt }] : []));
      await db.transaction(async (tx) => {
        await tx.execute(sql`insert into ${requestLogs} ${expandJson(requestLogs, logs)}`);
        if (payloads.length > 0) await tx.execute(sql`insert into ${requestLogPayloads} ${expandJson(requestLogPayloads, payloads)}`);
        for (const level of ROLLUP_LEVELS) {
          if (level.bucketMs === MINUTE_MS && hourStart + HOUR_MS <= minuteRollupsFrom) continue;
          await tx.execute(upsertRollups(level.table, expandJson(level.table, levelRollupRows(level, logs))));
        }
        for (const level of METADATA_ROLLUP_LEVELS) {
          if (level.bucketMs === MINUTE_MS && hourStart + HOUR_MS <= minuteRollupsFrom) continue;
          const metadataRows = metadataRollupRows(level.bucketMs, logs, metadataKeysByTeam);
          if (metadataRows.length > 0) await tx.execute(upsertRollups(level.table, expandJson(level.table, metadataRows)));
        }
      });
      written += events.length;
      onProgress?.(written);
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
}

async function currentDatabase(db: Database): Promise<string> {
  const [row] = rowsOf<{ name: string }>(await db.execute(sql`select quote_ident(current_database()) as name`));
  return row!.name;
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
}

async function main(): Promise<void> {
  const rows = Number(argument("rows") ?? 10_000_000);
  const days = Number(argument("days") ?? 30);
  const url = argument("database-url");
  const dataDir = argument("pglite");
  if (!url === !dataDir) throw new Error("give --database-url <postgres url> or --pglite <folder>");
  const handle = await openDatabase(url ? { driver: "postgres", url } : { driver: "pglite", dataDir });
  try {
    await handle.migrate();
    const already = await seededLogs(handle, dataDir);
    if (already) {
      console.log(`already seeded: ${already.rows} rows over ${already.days} days to ${already.end}`);
      return;
    }
    const began = Date.now();
    let reported = 0;
    const manifest = await seedLogs(handle, {
      rows,
      days,
      dataDir,
      onProgress: (written) => {
        if (written - reported < rows / 20 && written < rows) return;
        reported = written;
        const seconds = (Date.now() - began) / 1000;
        console.log(`${written} rows in ${seconds.toFixed(0)} s (${Math.round(written / seconds)} rows/s)`);
      },
    });
    console.log(`seeded ${manifest.rows} rows over ${manifest.days} days in ${((Date.now() - began) / 1000).toFixed(0)} s`);
  } finally {
    await handle.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
