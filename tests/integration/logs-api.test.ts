import { afterAll, beforeAll, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { testLogEvent } from "@/lib/logs/test-events";
import { writeLogBatch } from "@/lib/logs/writer";
import { createGateway } from "@/lib/services/gateways/create";
import { createTeam } from "@/lib/services/teams/create";
import { signedInMember } from "../support/dashboard-session";
import { gatewayEntries } from "../support/entries";
import { startGatewayServer, type GatewayServer } from "../support/gateway-server";
import { describeEachDatabase } from "../support/harness";
import { json } from "../support/http";
import { closeNextEntry } from "../support/next-entry";
import { operatorContext, uniqueSlug } from "../support/seed";

interface Envelope<T = unknown> {
  success: boolean;
  errors: { code: number; message: string }[];
  messages: unknown[];
  result: T;
  result_info?: Record<string, number | boolean | null>;
}

type Row = Record<string, unknown> & { id: string };

afterAll(closeNextEntry);

// Next route handlers: served through Next by both production entries (see routes-api.test.ts).
if (gatewayEntries().includes("next")) describeEachDatabase("logs management API and dashboard downloads", logsApiSuite);

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);

function logsApiSuite(database: () => DatabaseHandle): void {
  let server: GatewayServer | undefined;
  beforeAll(async () => {
    server = await startGatewayServer("next", { database: database() });
  });
  afterAll(() => server?.close());

  /** A team with gateway "main" holding 30 logs (every fifth an error; metadata user=u{i % 4}), one refusal, and a member signed in with `role`. */
  async function teamWithLogs(role: "admin" | "member" | "viewer" = "admin") {
    const db = database().db;
    const team = await createTeam({ ctx: operatorContext(db), slug: uniqueSlug("team") });
    const gateway = await createGateway({ ctx: operatorContext(db), teamId: team.id, slug: "main" });
    const events = Array.from({ length: 30 }, (_, i) =>
      testLogEvent(i, {
        id: `${team.id}-${String(i).padStart(2, "0")}`,
        teamId: team.id,
        gatewayId: gateway.id,
        tokenId: null,
        statusCode: i % 5 === 0 ? 502 : 200,
        success: i % 5 !== 0,
        costMicros: i * 10_000,
        metadata: { user: `u${i % 4}` },
        createdAt: new Date(T0 + i * 1_000),
      }),
    );
    events.push(testLogEvent(99, { id: `${team.id}-refused`, teamId: team.id, gatewayId: null, tokenId: null, statusCode: 401, success: false, errorMessage: "bad token", createdAt: new Date(T0 + 60_000) }, false));
    for (const event of events) if (event.payload) event.payload = { ...event.payload, logId: event.log.id, teamId: team.id };
    await writeLogBatch(db, events);
    const { cookie } = await signedInMember(db, server!.url, team, role);
    const base = `${server!.url}/client/v4/accounts/${team.slug}/ai-gateway/gateways/main/logs`;
    const call = async <T = Row[]>(method: string, path: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { cookie, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await json<Envelope<T>>(res) };
    };
    return { team, cookie, base, call };
  }

  const filters = (value: unknown) => `filters=${encodeURIComponent(JSON.stringify(value))}`;

  it("lists with Cloudflare's filters, search, order, paging and meta_info", async () => {
    const { team, call } = await teamWithLogs("viewer");
    const page = await call("GET", "?per_page=10&page=2");
    expect(page.status).toBe(200);
    expect(page.body.result.map((row) => row.id)).toEqual(Array.from({ length: 10 }, (_, i) => `${team.id}-${String(19 - i).padStart(2, "0")}`));
    expect(page.body.result_info).toMatchObject({ page: 2, per_page: 10, count: 10, total_count: 30 });
    expect(page.body.result[0]).toMatchObject({ success: true, status_code: 200, path: "/compat/chat/completions", cost: 0.19, metadata: { user: "u3" }, feedback: 0 });

    const errors = await call("GET", `?${filters([{ key: "success", operator: "eq", value: [false] }])}&meta_info=true`);
    expect(errors.body.result).toHaveLength(6);
    expect(errors.body.result_info).toMatchObject({ total_count: 6, min_cost: 0, max_cost: 0.25 });

    const search = await call("GET", `?search=${encodeURIComponent("user=u1")}&order_by=created_at&order_by_direction=asc`);
    expect(search.body.result.map((row) => row.id.slice(-2))).toEqual(["01", "05", "09", "13", "17", "21", "25", "29"]);
  });

  it("answers bad query input in the envelope, naming the field", async () => {
    const { call } = await teamWithLogs();
    const cases: [string, RegExp][] = [
      [filters([{ key: "cost", operator: "gt", value: ["cheap"] }]), /^filters\[0\]\.value\[0\]: expected a number, received "cheap"/],
      [filters([{ key: "colour", operator: "eq", value: ["red"] }]), /^filters\[0\]\.key: "colour" is not a filter key/],
      ["filters=%5Bnot-json", /^filters: not JSON/],
      ["per_page=500", /^per_page: must be a whole number from 1 to 50/],
      ["page=abc", /^page: must be a whole number/],
      ["order_by=cost", /^order_by: expected one of created_at, provider/],
      ["meta_info=yes", /^meta_info: expected true or false/],
    ];
    for (const [query, message] of cases) {
      const res = await call("GET", `?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body).toMatchObject({ success: false, result: null, errors: [{ code: 1001 }] });
      expect(res.body.errors[0]!.message, query).toMatch(message);
    }
  });

  it("gets one log, its bodies, and patches feedback; a bad id is 404 in the envelope", async () => {
    const { team, call, base, cookie } = await teamWithLogs("member");
    const id = `${team.id}-02`;
    const one = await call<Row>("GET", `/${id}`);
    expect(one.body.result).toMatchObject({ id, request_head: expect.stringContaining("secret prompt 2"), request_head_complete: true, response_head: expect.stringContaining("answer 2") });
    const request = await fetch(`${base}/${id}/request`, { headers: { cookie } });
    expect(request.headers.get("content-type")).toBe("application/json");
    expect(await request.json()).toEqual({ messages: [{ role: "user", content: "secret prompt 2" }] });
    const response = await fetch(`${base}/${id}/response`, { headers: { cookie } });
    expect(await response.text()).toContain("answer 2");
    expect((await call("GET", `/${team.id}-01/request`)).status).toBe(404);

    const patched = await call<Row>("PATCH", `/${id}`, { feedback: -1, score: 12 });
    expect(patched.body.result).toMatchObject({ id, feedback: -1, score: 12 });
    const bad = await call("PATCH", `/${id}`, { score: "high" });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]!.message).toMatch(/^score: /);
    const unknown = await call("PATCH", `/${id}`, { colour: "red" });
    expect(unknown.body.errors[0]!.message).toMatch(/^colour: not a field of a log/);

    const missing = await call("GET", "/no-such-log");
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ success: false, errors: [{ code: 7003 }] });
    // The refusal belongs to no gateway, so the gateway's API does not find it.
    expect((await call("GET", `/${team.id}-refused`)).status).toBe(404);
  });

  it("deletes by filter for admins only", async () => {
    const member = await teamWithLogs("member");
    expect((await member.call("DELETE", `?${filters([{ key: "success", operator: "eq", value: [false] }])}`)).status).toBe(403);
    const { call } = await teamWithLogs("admin");
    const deleted = await call<{ deleted: number }>("DELETE", `?${filters([{ key: "success", operator: "eq", value: [false] }])}`);
    expect(deleted.body).toMatchObject({ success: true, result: { deleted: 6 } });
    expect((await call("GET", "")).body.result_info).toMatchObject({ total_count: 24 });
    expect((await call<{ deleted: number }>("DELETE", "?limit=4")).body.result).toEqual({ deleted: 4 });
  });

  it("streams the dashboard's export with the list's filters, and refuses another team", async () => {
    const { team, cookie } = await teamWithLogs("viewer");
    const csv = await fetch(`${server!.url}/${team.slug}/logs/export?format=csv&status=error`, { headers: { cookie } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-disposition")).toMatch(/attachment; filename=".*-logs-.*\.csv"/);
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines).toHaveLength(1 + 7);
    expect(lines[0]).toMatch(/^id,created_at,gateway,path/);

    const jsonl = await fetch(`${server!.url}/${team.slug}/gateways/main/logs/export?format=jsonl&q=user%3Du2`, { headers: { cookie } });
    const rows = (await jsonl.text()).trim().split("\n").map((line) => JSON.parse(line) as Row);
    expect(rows.map((row) => row.id.slice(-2))).toEqual(["26", "22", "18", "14", "10", "06", "02"]);

    expect((await fetch(`${server!.url}/${team.slug}/logs/export?format=xml`, { headers: { cookie } })).status).toBe(400);
    const other = await teamWithLogs("viewer");
    expect((await fetch(`${server!.url}/${team.slug}/logs/export?format=csv`, { headers: { cookie: other.cookie } })).status).toBe(404);
  });

  it("exports 100,000 rows as a stream, every row once", async () => {
    const db = database().db;
    const team = await createTeam({ ctx: operatorContext(db), slug: uniqueSlug("bulk") });
    const gateway = await createGateway({ ctx: operatorContext(db), teamId: team.id, slug: "bulk" });
    const total = 100_000;
    for (let start = 0; start < total; start += 5_000) {
      await writeLogBatch(
        db,
        Array.from({ length: 5_000 }, (_, i) => testLogEvent(start + i, { id: `${team.id}-${start + i}`, teamId: team.id, gatewayId: gateway.id, tokenId: null, metadata: { n: start + i }, createdAt: new Date(T0 + start + i) }, false)),
      );
    }
    const { cookie } = await signedInMember(db, server!.url, team, "viewer");
    const res = await fetch(`${server!.url}/${team.slug}/logs/export?format=jsonl`, { headers: { cookie } });
    expect(res.status).toBe(200);
    // Read as it arrives, counting lines, never holding the whole body.
    const decoder = new TextDecoder();
    let lines = 0;
    let bytes = 0;
    let tail = "";
    for await (const chunk of res.body!) {
      bytes += chunk.byteLength;
      const text = tail + decoder.decode(chunk, { stream: true });
      const parts = text.split("\n");
      tail = parts.pop()!;
      lines += parts.length;
    }
    expect(tail).toBe("");
    expect(lines).toBe(total);
    expect(bytes).toBeGreaterThan(total * 300);
  }, 300_000);
}
