import { sql, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, rowsOf, type DatabaseHandle } from "@/db/client";
import { setLogRetention } from "@/lib/services/teams/set-log-retention";
import { databaseUrlOf, testDatabases } from "@/tests/support/database";
import { seedTeam, type SeededTeam } from "@/tests/support/seed";
import { MAINTENANCE_LOCK, runLogMaintenance } from "./maintenance";
import { dayPartitions, dayStart, ensureDayPartitions, logsArePartitioned } from "./partitions";
import { testLogEvent } from "./test-events";

const DAY_MS = 86_400_000;
const NOW = new Date(Date.UTC(2026, 11, 3, 12, 0, 0));
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS);
const dayName = (at: Date) => at.toISOString().slice(0, 10).replaceAll("-", "");

/** The log tables' partitioning, retention, log limits and the maintenance lock, on PGlite and on a Postgres server. */
describe.each(testDatabases())("log maintenance on $name", (database) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await database.open();
  });
  afterAll(async () => {
    await handle.close();
  });
  beforeEach(async () => {
    // Retention looks at every team: each test starts with its own.
    await handle.db.execute(sql`truncate teams, request_logs, request_log_payloads, usage_rollups, usage_rollups_day, gateway_usage_rollups, gateway_usage_rollups_day, gateway_log_counts cascade`);
    if (database.name === "postgres") await ensureDayPartitions(handle.db, daysAgo(40), NOW);
  });

  async function select<T>(query: SQL): Promise<T[]> {
    return rowsOf<T>(await handle.db.execute(query));
  }

  /** `n` rows (each with a payload) for the gateway, one a second from `from`, written in SQL: tens of thousands in moments. */
  async function insertLogs(team: SeededTeam, from: Date, n: number, prefix: string): Promise<void> {
    const gatewayId = team.gateway.id;
    await handle.db.execute(sql`
      insert into request_logs (id, team_id, gateway_id, event_id, path, method, status_code, success, duration_ms, created_at)
      select ${prefix} || i, ${team.team.id}, ${gatewayId}, 'evt', '/compat/chat/completions', 'POST', 200, true, 10,
             ${from.toISOString()}::timestamptz + i * interval '1 second'
        from generate_series(1, ${n}) as i`);
    await handle.db.execute(sql`
      insert into request_log_payloads (log_id, team_id, request_body, created_at)
      select id, team_id, '{}', created_at from request_logs where id like ${`${prefix}%`}`);
  }

  async function logIds(team: SeededTeam): Promise<string[]> {
    return (await select<{ id: string }>(sql`select id from request_logs where team_id = ${team.team.id} order by id`)).map((row) => row.id);
  }

  it("partitions the log tables by day on a Postgres server, with days made ahead and a default partition; PGlite keeps plain tables", async () => {
    const partitioned = await logsArePartitioned(handle.db);
    expect(partitioned).toBe(database.name === "postgres");
    if (!partitioned) {
      expect(await select(sql`select relname from pg_class where relname like 'request_logs_p%'`)).toEqual([]);
      expect((await runLogMaintenance(handle, { now: NOW }))?.partitionsCreated).toEqual([]);
      return;
    }
    for (const table of ["request_logs", "request_log_payloads"] as const) {
      const days = (await dayPartitions(handle.db, table)).map((partition) => partition.day);
      expect(days).toContain(dayStart(daysAgo(40)));
      expect(days).toContain(dayStart(NOW) + 7 * DAY_MS);
      expect(await select(sql`select 1 from pg_class where relname = ${`${table}_default`}`)).toHaveLength(1);
    }
    // A row for a day with no partition waits in the default one and moves when its day is made.
    const team = await seedTeam(handle.db, { serverUrl: "http://unused" });
    const later = new Date(dayStart(NOW) + 20 * DAY_MS + 3_600_000);
    await insertLogs(team, later, 3, "later-");
    expect(await select(sql`select count(*)::int as n from request_logs_default`)).toEqual([{ n: 3 }]);
    const created = await ensureDayPartitions(handle.db, later, later);
    expect(created).toContain(`request_logs_p${dayName(later)}`);
    expect(created).toContain(`request_log_payloads_p${dayName(later)}`);
    expect(await select(sql`select count(*)::int as n from request_logs_default`)).toEqual([{ n: 0 }]);
    expect(await select(sql`select count(*)::int as n from ${sql.identifier(`request_logs_p${dayName(later)}`)}`)).toEqual([{ n: 3 }]);
    expect(await select(sql`select count(*)::int as n from ${sql.identifier(`request_log_payloads_p${dayName(later)}`)}`)).toEqual([{ n: 3 }]);
    // Every partition, the one just made too, has each of the table's indexes (the partial one of
    // failed requests included): the log pages read through them.
    const [table] = await select<{ partitions: number }>(sql`select count(*)::int as partitions from pg_inherits where inhparent = 'request_logs'::regclass`);
    const indexes = await select<{ name: string; partitions: number }>(sql`
      select i.indexrelid::regclass::text as name, (select count(*)::int from pg_inherits h where h.inhparent = i.indexrelid) as partitions
        from pg_index i where i.indrelid = 'request_logs'::regclass order by 1`);
    expect(indexes.map((index) => index.name)).toContain("request_logs_failed_idx");
    for (const index of indexes) expect(index, index.name).toEqual({ name: index.name, partitions: table?.partitions });
    // The writer's retried batch is still recognised on the partitioned table.
    const event = testLogEvent(1, { teamId: team.team.id, gatewayId: team.gateway.id, createdAt: NOW });
    await handle.writeLogs([event]);
    await handle.writeLogs([event]);
    expect(await select(sql`select requests from usage_rollups where team_id = ${team.team.id}`)).toEqual([{ requests: 1 }]);
  });

  it("applies each team's retention: days past the longest dropped whole on a Postgres server, shorter ones deleted in batches, bodies with their rows", async () => {
    const long = await seedTeam(handle.db, { serverUrl: "http://unused" });
    const short = await seedTeam(handle.db, { serverUrl: "http://unused" });
    await setLogRetention({ ctx: long.ctx, teamId: long.team.id, logRetentionDays: 10 });
    await setLogRetention({ ctx: short.ctx, teamId: short.team.id, logRetentionDays: 3 });
    for (const team of [long, short]) {
      await insertLogs(team, daysAgo(20), 5, `${team.team.slug}-20d-`);
      await insertLogs(team, daysAgo(5), 5, `${team.team.slug}-5d-`);
      await insertLogs(team, daysAgo(1), 5, `${team.team.slug}-1d-`);
    }

    const outcome = await runLogMaintenance(handle, { now: NOW, batch: 2 });

    expect(await logIds(long)).toEqual([...["1", "2", "3", "4", "5"].map((i) => `${long.team.slug}-1d-${i}`), ...["1", "2", "3", "4", "5"].map((i) => `${long.team.slug}-5d-${i}`)]);
    expect(await logIds(short)).toEqual(["1", "2", "3", "4", "5"].map((i) => `${short.team.slug}-1d-${i}`));
    expect(await select(sql`select count(*)::int as n from request_log_payloads`)).toEqual([{ n: 15 }]);
    if (database.name === "postgres") {
      // 20 days ago is past the longest retention (10): its day went whole; the short team's 5-day-old rows went in batches.
      expect(outcome?.retention.dropped).toContain(`request_logs_p${dayName(daysAgo(20))}`);
      expect(outcome?.retention.dropped).toContain(`request_log_payloads_p${dayName(daysAgo(20))}`);
      expect(outcome?.retention.dropped).not.toContain(`request_logs_p${dayName(daysAgo(5))}`);
      expect(outcome?.retention.deleted).toBe(5);
    } else {
      expect(outcome?.retention).toEqual({ dropped: [], deleted: 15 });
    }
  });

  it("drops no partition while a team keeps its logs, and still deletes the others' in batches", async () => {
    const keeps = await seedTeam(handle.db, { serverUrl: "http://unused" });
    const limited = await seedTeam(handle.db, { serverUrl: "http://unused" });
    await setLogRetention({ ctx: limited.ctx, teamId: limited.team.id, logRetentionDays: 7 });
    for (const team of [keeps, limited]) await insertLogs(team, daysAgo(20), 4, `${team.team.slug}-`);

    const outcome = await runLogMaintenance(handle, { now: NOW, batch: 3 });

    expect(outcome?.retention).toEqual({ dropped: [], deleted: 4 });
    expect(await logIds(keeps)).toHaveLength(4);
    expect(await logIds(limited)).toEqual([]);
  });

  it("STOP_INSERTING: a gateway at its log limit gets no more rows, while the rollups count its requests", async () => {
    const team = await seedTeam(handle.db, { serverUrl: "http://unused", settings: { logManagement: 10_000, logManagementStrategy: "STOP_INSERTING" } });
    await insertLogs(team, daysAgo(1), 9_990, "old-");
    await runLogMaintenance(handle, { now: NOW });
    expect(await select(sql`select logged::int from gateway_log_counts where gateway_id = ${team.gateway.id}`)).toEqual([{ logged: 9_990 }]);

    const events = (from: number) => Array.from({ length: 20 }, (_, i) => testLogEvent(from + i, { teamId: team.team.id, gatewayId: team.gateway.id, createdAt: NOW }));
    await handle.writeLogs(events(0));
    await handle.writeLogs(events(100));

    // The first ten of the first batch filled the gateway up; nothing after them was stored.
    const stored = await select<{ id: string }>(sql`select id from request_logs where team_id = ${team.team.id} and created_at = ${NOW.toISOString()}::timestamptz order by id`);
    expect(stored.map((row) => row.id).sort()).toEqual(events(0).slice(0, 10).map((event) => event.log.id).sort());
    expect(await select(sql`select logged::int from gateway_log_counts where gateway_id = ${team.gateway.id}`)).toEqual([{ logged: 10_000 }]);
    expect(await select(sql`select sum(requests)::int as n from usage_rollups where gateway_id = ${team.gateway.id}`)).toEqual([{ n: 40 }]);
    // Payloads only for the rows stored (even indexes carry one).
    expect(await select(sql`select count(*)::int as n from request_log_payloads where created_at = ${NOW.toISOString()}::timestamptz`)).toEqual([{ n: 5 }]);
  });

  it("DELETE_OLDEST: the maintenance deletes a gateway's oldest rows beyond its log limit, with their bodies", async () => {
    const team = await seedTeam(handle.db, { serverUrl: "http://unused", settings: { logManagement: 10_000, logManagementStrategy: "DELETE_OLDEST" } });
    const other = await seedTeam(handle.db, { serverUrl: "http://unused" });
    await insertLogs(team, daysAgo(2), 10_050, "row-");
    await insertLogs(other, daysAgo(3), 10, "other-");

    const outcome = await runLogMaintenance(handle, { now: NOW, batch: 20 });

    expect(outcome?.deletedBeyondLimits).toBe(50);
    const [kept] = await select<{ n: number; oldest: string }>(sql`select count(*)::int as n, min(id) as oldest from request_logs where team_id = ${team.team.id}`);
    expect(kept?.n).toBe(10_000);
    // Ids sort as text: the oldest kept is the 51st row.
    const remaining = await select<{ id: string }>(sql`select id from request_logs where team_id = ${team.team.id} order by created_at limit 1`);
    expect(remaining).toEqual([{ id: "row-51" }]);
    expect(await select(sql`select count(*)::int as n from request_log_payloads where team_id = ${team.team.id}`)).toEqual([{ n: 10_000 }]);
    expect(await logIds(other)).toHaveLength(10);
    expect(await select(sql`select logged::int from gateway_log_counts where gateway_id = ${team.gateway.id}`)).toEqual([{ logged: 10_000 }]);
    expect((await runLogMaintenance(handle, { now: NOW, batch: 20 }))?.deletedBeyondLimits).toBe(0);
  });

  it("runs one instance at a time", async () => {
    const [first, second] = await Promise.all([runLogMaintenance(handle, { now: NOW }), runLogMaintenance(handle, { now: NOW })]);
    expect(first).toBeDefined();
    expect(second).toBeUndefined();
    const url = databaseUrlOf(handle.db);
    if (!url) return; // PGlite: one process holds the database, and the check above is the whole lock.
    // Another instance (its own pool) holding the lock: this one skips its turn.
    const other = await openDatabase({ driver: "postgres", url });
    try {
      await other.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${MAINTENANCE_LOCK}))`);
        expect(await runLogMaintenance(handle, { now: NOW })).toBeUndefined();
      });
      expect(await runLogMaintenance(handle, { now: NOW })).toBeDefined();
    } finally {
      await other.close();
    }
  });
});
