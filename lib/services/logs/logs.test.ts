import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import type { Team } from "@/db/schema";
import { parseMasterKeys } from "@/lib/crypto/master-keys";
import { testLogEvent } from "@/lib/logs/test-events";
import { writeLogBatch } from "@/lib/logs/writer";
import { InvalidInputError, NotFoundError } from "../errors";
import { createGateway } from "../gateways/create";
import { newTeam, openTestDatabase, operatorOf, userContext } from "../test-helpers";
import { listLogFacets } from "./facets";
import { getRequestLog } from "./get";
import { listRequestLogs } from "./list";
import type { LogFilter, LogQuery } from "./query";
import { addProviderKey } from "../provider-keys/add";
import { removeProviderKey } from "../provider-keys/remove";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(() => handle.close());

const keyring = parseMasterKeys(`v1:${randomBytes(32).toString("base64")}`);

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);

/** A team with gateways "prod" and "dev"; `count` logs on prod, every third an error, one second apart. */
async function teamWithLogs(count: number) {
  const team = await newTeam(handle);
  const prod = await createGateway({ ctx: operatorOf(handle), teamId: team.id, slug: "prod" });
  const dev = await createGateway({ ctx: operatorOf(handle), teamId: team.id, slug: "dev" });
  const events = Array.from({ length: count }, (_, i) =>
    testLogEvent(i, {
      id: `${team.id}-log-${String(i).padStart(4, "0")}`,
      teamId: team.id,
      gatewayId: prod.id,
      provider: i % 2 === 0 ? "openai" : "groq",
      model: i % 2 === 0 ? "gpt-4o-mini" : "llama-3.1-8b",
      statusCode: i % 3 === 0 ? 502 : 200,
      success: i % 3 !== 0,
      createdAt: new Date(T0 + i * 1_000),
    }),
  );
  events.push(testLogEvent(9999, { id: `${team.id}-dev-log`, teamId: team.id, gatewayId: dev.id, createdAt: new Date(T0) }));
  for (const event of events) if (event.payload) event.payload = { ...event.payload, logId: event.log.id, teamId: team.id };
  await writeLogBatch(handle.db, events);
  return { team, ids: events.map((e) => e.log.id) };
}

async function viewerOf(team: Team) {
  return userContext(handle, { team, role: "viewer" });
}

describe("listRequestLogs", () => {
  it("pages newest first by (created_at, id) without gaps or repeats", async () => {
    const { team } = await teamWithLogs(25);
    const ctx = await viewerOf(team);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await listRequestLogs({ ctx, teamId: team.id, gatewaySlug: "prod", limit: 10, cursor });
      seen.push(...result.logs.map((log) => log.id));
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    const expected = Array.from({ length: 25 }, (_, i) => `${team.id}-log-${String(24 - i).padStart(4, "0")}`);
    expect(seen).toEqual(expected);
  });

  it("breaks ties on the same created_at by id", async () => {
    const team = await newTeam(handle);
    const gateway = await createGateway({ ctx: operatorOf(handle), teamId: team.id, slug: "prod" });
    const at = new Date(T0);
    await writeLogBatch(
      handle.db,
      ["a", "b", "c"].map((suffix, i) => testLogEvent(i, { id: `tie-${team.id}-${suffix}`, teamId: team.id, gatewayId: gateway.id, createdAt: at }, false)),
    );
    const ctx = operatorOf(handle);
    const first = await listRequestLogs({ ctx, teamId: team.id, gatewaySlug: "prod", limit: 2 });
    const second = await listRequestLogs({ ctx, teamId: team.id, gatewaySlug: "prod", limit: 2, cursor: first.nextCursor! });
    expect([...first.logs, ...second.logs].map((log) => log.id.slice(-1))).toEqual(["c", "b", "a"]);
    expect(second.nextCursor).toBeNull();
  });

  it("filters by status, provider, model and date range", async () => {
    const { team } = await teamWithLogs(30);
    const ctx = await viewerOf(team);
    const list = (query: Partial<LogQuery>) => listRequestLogs({ ctx, teamId: team.id, gatewaySlug: "prod", limit: 200, query: { filters: [], ...query } });
    const eq = (key: LogFilter["key"], ...value: LogFilter["value"]): LogFilter => ({ key, operator: "eq", value });

    const errors = await list({ filters: [eq("success", false)] });
    expect(errors.logs).toHaveLength(10);
    expect(errors.logs.every((log) => !log.success && log.statusCode === 502)).toBe(true);
    expect((await list({ filters: [eq("success", true)] })).logs).toHaveLength(20);
    expect((await list({ filters: [eq("status_code", 502)] })).logs).toHaveLength(10);

    const groq = await list({ filters: [eq("provider", "groq")] });
    expect(groq.logs).toHaveLength(15);
    expect(groq.logs.every((log) => log.provider === "groq")).toBe(true);
    expect((await list({ filters: [eq("model", "gpt-4o-mini"), eq("success", false)] })).logs).toHaveLength(5);
    expect((await list({ filters: [{ key: "model", operator: "contains", value: ["LLAMA"] }] })).logs).toHaveLength(15);
    expect((await list({ filters: [{ key: "provider", operator: "neq", value: ["groq", "openai"] }] })).logs).toHaveLength(0);

    const window = await list({ from: new Date(T0 + 10_000), to: new Date(T0 + 20_000) });
    expect(window.logs.map((log) => log.createdAt.getTime() - T0)).toEqual(
      Array.from({ length: 10 }, (_, i) => (19 - i) * 1_000),
    );
  });

  it("lists only the named gateway's logs", async () => {
    const { team } = await teamWithLogs(3);
    const dev = await listRequestLogs({ ctx: operatorOf(handle), teamId: team.id, gatewaySlug: "dev" });
    expect(dev.logs.map((log) => log.id)).toEqual([`${team.id}-dev-log`]);
  });

  it("refuses a cursor it did not make", async () => {
    const { team } = await teamWithLogs(1);
    await expect(
      listRequestLogs({ ctx: operatorOf(handle), teamId: team.id, gatewaySlug: "prod", cursor: "bm90IGEgY3Vyc29y" }),
    ).rejects.toThrow(InvalidInputError);
  });

  it("refuses another team's member and another team's gateway", async () => {
    const { team } = await teamWithLogs(3);
    const other = await newTeam(handle);
    await createGateway({ ctx: operatorOf(handle), teamId: other.id, slug: "theirs" });
    const outsider = await userContext(handle, { team: other, role: "owner" });
    await expect(listRequestLogs({ ctx: outsider, teamId: team.id, gatewaySlug: "prod" })).rejects.toThrow(NotFoundError);
    const viewer = await viewerOf(team);
    await expect(listRequestLogs({ ctx: viewer, teamId: team.id, gatewaySlug: "theirs" })).rejects.toThrow(NotFoundError);
    await expect(listLogFacets({ ctx: outsider, teamId: team.id, gatewaySlug: "prod" })).rejects.toThrow(NotFoundError);
  });
});

describe("listLogFacets", () => {
  it("names the providers and models a gateway has logged", async () => {
    const { team } = await teamWithLogs(4);
    expect(await listLogFacets({ ctx: await viewerOf(team), teamId: team.id, gatewaySlug: "prod" })).toEqual({
      providers: ["groq", "openai"],
      models: ["gpt-4o-mini", "llama-3.1-8b"],
      tokens: [],
    });
  });
});

describe("getRequestLog", () => {
  it("returns the row and its payload to a viewer", async () => {
    const { team, ids } = await teamWithLogs(2);
    const detail = await getRequestLog({ ctx: await viewerOf(team), teamId: team.id, gatewaySlug: "prod", logId: ids[0]! });
    expect(detail.log).toMatchObject({ id: ids[0], provider: "openai", statusCode: 502 });
    expect(detail.payload).toMatchObject({ requestHeaders: { authorization: "[redacted]" } });
    expect(detail.payload?.requestBody).toContain("secret prompt 0");
    expect(detail.reassembled).toBeNull();

    const withoutPayload = await getRequestLog({ ctx: operatorOf(handle), teamId: team.id, gatewaySlug: "prod", logId: ids[1]! });
    expect(withoutPayload.payload).toBeNull();
  });

  it("reassembles a streamed response", async () => {
    const team = await newTeam(handle);
    const gateway = await createGateway({ ctx: operatorOf(handle), teamId: team.id, slug: "prod" });
    const sse = [
      `data: {"id":"c1","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]}`,
      `data: {"id":"c1","choices":[{"index":0,"delta":{"content":"lo!"},"finish_reason":"stop"}]}`,
      `data: {"id":"c1","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2}}`,
      "data: [DONE]",
      "",
    ].join("\n\n");
    const event = testLogEvent(0, { id: `stream-${team.id}`, teamId: team.id, gatewayId: gateway.id, stream: true });
    event.payload = { ...event.payload!, logId: event.log.id, teamId: team.id, responseBody: sse };
    await writeLogBatch(handle.db, [event]);
    const detail = await getRequestLog({ ctx: operatorOf(handle), teamId: team.id, gatewaySlug: "prod", logId: event.log.id });
    expect(detail.reassembled?.choices[0]).toEqual({
      index: 0,
      message: { role: "assistant", content: "Hello!" },
      finish_reason: "stop",
    });
    expect(detail.reassembled?.usage).toEqual({ prompt_tokens: 3, completion_tokens: 2 });
  });

  it("shows a translated request as it went to the provider, beside what the client sent, with both formats named", async () => {
    const team = await newTeam(handle);
    const gateway = await createGateway({ ctx: operatorOf(handle), teamId: team.id, slug: "prod" });
    const translated = testLogEvent(0, { id: `translated-${team.id}`, teamId: team.id, gatewayId: gateway.id, provider: "anthropic", ingressFormat: "openai-chat" });
    const providerRequestBody = `{"model":"claude-haiku-4-5","max_tokens":1024,"messages":[{"role":"user","content":"secret prompt 0"}]}`;
    translated.payload = { ...translated.payload!, logId: translated.log.id, teamId: team.id, providerRequestBody };
    const passthrough = testLogEvent(2, { id: `as-sent-${team.id}`, teamId: team.id, gatewayId: gateway.id, provider: "openai", ingressFormat: "openai-chat" });
    passthrough.payload = { ...passthrough.payload!, logId: passthrough.log.id, teamId: team.id };
    await writeLogBatch(handle.db, [translated, passthrough]);

    const detail = await getRequestLog({ ctx: await viewerOf(team), teamId: team.id, gatewaySlug: "prod", logId: translated.log.id });
    expect(detail.log.ingressFormat).toBe("openai-chat");
    expect(detail.payload?.requestBody).toContain("secret prompt 0");
    expect(detail.translation).toEqual({ clientFormat: "OpenAI Chat Completions", providerFormat: "Anthropic Messages", providerRequestBody });

    const toCustom = testLogEvent(4, { id: `custom-${team.id}`, teamId: team.id, gatewayId: gateway.id, provider: "custom-acme", ingressFormat: "anthropic-messages" });
    toCustom.payload = { ...toCustom.payload!, logId: toCustom.log.id, teamId: team.id, providerRequestBody: "{}" };
    await writeLogBatch(handle.db, [toCustom]);
    const custom = await getRequestLog({ ctx: await viewerOf(team), teamId: team.id, gatewaySlug: "prod", logId: toCustom.log.id });
    expect(custom.translation).toMatchObject({ clientFormat: "Anthropic Messages", providerFormat: "OpenAI Chat Completions" });

    const asSent = await getRequestLog({ ctx: await viewerOf(team), teamId: team.id, gatewaySlug: "prod", logId: passthrough.log.id });
    expect(asSent.translation).toBeNull();
    const { logs } = await listRequestLogs({ ctx: await viewerOf(team), teamId: team.id, gatewaySlug: "prod" });
    expect(logs.map((l) => [l.provider, l.ingressFormat])).toEqual([
      ["custom-acme", "anthropic-messages"],
      ["openai", "openai-chat"],
      ["anthropic", "openai-chat"],
    ]);
  });

  it("does not find a log through another gateway or another team", async () => {
    const { team, ids } = await teamWithLogs(1);
    const other = await newTeam(handle);
    await createGateway({ ctx: operatorOf(handle), teamId: other.id, slug: "prod" });
    const ownerOfOther = await userContext(handle, { team: other, role: "owner" });
    const logId = ids[0]!;
    await expect(getRequestLog({ ctx: operatorOf(handle), teamId: team.id, gatewaySlug: "dev", logId })).rejects.toThrow(
      new NotFoundError(`log ${logId} not found`),
    );
    // Their own team and gateway slug, but our log id.
    await expect(getRequestLog({ ctx: ownerOfOther, teamId: other.id, gatewaySlug: "prod", logId })).rejects.toThrow(NotFoundError);
    await expect(getRequestLog({ ctx: ownerOfOther, teamId: team.id, gatewaySlug: "prod", logId })).rejects.toThrow(NotFoundError);
  });

  it("lists every attempt of the request in order, with the stored key each used, never its secret", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    const gateway = await createGateway({ ctx, teamId: team.id, slug: "prod" });
    const secret = "sk-proj-attempts-0123456789WXYZ";
    const first = await addProviderKey({ ctx, teamId: team.id, provider: "openai", secret, keyring });
    const second = await addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: "sk-proj-attempts-second-00BEEF", pool: true, keyring });
    const requestId = `req-${team.id}`;
    const at = new Date(T0);
    const row = (suffix: string, step: number, attempt: number, statusCode: number, providerKeyId: string | null, extra: object = {}) =>
      testLogEvent(
        0,
        {
          id: suffix === "first" ? requestId : `${requestId}-${suffix}`,
          requestId,
          teamId: team.id,
          gatewayId: gateway.id,
          step,
          attempt,
          statusCode,
          success: statusCode < 400,
          errorMessage: statusCode < 400 ? null : `upstream answered ${statusCode}`,
          providerKeyId,
          createdAt: at,
          ...extra,
        },
        false,
      );
    // Written out of order; a row of another request and one of another team share nothing with it.
    await writeLogBatch(handle.db, [
      row("c", 1, 1, 200, null, { provider: "anthropic" }),
      row("b", 0, 2, 429, second.id),
      row("first", 0, 1, 503, first.id),
      testLogEvent(1, { id: `other-${team.id}`, requestId: `other-${team.id}`, teamId: team.id, gatewayId: gateway.id }, false),
    ]);

    const detail = await getRequestLog({ ctx: await viewerOf(team), teamId: team.id, gatewaySlug: "prod", logId: `${requestId}-b` });
    expect(detail.key).toEqual({ id: second.id, alias: "default", preview: "sk-p…BEEF" });
    expect(detail.attempts.map((a) => [a.id, a.step, a.attempt, a.statusCode, a.errorMessage, a.key])).toEqual([
      [requestId, 0, 1, 503, "upstream answered 503", { id: first.id, alias: "default", preview: "sk-p…WXYZ" }],
      [`${requestId}-b`, 0, 2, 429, "upstream answered 429", { id: second.id, alias: "default", preview: "sk-p…BEEF" }],
      [`${requestId}-c`, 1, 1, 200, null, null],
    ]);
    expect(JSON.stringify(detail)).not.toContain(secret);

    // A key deleted since is still named by its id.
    await removeProviderKey({ ctx, teamId: team.id, key: { id: first.id } });
    const again = await getRequestLog({ ctx, teamId: team.id, gatewaySlug: "prod", logId: requestId });
    expect(again.key).toEqual({ id: first.id, alias: null, preview: null });
  });

  it("has no attempts for a row from before request ids", async () => {
    const { team, ids } = await teamWithLogs(1);
    const detail = await getRequestLog({ ctx: operatorOf(handle), teamId: team.id, gatewaySlug: "prod", logId: ids[0]! });
    expect(detail).toMatchObject({ attempts: [], key: null });
  });

  it("links a request's guardrail evaluations to their own rows, and an evaluation back to the request it judged", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    const prod = await createGateway({ ctx, teamId: team.id, slug: "prod" });
    const judge = await createGateway({ ctx, teamId: team.id, slug: "judge" });
    const requestId = `req-guarded-${team.id}`;
    const at = new Date(T0);
    await writeLogBatch(handle.db, [
      testLogEvent(0, {
        id: `${requestId}-log`,
        requestId,
        teamId: team.id,
        gatewayId: prod.id,
        statusCode: 424,
        success: false,
        createdAt: at,
        guardrails: [
          { check: "prompt", categories: ["S1"], action: "BLOCK", evaluationLogId: `${requestId}-eval` },
          { check: "response", categories: [], action: "NONE", evaluationLogId: `${requestId}-gone` },
        ],
        dlp: { action: "REDACT", findings: [{ check: "REQUEST", policyId: "pii", profileId: "credit_card", entryId: "credit_card", action: "REDACT", count: 2 }] },
      }, false),
      testLogEvent(1, { id: `${requestId}-eval`, requestId: `${requestId}-e`, parentRequestId: requestId, teamId: team.id, gatewayId: judge.id, createdAt: at }, false),
    ]);

    const viewer = await viewerOf(team);
    const request = await getRequestLog({ ctx: viewer, teamId: team.id, gatewaySlug: "prod", logId: `${requestId}-log` });
    expect(request.evaluations).toEqual({ [`${requestId}-eval`]: { id: `${requestId}-eval`, gatewaySlug: "judge" } });
    expect(request.parent).toBeNull();
    expect(request.log.dlp?.findings[0]).toMatchObject({ entryId: "credit_card", count: 2 });

    const evaluation = await getRequestLog({ ctx: viewer, teamId: team.id, gatewaySlug: "judge", logId: `${requestId}-eval` });
    expect(evaluation.parent).toEqual({ id: `${requestId}-log`, gatewaySlug: "prod" });
    expect(evaluation.evaluations).toEqual({});
  });
});
