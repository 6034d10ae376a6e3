import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import type { Team } from "@/db/schema";
import { resolveRange } from "@/lib/analytics/range";
import { RELATIVE_ERROR } from "@/lib/analytics/sketch";
import { testLogEvent } from "@/lib/logs/test-events";
import { writeLogBatch } from "@/lib/logs/writer";
import { testDatabases } from "@/tests/support/database";
import { NotFoundError } from "../errors";
import { createGateway } from "../gateways/create";
import { setAnalyticsMetadataKeys } from "../teams/analytics-metadata-keys";
import { newTeam, operatorOf, userContext } from "../test-helpers";
import { createGatewayToken } from "../tokens/create";
import { getAnalyticsBreakdown } from "./breakdown";
import { getAnalyticsDashboard } from "./dashboard";
import { getAnalyticsSeries } from "./series";

const NOW = new Date("2026-11-22T10:17:30Z");
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe.each(testDatabases())("analytics services on $name", (database) => {
  let handle: DatabaseHandle;
  let team: Team;
  let prodId: string;
  let tokenId: string;
  beforeAll(async () => {
    handle = await database.open();
    team = await newTeam(handle);
    const operator = operatorOf(handle);
    prodId = (await createGateway({ ctx: operator, teamId: team.id, slug: "prod" })).id;
    const staging = await createGateway({ ctx: operator, teamId: team.id, slug: "staging" });
    tokenId = (await createGatewayToken({ ctx: operator, teamId: team.id, name: "ci token" })).record.id;
    const at = (ms: number) => new Date(NOW.getTime() - ms);
    const log = (i: number, overrides: Parameters<typeof testLogEvent>[1]) =>
      testLogEvent(
        i,
        { teamId: team.id, gatewayId: prodId, tokenId, provider: "openai", model: "gpt-4o-mini", ingressFormat: "openai-chat", success: true, statusCode: 200, cached: false, tokensIn: 0, tokensOut: 0, tokensCached: 0, costMicros: 0, ...overrides },
        false,
      );
    await writeLogBatch(handle.db, [
      log(1, { createdAt: at(2 * MINUTE), tokensIn: 100, tokensOut: 20, tokensCached: 40, costMicros: 1_500, durationMs: 100, ttfbMs: 50, cached: true }),
      log(2, { createdAt: at(3 * MINUTE), tokensIn: 50, tokensOut: 5, costMicros: 500, durationMs: 300, ttfbMs: 80, success: false, statusCode: 502 }),
      log(3, { createdAt: at(3 * HOUR), gatewayId: staging.id, model: "gpt-4o", tokensIn: 10, tokensOut: 1, costMicros: 10, durationMs: 1_000 }),
      log(4, { createdAt: at(30 * HOUR), tokensIn: 1_000, tokensOut: 100, costMicros: 9_000, durationMs: 2_000 }),
      // Refused before a gateway or token was known.
      log(5, { createdAt: at(20 * MINUTE), gatewayId: null, tokenId: null, provider: null, model: null, ingressFormat: null, success: false, statusCode: 401, errorCode: 2009, durationMs: 1 }),
      log(6, { createdAt: at(HOUR), success: false, statusCode: 429, errorCode: 2003, durationMs: 2 }),
      // Another team's traffic must not count.
      testLogEvent(7, { id: `${team.id}-other`, teamId: `${team.id}-other`, createdAt: at(MINUTE) }, false),
    ]);
  });
  afterAll(() => handle.close());

  it("sums the last hour minute by minute: totals, errors by class, cache hit rate and latency percentiles", async () => {
    const viewer = await userContext(handle, { team, role: "viewer" });
    const series = await getAnalyticsSeries({ ctx: viewer, teamId: team.id, range: resolveRange({ range: "1h" }, NOW) });
    expect(series.points).toHaveLength(60);
    expect(series.totals).toMatchObject({ requests: 3, errors: 2, serverErrors: 1, refusals: 1, rateLimited: 0, tokensIn: 150, tokensCached: 40, costMicros: 2_000 });
    expect(series.totals.cacheHitRate).toBeCloseTo(1 / 3);
    const withTraffic = series.points.filter((point) => point.requests > 0);
    expect(withTraffic.map((point) => point.at.toISOString())).toEqual(["2026-11-22T09:57:00.000Z", "2026-11-22T10:14:00.000Z", "2026-11-22T10:15:00.000Z"]);
    // Within the sketch's error of 300 ms (the slowest of 1, 100, 300) and 50 ms (the lower of 50, 80).
    expect(Math.abs(series.totals.duration.p99! - 300) / 300).toBeLessThanOrEqual(RELATIVE_ERROR);
    expect(Math.abs(series.totals.ttfb.p50! - 50) / 50).toBeLessThanOrEqual(RELATIVE_ERROR);
  });

  it("reads hours for 7 days, and one gateway's alone with its id", async () => {
    const range = resolveRange({ range: "7d" }, NOW);
    const all = await getAnalyticsSeries({ ctx: operatorOf(handle), teamId: team.id, range });
    expect(all.points).toHaveLength(168);
    expect(all.totals).toMatchObject({ requests: 6, rateLimited: 1, costMicros: 11_010 });
    const prod = await getAnalyticsSeries({ ctx: operatorOf(handle), teamId: team.id, gatewayId: prodId, range });
    expect(prod.totals.requests).toBe(4);
  });

  it("breaks usage down by gateway slug, token name and model, refusals in their own row, with a sparkline per row", async () => {
    const range = resolveRange({ range: "24h" }, NOW);
    const ctx = operatorOf(handle);
    const byGateway = await getAnalyticsBreakdown({ ctx, teamId: team.id, range, by: "gateway" });
    expect(byGateway.rows.map((row) => [row.label, row.gatewaySlug, row.requests])).toEqual([
      ["prod", "prod", 3],
      ["no gateway", null, 1],
      ["staging", "staging", 1],
    ]);
    expect(byGateway.rows[0]!.spark).toHaveLength(24);
    expect(byGateway.rows[0]!.spark.reduce((a, b) => a + b, 0)).toBe(3);

    const byToken = await getAnalyticsBreakdown({ ctx, teamId: team.id, range, by: "token" });
    expect(byToken.rows.map((row) => [row.label, row.requests])).toEqual([["ci token", 4], ["no token", 1]]);
    const byModel = await getAnalyticsBreakdown({ ctx, teamId: team.id, range, by: "model" });
    expect(byModel.rows.map((row) => [row.key, row.label, row.requests])).toEqual([
      ["openai/gpt-4o-mini", "openai/gpt-4o-mini", 3],
      ["", "no model", 1],
      ["openai/gpt-4o", "openai/gpt-4o", 1],
    ]);
    const byFormat = await getAnalyticsBreakdown({ ctx, teamId: team.id, gatewayId: prodId, range, by: "ingressFormat" });
    expect(byFormat.rows.map((row) => [row.label, row.requests, row.cacheHitRate])).toEqual([["openai-chat", 3, 1 / 3]]);
  });

  it("reads a week's whole days from the daily rollups and its ragged ends from the hourly ones, with the same sums and percentiles", async () => {
    const week = await newTeam(handle);
    // The 7-day range at NOW is [2026-11-15T11:00, 2026-11-22T11:00).
    const logs = [
      ["2026-11-15T10:59:00Z", 10],
      ["2026-11-15T11:30:00Z", 20],
      ["2026-11-18T12:00:00Z", 40],
      ["2026-11-22T09:00:00Z", 80],
      ["2026-11-22T11:00:00Z", 160],
    ] as const;
    await writeLogBatch(
      handle.db,
      logs.map(([createdAt, durationMs], i) => testLogEvent(i, { id: `${week.id}-${i}`, teamId: week.id, provider: "openai", model: "gpt-4o", createdAt: new Date(createdAt), durationMs }, false)),
    );
    const range = resolveRange({ range: "7d" }, NOW);
    const [byModel] = (await getAnalyticsBreakdown({ ctx: operatorOf(handle), teamId: week.id, range, by: "model" })).rows;
    expect(byModel).toMatchObject({ key: "openai/gpt-4o", requests: 3 });
    expect(byModel!.spark.reduce((a, b) => a + b, 0)).toBe(3);
    expect(Math.abs(byModel!.duration.p50! - 40) / 40).toBeLessThanOrEqual(RELATIVE_ERROR);
    expect(Math.abs(byModel!.duration.p99! - 80) / 80).toBeLessThanOrEqual(RELATIVE_ERROR);
    const series = await getAnalyticsSeries({ ctx: operatorOf(handle), teamId: week.id, range });
    expect(series.totals).toMatchObject({ requests: 3, duration: byModel!.duration });
  });

  it("shows one breakdown a page: the one asked for, else the first the page offers", async () => {
    const range = resolveRange({ range: "24h" }, NOW);
    const ctx = operatorOf(handle);
    const byToken = await getAnalyticsDashboard({ ctx, teamId: team.id, range, by: "token" });
    expect(byToken.breakdown.rows.map((row) => row.label)).toEqual(["ci token", "no token"]);
    expect(byToken.series.totals.requests).toBe(5);
    expect((await getAnalyticsDashboard({ ctx, teamId: team.id, range, by: "nonsense" })).breakdown.by).toBe("gateway");
    const gatewayPage = await getAnalyticsDashboard({ ctx, teamId: team.id, gatewayId: prodId, range, by: "gateway" });
    expect(gatewayPage.dimensions).not.toContain("gateway");
    expect(gatewayPage.breakdown.by).toBe("provider");
  });

  it("breaks usage down by the values of a chosen metadata key, requests without it in a row of their own, on the team's and a gateway's page", async () => {
    const planned = await newTeam(handle);
    const ctx = operatorOf(handle);
    await setAnalyticsMetadataKeys({ ctx, teamId: planned.id, analyticsMetadataKeys: ["plan"] });
    const main = (await createGateway({ ctx, teamId: planned.id, slug: "main" })).id;
    const side = (await createGateway({ ctx, teamId: planned.id, slug: "side" })).id;
    const at = (ms: number) => new Date(NOW.getTime() - ms);
    const logs: Parameters<typeof testLogEvent>[1][] = [
      { createdAt: at(2 * MINUTE), gatewayId: main, metadata: { plan: "pro", user: "u1" }, durationMs: 100, costMicros: 700 },
      { createdAt: at(30 * HOUR), gatewayId: side, metadata: { plan: "pro" }, durationMs: 2_000, costMicros: 300 },
      { createdAt: at(3 * HOUR), gatewayId: main, metadata: { plan: "free" }, durationMs: 1_000, costMicros: 50 },
      { createdAt: at(5 * MINUTE), gatewayId: main, metadata: { user: "u2" }, durationMs: 10, costMicros: 5 },
      { createdAt: at(50 * HOUR), gatewayId: main, metadata: null, durationMs: 20, costMicros: 1 },
    ];
    await writeLogBatch(
      handle.db,
      logs.map((log, i) => testLogEvent(i, { id: `${planned.id}-${i}`, teamId: planned.id, success: true, statusCode: 200, provider: "openai", model: "gpt-4o", ...log }, false)),
    );

    const week = resolveRange({ range: "7d" }, NOW);
    const byPlan = await getAnalyticsBreakdown({ ctx, teamId: planned.id, range: week, by: "metadata.plan" });
    expect(byPlan.rows.map((row) => [row.key, row.label, row.requests, row.costMicros, row.spark.reduce((a, b) => a + b, 0)])).toEqual([
      ["", "no value", 2, 6, 2],
      ["pro", "pro", 2, 1_000, 2],
      ["free", "free", 1, 50, 1],
    ]);
    // The no-value row's latency is every request's sketch less the keyed ones': 10 and 20 ms.
    expect(Math.abs(byPlan.rows[0]!.duration.p95! - 20) / 20).toBeLessThanOrEqual(RELATIVE_ERROR);
    expect(Math.abs(byPlan.rows[1]!.duration.p50! - 100) / 100).toBeLessThanOrEqual(RELATIVE_ERROR);
    expect(byPlan.rows[0]!.spark).toHaveLength(168);

    // One gateway's: every request there has a plan, so no "no value" row.
    const sideOnly = await getAnalyticsBreakdown({ ctx, teamId: planned.id, gatewayId: side, range: week, by: "metadata.plan" });
    expect(sideOnly.rows.map((row) => [row.label, row.requests])).toEqual([["pro", 1]]);
    // The last hour reads the minute rollups.
    const hour = await getAnalyticsBreakdown({ ctx, teamId: planned.id, range: resolveRange({ range: "1h" }, NOW), by: "metadata.plan" });
    expect(hour.rows.map((row) => [row.label, row.requests, row.spark.length])).toEqual([
      ["no value", 1, 60],
      ["pro", 1, 60],
    ]);

    const dashboard = await getAnalyticsDashboard({ ctx, teamId: planned.id, range: week, by: "metadata.plan" });
    expect(dashboard.dimensions).toEqual(["gateway", "provider", "model", "token", "ingressFormat", "metadata.plan"]);
    expect(dashboard.breakdown.rows).toEqual(byPlan.rows);
    // A key the team did not choose is not a breakdown.
    expect((await getAnalyticsDashboard({ ctx, teamId: planned.id, range: week, by: "metadata.user" })).breakdown.by).toBe("gateway");
  });

  it("is empty for a quiet range, and refuses a user of another team", async () => {
    const quiet = resolveRange({ range: "custom", from: "2026-01-01T00:00Z", to: "2026-01-02T00:00Z" }, NOW);
    const series = await getAnalyticsSeries({ ctx: operatorOf(handle), teamId: team.id, range: quiet });
    expect(series.totals).toMatchObject({ requests: 0, cacheHitRate: null, duration: { p50: null, p95: null, p99: null } });
    expect((await getAnalyticsBreakdown({ ctx: operatorOf(handle), teamId: team.id, range: quiet, by: "model" })).rows).toEqual([]);
    const outsider = await userContext(handle, { team: await newTeam(handle), role: "owner" });
    await expect(getAnalyticsSeries({ ctx: outsider, teamId: team.id, range: quiet })).rejects.toThrow(NotFoundError);
    await expect(getAnalyticsBreakdown({ ctx: outsider, teamId: team.id, range: quiet, by: "token" })).rejects.toThrow(NotFoundError);
  });
});
