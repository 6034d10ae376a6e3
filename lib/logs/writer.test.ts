import { count, inArray, sql, type SQL } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { gatewayTokens, providerKeys, requestLogPayloads, requestLogs, teams, usageRollups, usageRollupsMinute } from "@/db/schema";
import { addPackedSketch, sketchCount, sketchQuantile } from "@/lib/analytics/sketch";
import { testDatabases } from "@/tests/support/database";
import { LogQueue } from "./queue";
import { pruneMinuteRollups } from "./rollups";
import { testLogEvent } from "./test-events";
import { writeLogBatch } from "./writer";

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/**
 * writeLogBatch as production runs it: through `handle.writeLogs`, on the database's worker thread
 * (PGlite's own, or the log writer's on Postgres), so refusals cross the thread as they do there.
 */
describe.each(testDatabases())("writeLogBatch on $name", (database) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await database.open();
  });
  afterAll(async () => {
    await handle.close();
  });
  beforeEach(async () => {
    await handle.db.execute(
      sql`truncate request_logs, request_log_payloads, usage_rollups, usage_rollups_minute, usage_rollups_day, gateway_usage_rollups, gateway_usage_rollups_day, metadata_usage_rollups, metadata_usage_rollups_minute, metadata_usage_rollups_day`,
    );
    await handle.db.delete(teams).where(inArray(teams.id, ["team-0", "team-1"]));
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** Rows of a raw query; every driver's result carries `rows`, but the shared Database type cannot say so. */
  async function select(query: SQL): Promise<Record<string, unknown>[]> {
    return ((await handle.db.execute(query)) as unknown as { rows: Record<string, unknown>[] }).rows;
  }

  /**
   * Rollups of both levels as stored, and as Postgres computes them from request_logs: they must
   * agree. A sketch is checked by its count here (its buckets in lib/analytics/sketch.test.ts).
   */
  async function rollupsStoredAndExpected() {
    const levels = [
      { table: "usage_rollups", bucket: "hour", width: "1 hour" },
      { table: "usage_rollups_minute", bucket: "minute", width: "1 minute" },
      { table: "usage_rollups_day", bucket: "day", width: "1 day" },
      { table: "gateway_usage_rollups", bucket: "hour", width: "1 hour", gatewayOnly: true },
      { table: "gateway_usage_rollups_day", bucket: "day", width: "1 day", gatewayOnly: true },
    ];
    const stored = [];
    const expected = [];
    for (const { table, bucket, width, gatewayOnly } of levels) {
      const keyed = (column: string) => (gatewayOnly ? sql.raw(`''`) : sql.raw(`coalesce(${column}, '')`));
      stored.push(
        ...(await select(sql`
          select ${table} as level, team_id, extract(epoch from ${sql.identifier(bucket)})::int as bucket, gateway_id, provider, model, token_id,
            ingress_format, requests, errors, rate_limited, refusals, client_errors, server_errors, cached_requests, tokens_in::int,
            tokens_out::int, tokens_cached::int, cost_micros::int, duration_ms_total::int,
            (select coalesce(sum(cell & 4294967295), 0) from unnest(ttfb_sketch) cell)::int as ttfb_count,
            (select coalesce(sum(cell & 4294967295), 0) from unnest(duration_sketch) cell)::int as duration_count
          from ${sql.identifier(table)} order by 1, 2, 3, 4, 5, 6, 7, 8`)),
      );
      expected.push(
        ...(await select(sql`
          select ${table} as level, team_id, extract(epoch from date_bin(${width}::interval, created_at, timestamptz '2000-01-01 00:00:00+00'))::int as bucket,
            coalesce(gateway_id, '') as gateway_id, ${keyed("provider")} as provider, ${keyed("model")} as model,
            ${keyed("token_id")} as token_id, ${keyed("ingress_format")} as ingress_format,
            count(*)::int as requests, (count(*) filter (where not success))::int as errors,
            (count(*) filter (where not success and status_code = 429))::int as rate_limited,
            (count(*) filter (where not success and status_code <> 429 and error_code is not null))::int as refusals,
            (count(*) filter (where not success and status_code <> 429 and error_code is null and status_code between 400 and 499))::int as client_errors,
            (count(*) filter (where not success and status_code <> 429 and error_code is null and status_code not between 400 and 499))::int as server_errors,
            (count(*) filter (where cached))::int as cached_requests, sum(tokens_in)::int as tokens_in,
            sum(tokens_out)::int as tokens_out, sum(tokens_cached)::int as tokens_cached,
            sum(cost_micros)::int as cost_micros, sum(duration_ms)::int as duration_ms_total,
            count(ttfb_ms)::int as ttfb_count, count(*)::int as duration_count
          from request_logs group by 2, 3, 4, 5, 6, 7, 8 order by 1, 2, 3, 4, 5, 6, 7, 8`)),
      );
    }
    // Metadata rollups: a log counts under each of its team's chosen keys it carries, by the value's first 64 characters.
    const metadataLevels = [
      { table: "metadata_usage_rollups", bucket: "hour", width: "1 hour" },
      { table: "metadata_usage_rollups_minute", bucket: "minute", width: "1 minute" },
      { table: "metadata_usage_rollups_day", bucket: "day", width: "1 day" },
    ];
    for (const { table, bucket, width } of metadataLevels) {
      stored.push(
        ...(await select(sql`
          select ${table} as level, team_id, extract(epoch from ${sql.identifier(bucket)})::int as bucket, gateway_id, metadata_key, metadata_value,
            requests, errors, rate_limited, refusals, client_errors, server_errors, cached_requests, tokens_in::int,
            tokens_out::int, tokens_cached::int, cost_micros::int, duration_ms_total::int,
            (select coalesce(sum(cell & 4294967295), 0) from unnest(ttfb_sketch) cell)::int as ttfb_count,
            (select coalesce(sum(cell & 4294967295), 0) from unnest(duration_sketch) cell)::int as duration_count
          from ${sql.identifier(table)} order by 1, 2, 3, 4, 5, 6`)),
      );
      expected.push(
        ...(await select(sql`
          select ${table} as level, l.team_id, extract(epoch from date_bin(${width}::interval, l.created_at, timestamptz '2000-01-01 00:00:00+00'))::int as bucket,
            coalesce(gateway_id, '') as gateway_id, chosen.key as metadata_key, left(metadata ->> chosen.key, 64) as metadata_value,
            count(*)::int as requests, (count(*) filter (where not success))::int as errors,
            (count(*) filter (where not success and status_code = 429))::int as rate_limited,
            (count(*) filter (where not success and status_code <> 429 and error_code is not null))::int as refusals,
            (count(*) filter (where not success and status_code <> 429 and error_code is null and status_code between 400 and 499))::int as client_errors,
            (count(*) filter (where not success and status_code <> 429 and error_code is null and status_code not between 400 and 499))::int as server_errors,
            (count(*) filter (where cached))::int as cached_requests, sum(tokens_in)::int as tokens_in,
            sum(tokens_out)::int as tokens_out, sum(tokens_cached)::int as tokens_cached,
            sum(cost_micros)::int as cost_micros, sum(duration_ms)::int as duration_ms_total,
            count(ttfb_ms)::int as ttfb_count, count(*)::int as duration_count
          from request_logs l join teams t on t.id = l.team_id cross join unnest(t.analytics_metadata_keys) as chosen(key)
          where metadata ->> chosen.key is not null
          group by 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6`)),
      );
    }
    return { stored, expected };
  }

  async function rowCount(table: typeof requestLogs | typeof requestLogPayloads | typeof usageRollups | typeof usageRollupsMinute) {
    const [row] = await handle.db.select({ n: count() }).from(table);
    return row?.n;
  }

  it("lands 1,000 events as rows, payloads and hourly rollups", async () => {
    const events = range(0, 1000).map((i) => testLogEvent(i));
    await handle.writeLogs(events);

    expect(await rowCount(requestLogs)).toBe(1000);
    expect(await rowCount(requestLogPayloads)).toBe(500);
    const { stored, expected } = await rollupsStoredAndExpected();
    expect(stored.length).toBeGreaterThan(10);
    expect(stored).toEqual(expected);
    // Rows without a gateway, provider or model roll up under "".
    expect(stored.some((r) => r.gateway_id === "" && r.provider === "" && r.model === "")).toBe(true);

    const [payload] = await handle.db.select().from(requestLogPayloads).where(sql`${requestLogPayloads.logId} = 'log-2'`);
    expect(payload).toEqual({ providerRequestBody: null, requestBinaryType: null, responseBinaryType: null, ...events[2]!.payload, createdAt: events[2]!.log.createdAt });
  });

  it("adds a second batch in the same hour onto the existing rollups", async () => {
    await handle.writeLogs(range(0, 1000).map((i) => testLogEvent(i)));
    const first = await rollupsStoredAndExpected();
    // The rollup key's fields repeat every 420 indexes, so i and i + 1260 share a key; same hour too.
    await handle.writeLogs(range(1260, 2260).map((i) => testLogEvent(i, { createdAt: new Date(Date.UTC(2026, 10, 22, 10, 30)) })));
    const second = await rollupsStoredAndExpected();

    expect(await rowCount(requestLogs)).toBe(2000);
    expect(second.stored).toEqual(second.expected);
    // Hourly: the second batch's minutes (all 10:30) are new minute rollups.
    const hourly = (rows: Record<string, unknown>[]) => rows.filter((r) => r.level === "usage_rollups");
    expect(hourly(second.stored).length).toBe(hourly(first.stored).length);
    const requestsFirst = hourly(first.stored).map((r) => r.requests);
    expect(hourly(second.stored).map((r) => r.requests)).toEqual(requestsFirst.map((n) => Number(n) * 2));
  });

  it("rolls up the metadata values of the keys each team chose, cut to 64 characters", async () => {
    await handle.db.insert(teams).values([
      { id: "team-0", slug: "team-0", name: "chose keys", analyticsMetadataKeys: ["plan", "user"] },
      { id: "team-1", slug: "team-1", name: "chose none" },
    ]);
    const long = "u".repeat(70);
    const metadataOf = (i: number) => (i % 4 === 3 ? null : { plan: ["free", "pro", true, 42][i % 4]!, ...(i % 3 === 0 ? { user: i % 9 === 0 ? long : `user-${i % 5}` } : {}), feature: "chat" });
    await handle.writeLogs(range(0, 1000).map((i) => testLogEvent(i, { metadata: metadataOf(i) })));
    await handle.writeLogs(range(1000, 1500).map((i) => testLogEvent(i, { metadata: metadataOf(i), createdAt: new Date(Date.UTC(2026, 10, 23, 1, 0) + i * 1000) })));

    const { stored, expected } = await rollupsStoredAndExpected();
    expect(stored).toEqual(expected);
    const metadataRows = stored.filter((r) => r.level === "metadata_usage_rollups");
    // Only team-0's chosen keys; "feature" was not chosen, team-1 chose nothing.
    expect(new Set(metadataRows.map((r) => `${r.team_id}:${r.metadata_key}`))).toEqual(new Set(["team-0:plan", "team-0:user"]));
    expect(new Set(metadataRows.filter((r) => r.metadata_key === "plan").map((r) => r.metadata_value))).toEqual(new Set(["free", "pro", "true", "42"].filter((_, i) => i % 2 === 0)));
    expect(metadataRows.some((r) => r.metadata_value === "u".repeat(64))).toBe(true);

  });

  it("keeps hours apart", async () => {
    await handle.writeLogs([
      testLogEvent(1, { createdAt: new Date("2026-11-22T10:59:59.999Z") }),
      testLogEvent(7, { createdAt: new Date("2026-11-22T11:00:00.000Z") }),
    ]);
    const rollups = await handle.db.select().from(usageRollups).orderBy(usageRollups.bucket);
    expect(rollups.map((r) => r.bucket.toISOString())).toEqual(["2026-11-22T10:00:00.000Z", "2026-11-22T11:00:00.000Z"]);
    const minutes = await handle.db.select().from(usageRollupsMinute).orderBy(usageRollupsMinute.bucket);
    expect(minutes.map((r) => r.bucket.toISOString())).toEqual(["2026-11-22T10:59:00.000Z", "2026-11-22T11:00:00.000Z"]);
  });

  it("writes nothing when any row of the batch fails", async () => {
    await handle.writeLogs([testLogEvent(1)]);
    // A count beyond the integer column.
    await expect(handle.writeLogs([testLogEvent(2), testLogEvent(3, { tokensIn: 2 ** 31 })])).rejects.toThrow();
    expect(await rowCount(requestLogs)).toBe(1);
    expect(await rowCount(requestLogPayloads)).toBe(0);
    const [rollup] = await handle.db.select().from(usageRollups);
    expect(rollup?.requests).toBe(1);
  });

  it("writes a batch again without a second copy of its rows or their usage (a commit whose acknowledgement was lost)", async () => {
    await handle.writeLogs(range(0, 10).map((i) => testLogEvent(i)));
    await handle.writeLogs(range(5, 15).map((i) => testLogEvent(i)));
    expect(await rowCount(requestLogs)).toBe(15);
    expect(await rowCount(requestLogPayloads)).toBe(8);
    const { stored, expected } = await rollupsStoredAndExpected();
    expect(stored).toEqual(expected);
  });

  it("rolls up errors by class, tokens, ingress formats and latency sketches that merge across batches", async () => {
    const at = new Date(Date.UTC(2026, 10, 22, 9, 15, 30));
    const mixed = (i: number, overrides: Parameters<typeof testLogEvent>[1]) =>
      testLogEvent(i, { teamId: "team-mixed", gatewayId: "gw-1", provider: "openai", model: "gpt-4o", createdAt: at, success: true, statusCode: 200, ...overrides }, false);
    await handle.writeLogs([
      mixed(1, { tokenId: "tok-a", ingressFormat: "openai-chat", durationMs: 100, ttfbMs: 10 }),
      mixed(2, { tokenId: "tok-b", ingressFormat: "anthropic-messages", durationMs: 200, ttfbMs: 20 }),
      mixed(3, { tokenId: "tok-a", ingressFormat: "openai-chat", success: false, statusCode: 429, errorCode: 2003, durationMs: 1 }),
      mixed(4, { tokenId: null, gatewayId: null, provider: null, model: null, success: false, statusCode: 401, errorCode: 2009, durationMs: 2 }),
      mixed(5, { tokenId: "tok-a", ingressFormat: "openai-chat", success: false, statusCode: 404, durationMs: 300 }),
      mixed(6, { tokenId: "tok-a", ingressFormat: "openai-chat", success: false, statusCode: 502, durationMs: 400 }),
    ]);
    await handle.writeLogs([mixed(7, { tokenId: "tok-a", ingressFormat: "openai-chat", durationMs: 5_000, ttfbMs: 1_000 })]);

    const { stored, expected } = await rollupsStoredAndExpected();
    expect(stored).toEqual(expected);
    const hourly = await handle.db.select().from(usageRollups).where(sql`${usageRollups.teamId} = 'team-mixed'`);
    const openaiChat = hourly.find((r) => r.tokenId === "tok-a" && r.ingressFormat === "openai-chat")!;
    expect(openaiChat).toMatchObject({ requests: 5, errors: 3, rateLimited: 1, refusals: 0, clientErrors: 1, serverErrors: 1 });
    expect(hourly.find((r) => r.gatewayId === "")).toMatchObject({ tokenId: "", provider: "", refusals: 1, errors: 1 });
    // The second batch's row merged into the first's sketch: the worst of 100, 300, 400, 5,000 and 1 ms.
    expect(sketchQuantile(addPackedSketch([], openaiChat.durationSketch), 1)).toBeCloseTo(5_000, -3);
    expect(sketchQuantile(addPackedSketch([], openaiChat.ttfbSketch), 0.5)).toBeCloseTo(10, -1);

    const [merged] = await select(sql`select sketch_sum(duration_sketch)::text as sketch from usage_rollups where team_id = 'team-mixed'`);
    const packed = String(merged!.sketch).slice(1, -1).split(",").map(Number);
    expect(sketchCount(addPackedSketch([], packed))).toBe(7);
  });

  it("prunes minute rollups before a time, and leaves the hourly ones", async () => {
    await handle.writeLogs([
      testLogEvent(1, { createdAt: new Date("2026-11-20T10:00:00Z") }),
      testLogEvent(2, { createdAt: new Date("2026-11-22T10:00:00Z") }),
    ]);
    await pruneMinuteRollups(handle.db, new Date("2026-11-21T00:00:00Z"));
    const minutes = await handle.db.select().from(usageRollupsMinute);
    expect(minutes.map((r) => r.bucket.toISOString())).toEqual(["2026-11-22T10:00:00.000Z"]);
    expect(await rowCount(usageRollups)).toBe(2);
  });

  it("records when each token and stored key was last used, and whether the provider accepted the key", async () => {
    const teamId = `team-uses-${Math.random()}`;
    await handle.db.insert(teams).values({ id: teamId, slug: teamId, name: "uses" });
    await handle.db.insert(gatewayTokens).values({ id: `${teamId}-tok`, teamId, name: "t", tokenHash: `${teamId}-hash`, start: "sy_", last4: "abcd" });
    const key = { teamId, provider: "openai", secret: "x", masterKeyVersion: "v1", secretStart: "", secretLast4: "" };
    await handle.db.insert(providerKeys).values([
      { ...key, id: `${teamId}-ok`, alias: "ok" },
      { ...key, id: `${teamId}-bad`, alias: "bad" },
    ]);
    const at = (second: number) => new Date(Date.UTC(2026, 10, 22, 12, 0, second));
    const use = (index: number, second: number, keyId: string, statusCode: number, errorCode: number | null = null) =>
      testLogEvent(index, { teamId, tokenId: `${teamId}-tok`, providerKeyId: keyId, statusCode, errorCode, createdAt: at(second) });

    await handle.writeLogs([use(9001, 5, `${teamId}-ok`, 200), use(9002, 9, `${teamId}-bad`, 401), use(9003, 7, `${teamId}-ok`, 429)]);
    // An older batch arriving late, and a gateway refusal after the provider's answer, change nothing.
    await handle.writeLogs([use(9004, 1, `${teamId}-ok`, 401), use(9005, 30, `${teamId}-bad`, 403, 2005)]);

    const [token] = await handle.db.select().from(gatewayTokens).where(sql`${gatewayTokens.teamId} = ${teamId}`);
    expect(token!.lastUsedAt).toEqual(at(30));
    const keys = await handle.db.select().from(providerKeys).where(sql`${providerKeys.teamId} = ${teamId}`).orderBy(providerKeys.alias);
    expect(keys.map((k) => [k.alias, k.lastUsedAt, k.lastStatus])).toEqual([
      ["bad", at(9), "rejected"],
      ["ok", at(7), "ok"],
    ]);
  });

  it("stores NUL and lone surrogates as U+FFFD in text and JSON columns alike, in a batch with clean rows", async () => {
    const bad = "a\u0000b\ud800c\udfff";
    const fixed = "a\uFFFDb\uFFFDc\uFFFD";
    const poisoned = testLogEvent(2, { model: `gpt-4o-mini${bad}`, path: `/compat/${bad}`, userAgent: bad, metadata: { [bad]: bad, n: 1 } });
    poisoned.payload = {
      ...poisoned.payload!,
      requestBody: `{"model":"${bad}"}`,
      responseBody: bad,
      requestHeaders: { [`x-${bad}`]: bad },
      responseHeaders: { "content-type": bad },
    };
    await handle.writeLogs([testLogEvent(1), poisoned, testLogEvent(4)]);

    expect(await rowCount(requestLogs)).toBe(3);
    const [log] = await handle.db.select().from(requestLogs).where(sql`${requestLogs.id} = 'log-2'`);
    expect(log).toMatchObject({ model: `gpt-4o-mini${fixed}`, path: `/compat/${fixed}`, userAgent: fixed, metadata: { [fixed]: fixed, n: 1 } });
    const [payload] = await handle.db.select().from(requestLogPayloads).where(sql`${requestLogPayloads.logId} = 'log-2'`);
    expect(payload).toMatchObject({
      requestBody: `{"model":"${fixed}"}`,
      responseBody: fixed,
      requestHeaders: { [`x-${fixed}`]: fixed },
      responseHeaders: { "content-type": fixed },
    });
    const { stored, expected } = await rollupsStoredAndExpected();
    expect(stored).toEqual(expected);
    expect(stored.some((r) => r.model === `gpt-4o-mini${fixed}`)).toBe(true);
  });

  it("through the log queue, isolates the rows the database refuses and writes every other one, rollups and last uses included", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const teamId = `team-isolation-${Math.random()}`;
    await handle.db.insert(teams).values({ id: teamId, slug: teamId, name: "isolation" });
    await handle.db.insert(gatewayTokens).values({ id: `${teamId}-tok`, teamId, name: "t", tokenHash: `${teamId}-hash`, start: "sy_", last4: "abcd" });
    const at = (second: number) => new Date(Date.UTC(2026, 10, 22, 12, 0, second));
    const events = range(0, 200).map((i) => testLogEvent(i, { teamId, tokenId: `${teamId}-tok`, createdAt: at(i % 60) }));
    // Refused for its payload (a NOT NULL column left null): stored without its details.
    events[37] = { ...events[37]!, payload: { ...testLogEvent(36).payload!, logId: "log-37", teamId: null as unknown as string } };
    // Refused for a count beyond the integer column: refused without its details too, so dropped.
    events[150] = testLogEvent(150, { teamId, tokenId: `${teamId}-tok`, tokensIn: 2 ** 31, createdAt: at(59) });
    // The latest use of the token is only in the refused row 150 (second 59) and the written row 119.
    const queue = new LogQueue({ write: (batch) => handle.writeLogs(batch), batchSize: 1_000, flushIntervalMs: 3_600_000 });
    for (const event of events) queue.enqueue(event);
    await queue.close();

    expect(queue.stats()).toMatchObject({ queued: 0, written: 199, failed: 1 });
    const ids = (await select(sql`select id from request_logs where team_id = ${teamId}`)).map((r) => r.id);
    expect(ids).toHaveLength(199);
    expect(ids).not.toContain("log-150");
    const [isolated] = await handle.db.select().from(requestLogs).where(sql`${requestLogs.id} = 'log-37'`);
    expect(isolated).toMatchObject({ teamId, model: null, path: "", tokensIn: events[37]!.log.tokensIn });
    expect(isolated!.errorMessage).toMatch(/^Log row stored without its details: the database refused it \(23502 null value in column "team_id"/);
    expect(await select(sql`select log_id from request_log_payloads where log_id in ('log-37', 'log-150')`)).toEqual([]);
    // Even indexes carry a payload: 100, less the dropped row 150's.
    expect(await rowCount(requestLogPayloads)).toBe(99);
    const { stored, expected } = await rollupsStoredAndExpected();
    expect(stored).toEqual(expected);
    const [token] = await handle.db.select().from(gatewayTokens).where(sql`${gatewayTokens.teamId} = ${teamId}`);
    expect(token!.lastUsedAt).toEqual(at(59));
    expect(errors).toHaveBeenCalledTimes(2);
  });

  it("does nothing for an empty batch", async () => {
    await handle.writeLogs([]);
    expect(await rowCount(requestLogs)).toBe(0);
  });

  it("writes on the calling thread what it writes on the worker's", async () => {
    await writeLogBatch(handle.db, range(0, 50).map((i) => testLogEvent(i)));
    const here = { logs: await select(sql`select * from request_logs order by id`), rollups: await rollupsStoredAndExpected() };
    await handle.db.execute(
      sql`truncate request_logs, request_log_payloads, usage_rollups, usage_rollups_minute, usage_rollups_day, gateway_usage_rollups, gateway_usage_rollups_day, metadata_usage_rollups, metadata_usage_rollups_minute, metadata_usage_rollups_day`,
    );
    await handle.db.delete(teams).where(inArray(teams.id, ["team-0", "team-1"]));
    await handle.writeLogs(range(0, 50).map((i) => testLogEvent(i)));
    expect(await select(sql`select * from request_logs order by id`)).toEqual(here.logs);
    expect(await rollupsStoredAndExpected()).toEqual(here.rollups);
  });
});
