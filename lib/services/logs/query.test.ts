import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { auditEvents, gatewayLogCounts, requestLogPayloads, type Team } from "@/db/schema";
import { testLogEvent } from "@/lib/logs/test-events";
import { writeLogBatch } from "@/lib/logs/writer";
import { ForbiddenError, InvalidInputError, NotFoundError } from "../errors";
import { createGateway } from "../gateways/create";
import { newTeam, openTestDatabase, operatorOf, userContext } from "../test-helpers";
import { createGatewayToken } from "../tokens/create";
import { deleteRequestLogs } from "./delete";
import { exportLines, exportRequestLogs } from "./export";
import { updateLogFeedback } from "./feedback";
import { getRequestLog } from "./get";
import { countRequestLogs, LOG_COUNT_LIMIT, listRequestLogs } from "./list";
import { parseLogFilters, type LogFilter, type LogQuery } from "./query";
import { parseLogSearch } from "./search-params";
import { recentRequestLogs } from "./tail";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(() => handle.close());

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);

/**
 * A team with gateway "prod", token "ci-bot", and logs: 10 on prod through the token (metadata
 * user=u{i % 3}, plan free|pro), and 2 refused before a gateway was found (no gateway, no token).
 */
async function teamWithMixedLogs() {
  const team = await newTeam(handle);
  const ctx = operatorOf(handle);
  const prod = await createGateway({ ctx, teamId: team.id, slug: "prod" });
  const { record: token } = await createGatewayToken({ ctx, teamId: team.id, name: "ci-bot" });
  const events = Array.from({ length: 10 }, (_, i) =>
    testLogEvent(
      i,
      {
        id: `${team.id}-ok-${i}`,
        teamId: team.id,
        gatewayId: prod.id,
        tokenId: token.id,
        provider: i < 5 ? "openai" : "groq",
        model: i < 5 ? "gpt-4o-mini" : "llama-3.1-8b",
        path: i % 2 === 0 ? "compat/chat/completions" : "openai/chat/completions",
        statusCode: i === 9 ? 429 : 200,
        success: i !== 9,
        costMicros: i * 100_000,
        tokensIn: i * 10,
        tokensOut: i,
        durationMs: 100 + i * 10,
        metadata: { user: `u${i % 3}`, plan: i % 2 === 0 ? "free" : "pro", seats: i },
        createdAt: new Date(T0 + i * 1_000),
      },
      false,
    ),
  );
  events.push(
    testLogEvent(100, { id: `${team.id}-refused-1`, teamId: team.id, gatewayId: null, tokenId: null, statusCode: 401, success: false, errorCode: 2009, errorMessage: "Unauthorized: the gateway token is not valid", provider: "nosuchprovider", model: "foo", metadata: null, createdAt: new Date(T0 + 20_000) }, false),
    testLogEvent(101, { id: `${team.id}-refused-2`, teamId: team.id, gatewayId: null, tokenId: null, statusCode: 404, success: false, errorCode: 2001, errorMessage: "Gateway not found: nope", provider: null, model: null, metadata: null, createdAt: new Date(T0 + 21_000) }, true),
  );
  for (const event of events) if (event.payload) event.payload = { ...event.payload, logId: event.log.id, teamId: team.id };
  await writeLogBatch(handle.db, events);
  return { team, token, prod };
}

const viewerOf = (team: Team) => userContext(handle, { team, role: "viewer" });
const f = (key: LogFilter["key"], operator: LogFilter["operator"], ...value: LogFilter["value"]): LogFilter => ({ key, operator, value });

describe("the log filter model", () => {
  it("lists the team's logs with refusals and names the token, and one gateway's without them", async () => {
    const { team } = await teamWithMixedLogs();
    const ctx = await viewerOf(team);
    const all = await listRequestLogs({ ctx, teamId: team.id });
    expect(all.logs).toHaveLength(12);
    expect(all.logs[0]).toMatchObject({ id: `${team.id}-refused-2`, gatewaySlug: null, tokenName: null, errorMessage: "Gateway not found: nope" });
    expect(all.logs[1]).toMatchObject({ provider: "nosuchprovider", model: "foo" });
    expect(all.logs.at(-1)).toMatchObject({ gatewaySlug: "prod", tokenName: "ci-bot" });
    expect((await listRequestLogs({ ctx, teamId: team.id, gatewaySlug: "prod" })).logs).toHaveLength(10);
    const refused = await listRequestLogs({ ctx, teamId: team.id, query: { filters: [f("refused", "eq", true)] } });
    expect(refused.logs.map((log) => log.statusCode)).toEqual([404, 401]);

    // The detail of a refusal opens from the team's view, and shows the token's name for the others.
    const detail = await getRequestLog({ ctx, teamId: team.id, logId: `${team.id}-refused-1` });
    expect(detail).toMatchObject({ gatewaySlug: null, tokenName: null, log: { errorCode: 2009 } });
    expect(await getRequestLog({ ctx, teamId: team.id, logId: `${team.id}-ok-3` })).toMatchObject({ gatewaySlug: "prod", tokenName: "ci-bot" });
    await expect(getRequestLog({ ctx, teamId: team.id, gatewaySlug: "prod", logId: `${team.id}-refused-1` })).rejects.toThrow(NotFoundError);
  });

  it("runs Cloudflare's keys and operators, the token by name, and metadata search", async () => {
    const { team, token } = await teamWithMixedLogs();
    const ctx = await viewerOf(team);
    const ids = async (query: Partial<LogQuery>) =>
      (await listRequestLogs({ ctx, teamId: team.id, gatewaySlug: "prod", query: { filters: [], ...query } })).logs.map((log) => Number(log.id.split("-").at(-1))).sort((a, b) => a - b);

    expect(await ids({ filters: [f("cost", "gt", 0.5)] })).toEqual([6, 7, 8, 9]);
    expect(await ids({ filters: [f("cost", "lt", 0.2), f("tokens", "gt", 5)] })).toEqual([1]);
    expect(await ids({ filters: [f("tokens_in", "eq", 30, 40)] })).toEqual([3, 4]);
    expect(await ids({ filters: [f("duration", "gt", 170)] })).toEqual([8, 9]);
    expect(await ids({ filters: [f("status_code", "neq", 200)] })).toEqual([9]);
    expect(await ids({ filters: [f("path", "contains", "openai/")] })).toEqual([1, 3, 5, 7, 9]);
    expect(await ids({ filters: [f("token", "eq", "ci-bot")] })).toHaveLength(10);
    expect(await ids({ filters: [f("token", "eq", token.id)] })).toHaveLength(10);
    expect(await ids({ filters: [f("token", "eq", "someone-else")] })).toEqual([]);
    expect(await ids({ filters: [f("metadata.key", "eq", "seats")] })).toHaveLength(10);
    expect(await ids({ filters: [f("metadata.value", "eq", "u1")] })).toEqual([1, 4, 7]);
    expect(await ids({ filters: [f("metadata.value", "neq", "u1", "u2")] })).toEqual([0, 3, 6, 9]);
    expect(await ids({ filters: [f("event_id", "eq", "evt-2")] })).toEqual([2]);
    expect(await ids({ search: "user=u2" })).toEqual([2, 5, 8]);
    expect(await ids({ search: "seats=7" })).toEqual([7]);
    expect(await ids({ search: "PRO" })).toEqual([1, 3, 5, 7, 9]);
    expect(await ids({ search: "100%" })).toEqual([]);
  });

  it("names the field of a filter it cannot run", () => {
    expect(() => parseLogFilters([{ key: "cost", operator: "gt", value: ["cheap"] }])).toThrow('filters[0].value[0]: expected a number, received "cheap"');
    expect(() => parseLogFilters([{ key: "colour", operator: "eq", value: ["red"] }])).toThrow(/filters\[0\]\.key: "colour" is not a filter key/);
    expect(() => parseLogFilters([{ key: "success", operator: "contains", value: [true] }])).toThrow(/filters\[0\]\.operator: "contains" does not apply to success/);
    expect(() => parseLogFilters([{ key: "model", operator: "eq" }])).toThrow(/filters\[0\]\.value/);
    expect(() => parseLogFilters({})).toThrow(InvalidInputError);
    expect(parseLogFilters([{ key: "success", operator: "eq", value: ["false"] }])).toEqual([f("success", "eq", false)]);
  });

  it("reads the pages' URL into the same model, naming what it ignores", () => {
    const parsed = parseLogSearch({ status: "error", token: "ci-bot", cost_min: "abc", q: "plan=free", from: "2026-11-22T10:00", filters: '[{"key":"cached","operator":"eq","value":[true]}]' });
    expect(parsed.query.filters).toEqual([f("success", "eq", false), f("token", "eq", "ci-bot"), f("cached", "eq", true)]);
    expect(parsed.query).toMatchObject({ search: "plan=free", from: new Date(T0) });
    expect(parsed.problems).toEqual(['cost_min: expected a number, received "abc"; that filter is ignored.']);
  });
});

describe("counting, paging, export, tail", () => {
  it("counts exactly, jumps to a page, and says 'more than' past the cap", async () => {
    const { team } = await teamWithMixedLogs();
    const ctx = await viewerOf(team);
    expect(await countRequestLogs({ ctx, teamId: team.id, query: { filters: [] } })).toEqual({ count: 12, more: false });
    expect(await countRequestLogs({ ctx, teamId: team.id, query: { filters: [f("success", "eq", false)] } })).toEqual({ count: 3, more: false });
    const third = await listRequestLogs({ ctx, teamId: team.id, gatewaySlug: "prod", limit: 3, page: 3 });
    expect(third.logs.map((log) => log.id.split("-").at(-1))).toEqual(["3", "2", "1"]);
    const byModel = await listRequestLogs({ ctx, teamId: team.id, gatewaySlug: "prod", orderBy: "model", direction: "asc", limit: 1 });
    expect(byModel.logs[0]?.model).toBe("gpt-4o-mini");
    await expect(listRequestLogs({ ctx, teamId: team.id, page: LOG_COUNT_LIMIT })).rejects.toThrow(InvalidInputError);

    const big = await newTeam(handle);
    const gateway = await createGateway({ ctx: operatorOf(handle), teamId: big.id, slug: "busy" });
    const rows = Array.from({ length: LOG_COUNT_LIMIT + 5 }, (_, i) => testLogEvent(i, { id: `${big.id}-${i}`, teamId: big.id, gatewayId: gateway.id, createdAt: new Date(T0 + i) }, false));
    for (let i = 0; i < rows.length; i += 2_000) await writeLogBatch(handle.db, rows.slice(i, i + 2_000));
    expect(await countRequestLogs({ ctx: operatorOf(handle), teamId: big.id, query: { filters: [] } })).toEqual({ count: LOG_COUNT_LIMIT, more: true });

    // The export walks every row by keyset, batch after batch, newest first, none twice.
    const seen = new Set<string>();
    let batches = 0;
    let previous = Infinity;
    for await (const batch of exportRequestLogs({ ctx: operatorOf(handle), teamId: big.id, query: { filters: [] } })) {
      batches++;
      for (const row of batch) {
        expect(row.createdAt.getTime()).toBeLessThanOrEqual(previous);
        previous = row.createdAt.getTime();
        seen.add(row.id);
      }
    }
    expect(seen.size).toBe(LOG_COUNT_LIMIT + 5);
    expect(batches).toBeGreaterThan(1);
  }, 120_000);

  it("writes CSV with a header and quoting, and JSON Lines, honouring the filters", async () => {
    const { team } = await teamWithMixedLogs();
    const ctx = await viewerOf(team);
    const batches = [];
    for await (const batch of exportRequestLogs({ ctx, teamId: team.id, query: { filters: [f("refused", "eq", true)] } })) batches.push(batch);
    expect(batches.flat()).toHaveLength(2);
    const csv = exportLines("csv", batches[0]!, true).split("\r\n");
    expect(csv[0]).toMatch(/^id,created_at,gateway,path,/);
    expect(csv[2]).toContain(",Unauthorized: the gateway token is not valid,");
    const quoted = exportLines("csv", [{ ...batches[0]![0]!, errorMessage: 'a, "b"', path: "=cmd" }], false);
    expect(quoted).toContain(',"a, ""b""",');
    expect(quoted).toContain(",'=cmd,");
    const jsonl = exportLines("jsonl", batches[0]!, true).trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(jsonl[1]).toMatchObject({ gateway: null, status_code: 401, provider: "nosuchprovider", model: "foo", token: null });
  });

  it("hands the tail rows newer than its start, oldest first", async () => {
    const { team } = await teamWithMixedLogs();
    const rows = await recentRequestLogs({ ctx: await viewerOf(team), teamId: team.id, query: { filters: [] }, since: new Date(T0 + 8_500) });
    expect(rows.map((row) => row.id.split("-").slice(-2).join("-"))).toEqual(["ok-9", "refused-1", "refused-2"]);
  });
});

describe("feedback and deletion", () => {
  it("saves feedback and a score for members, refuses viewers and bad values, and audits it", async () => {
    const { team } = await teamWithMixedLogs();
    const member = await userContext(handle, { team, role: "member" });
    const logId = `${team.id}-ok-2`;
    expect(await updateLogFeedback({ ctx: member, teamId: team.id, gatewaySlug: "prod", logId, feedback: 1, score: 87 })).toMatchObject({ feedback: 1, score: 87 });
    await expect(updateLogFeedback({ ctx: await viewerOf(team), teamId: team.id, logId, feedback: -1 })).rejects.toThrow(ForbiddenError);
    await expect(updateLogFeedback({ ctx: member, teamId: team.id, logId, score: 101 })).rejects.toThrow(/score/);
    await expect(updateLogFeedback({ ctx: member, teamId: team.id, logId, feedback: 2 })).rejects.toThrow(/feedback/);
    await expect(updateLogFeedback({ ctx: member, teamId: team.id, logId: "nope", feedback: 1 })).rejects.toThrow(NotFoundError);
    const list = await listRequestLogs({ ctx: member, teamId: team.id, query: { filters: [f("feedback", "eq", 1)] } });
    expect(list.logs.map((log) => log.id)).toEqual([logId]);
    const [audit] = await handle.db.select().from(auditEvents).where(and(eq(auditEvents.teamId, team.id), eq(auditEvents.action, "logs.feedback")));
    expect(audit).toMatchObject({ targetId: logId, targetLabel: "openai/gpt-4o-mini", details: { feedback: 1, score: 87 } });
  });

  it("deletes by filter for admins only, with the payloads, takes them off the gateway's log count, and records the filter and the count", async () => {
    const { team, prod } = await teamWithMixedLogs();
    await handle.db.insert(gatewayLogCounts).values({ gatewayId: prod.id, teamId: team.id, logged: 10 });
    const query: LogQuery = { filters: [f("refused", "eq", true)] };
    await expect(deleteRequestLogs({ ctx: await userContext(handle, { team, role: "member" }), teamId: team.id, query })).rejects.toThrow(ForbiddenError);
    const admin = await userContext(handle, { team, role: "admin" });
    expect(await deleteRequestLogs({ ctx: admin, teamId: team.id, query })).toEqual({ deleted: 2 });
    expect(await countRequestLogs({ ctx: admin, teamId: team.id, query: { filters: [] } })).toEqual({ count: 10, more: false });
    expect(await handle.db.select().from(requestLogPayloads).where(eq(requestLogPayloads.logId, `${team.id}-refused-2`))).toEqual([]);
    expect(await deleteRequestLogs({ ctx: admin, teamId: team.id, gatewaySlug: "prod", query: { filters: [f("provider", "eq", "groq")] }, limit: 2 })).toEqual({ deleted: 2 });
    const [count] = await handle.db.select().from(gatewayLogCounts).where(eq(gatewayLogCounts.gatewayId, prod.id));
    expect(count?.logged).toBe(8);
    const newest = await listRequestLogs({ ctx: admin, teamId: team.id, query: { filters: [f("provider", "eq", "groq")] } });
    expect(newest.logs.map((log) => log.id).sort()).toEqual([5, 6, 7].map((i) => `${team.id}-ok-${i}`));
    const audits = await handle.db.select().from(auditEvents).where(and(eq(auditEvents.teamId, team.id), eq(auditEvents.action, "logs.delete")));
    expect(audits.map((a) => a.targetLabel).sort()).toEqual(["logs of prod", "the team's logs"]);
    expect(audits.map((a) => a.details)).toEqual(
      expect.arrayContaining([
        { filter: { filters: [f("refused", "eq", true)] }, count: 2 },
        { filter: { filters: [f("provider", "eq", "groq")] }, count: 2 },
      ]),
    );
  });
});
