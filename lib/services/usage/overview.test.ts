import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { testLogEvent } from "@/lib/logs/test-events";
import { writeLogBatch } from "@/lib/logs/writer";
import { NotFoundError } from "../errors";
import { createGateway } from "../gateways/create";
import { newTeam, openTestDatabase, operatorOf, userContext } from "../test-helpers";
import { getUsageOverview } from "./overview";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(() => handle.close());

const NOW = new Date(Date.UTC(2026, 10, 22, 5, 30));
const HOUR = 3_600_000;

describe("getUsageOverview", () => {
  it("totals today (UTC) per team, gateway and model, and the last 24 hours per hour", async () => {
    const team = await newTeam(handle);
    const other = await newTeam(handle);
    const prod = await createGateway({ ctx: operatorOf(handle), teamId: team.id, slug: "prod" });
    const at = (ms: number) => new Date(NOW.getTime() + ms);
    const log = (i: number, overrides: Parameters<typeof testLogEvent>[1]) =>
      testLogEvent(i, { id: `${team.id}-${i}`, teamId: team.id, gatewayId: prod.id, provider: "openai", model: "gpt-4o-mini", ...overrides }, false);
    await writeLogBatch(handle.db, [
      log(1, { createdAt: at(-10 * 60_000), tokensIn: 100, tokensOut: 20, costMicros: 1_500, success: true, cached: true }),
      log(2, { createdAt: at(-2 * HOUR), tokensIn: 50, tokensOut: 5, costMicros: 500, success: false, statusCode: 500 }),
      log(3, { createdAt: at(-3 * HOUR), tokensIn: 10, tokensOut: 1, costMicros: 10, success: true, model: "gpt-4o" }),
      // Yesterday (UTC): in the 24-hour series, not in today's totals.
      log(4, { createdAt: at(-7 * HOUR), tokensIn: 1_000, tokensOut: 100, costMicros: 9_000, success: true }),
      // Another team's traffic must not count.
      testLogEvent(5, { id: `${other.id}-5`, teamId: other.id, gatewayId: "gw-x", createdAt: at(-60_000) }, false),
    ]);

    const viewer = await userContext(handle, { team, role: "viewer" });
    const overview = await getUsageOverview({ ctx: viewer, teamId: team.id, now: NOW });
    expect(overview.since).toEqual(new Date(Date.UTC(2026, 10, 22)));
    expect(overview.today).toMatchObject({ requests: 3, errors: 1, cachedRequests: 1, tokensIn: 160, tokensOut: 26, costMicros: 2_010 });
    expect(overview.byGateway).toEqual([expect.objectContaining({ gatewaySlug: "prod", requests: 3 })]);
    expect(overview.byModel.map((row) => [row.model, row.requests])).toEqual([["gpt-4o-mini", 2], ["gpt-4o", 1]]);

    expect(overview.hourly).toHaveLength(24);
    expect(overview.hourly.at(-1)).toEqual({ hour: new Date(Date.UTC(2026, 10, 22, 5)), requests: 1, errors: 0 });
    expect(overview.hourly.reduce((sum, h) => sum + h.requests, 0)).toBe(4);
    expect(overview.hourly.reduce((sum, h) => sum + h.errors, 0)).toBe(1);
  });

  it("is all zeros for a quiet team", async () => {
    const team = await newTeam(handle);
    const overview = await getUsageOverview({ ctx: operatorOf(handle), teamId: team.id, now: NOW });
    expect(overview.today).toEqual({ requests: 0, errors: 0, cachedRequests: 0, tokensIn: 0, tokensOut: 0, costMicros: 0, durationMsTotal: 0 });
    expect(overview.byGateway).toEqual([]);
  });

  it("refuses a user of another team", async () => {
    const team = await newTeam(handle);
    const outsider = await userContext(handle, { team: await newTeam(handle), role: "owner" });
    await expect(getUsageOverview({ ctx: outsider, teamId: team.id })).rejects.toThrow(NotFoundError);
  });
});
