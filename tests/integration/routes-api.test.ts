import { afterAll, beforeAll, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { createGateway } from "@/lib/services/gateways/create";
import { createTeam } from "@/lib/services/teams/create";
import { createSnapshotDirectory } from "@/lib/state/snapshot-directory";
import { signedInMember } from "../support/dashboard-session";
import { startGatewayServer, type GatewayServer } from "../support/gateway-server";
import { gatewayEntries } from "../support/entries";
import { describeEachDatabase } from "../support/harness";
import { json } from "../support/http";
import { testKeyring } from "../support/keyring";
import { closeNextEntry } from "../support/next-entry";
import { operatorContext, uniqueSlug } from "../support/seed";

/** The route in the API's spelling: free plan → cheap model; else 90/10; the main model falls back. */
const SUPPORT = [
  { id: "start", type: "start", outputs: { next: { elementId: "plan" } } },
  { id: "plan", type: "conditional", properties: { conditions: { "metadata.plan": { $eq: "free" } } }, outputs: { true: { elementId: "cheap" }, false: { elementId: "split" } } },
  { id: "split", type: "percentage", outputs: { "90%": { elementId: "main" }, else: { elementId: "other" } } },
  { id: "main", type: "model", properties: { provider: "openai", model: "gpt-4o" }, outputs: { success: { elementId: "end" }, fallback: { elementId: "cheap" } } },
  { id: "other", type: "model", properties: { provider: "openai", model: "gpt-4.1" }, outputs: { success: { elementId: "end" } } },
  { id: "cheap", type: "model", properties: { provider: "openai", model: "gpt-4o-mini" }, outputs: { success: { elementId: "end" } } },
  { id: "end", type: "end", outputs: {} },
];

interface Envelope<T = Record<string, unknown>> {
  success: boolean;
  errors: { code: number; message: string }[];
  messages: unknown[];
  result: T;
  result_info?: Record<string, number>;
}

afterAll(closeNextEntry);

// The management API is a set of Next route handlers: server.ts hands every non-gateway path to Next, so
// both production entries serve it through Next, and this suite runs with the Next entry (not in a
// TEST_GATEWAY_ENTRY=node run, which builds no Next).
if (gatewayEntries().includes("next")) describeEachDatabase("dynamic routes management API", managementApiSuite);

function managementApiSuite(database: () => DatabaseHandle): void {
  let server: GatewayServer | undefined;
  beforeAll(async () => {
    server = await startGatewayServer("next", { database: database() });
  });
  afterAll(() => server?.close());

  async function teamWithAdmin(role: "admin" | "viewer" = "admin") {
    const db = database().db;
    const team = await createTeam({ ctx: operatorContext(db), slug: uniqueSlug("team") });
    const gateway = await createGateway({ ctx: operatorContext(db), teamId: team.id, slug: "main" });
    const { cookie } = await signedInMember(db, server!.url, team, role);
    const base = `${server!.url}/client/v4/accounts/${team.slug}/ai-gateway/gateways/main/routes`;
    const call = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { cookie, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
      return { status: res.status, body: await json<Envelope<T>>(res) };
    };
    return { team, gateway, cookie, base, call };
  }

  it("creates, versions, deploys and rolls back a route in Cloudflare's shapes, and the data plane's directory follows", async () => {
    const { team, gateway, call } = await teamWithAdmin();
    const created = await call("POST", "", { name: "support", elements: SUPPORT });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ success: true, errors: [], messages: [] });
    const route = created.body.result as { id: string; version: { version_id: string } };
    expect(route).toMatchObject({
      id: expect.stringMatching(/^rt_/),
      name: "support",
      gateway_id: "main",
      created_at: expect.any(String),
      modified_at: expect.any(String),
      elements: SUPPORT,
      deployment: null,
      version: { version_id: expect.stringMatching(/^rtv_/), number: 1, active: "false", is_valid: true, data: expect.any(String) },
    });
    // `data` is Cloudflare's: the elements as a JSON string.
    expect(JSON.parse((created.body.result as { version: { data: string } }).version.data)).toEqual(SUPPORT);

    const v2 = await call<{ version_id: string; number: number }>("POST", `/${route.id}/versions`, {
      elements: SUPPORT.map((e) => (e.id === "main" ? { ...e, properties: { provider: "openai", model: "gpt-4.1-mini" } } : e)),
    });
    expect(v2).toMatchObject({ status: 201, body: { result: { number: 2, active: "false", is_valid: true } } });

    const directory = createSnapshotDirectory(database().db, testKeyring);
    try {
      const first = await call<{ deployment_id: string; version_id: string }>("POST", `/${route.id}/deployments`, { version_id: route.version.version_id });
      expect(first).toMatchObject({ status: 201, body: { result: { deployment_id: expect.stringMatching(/^rtd_/), version_id: route.version.version_id } } });
      expect(await directory.route(team.id, gateway.id, "support")).toMatchObject({ version: 1 });
      await call("POST", `/${route.id}/deployments`, { version_id: v2.body.result.version_id });
      expect(await directory.route(team.id, gateway.id, "support")).toMatchObject({ version: 2 });

      const shown = await call("GET", `/${route.id}`);
      expect(shown.body.result).toMatchObject({ deployment: { version_id: v2.body.result.version_id }, version: { number: 2, active: "true" }, latest_version: 2 });
      const versions = await call<{ number: number; active: string }[]>("GET", `/${route.id}/versions`);
      expect(versions.body.result.map((v) => [v.number, v.active])).toEqual([
        [2, "true"],
        [1, "false"],
      ]);
      expect((await call("GET", `/${route.id}/versions/${route.version.version_id}`)).body.result).toMatchObject({ number: 1, active: "false" });

      // Rollback is a deployment of the older version.
      await call("POST", `/${route.id}/deployments`, { version_id: route.version.version_id });
      expect(await directory.route(team.id, gateway.id, "support")).toMatchObject({ version: 1 });
      const deployments = await call<{ version: number }[]>("GET", `/${route.id}/deployments`);
      expect(deployments.body.result.map((d) => d.version)).toEqual([1, 2, 1]);
    } finally {
      await directory.close();
    }

    const list = await call<{ name: string; deployed_version: number; latest_version: number }[]>("GET", "?per_page=10");
    expect(list.body).toMatchObject({ result: [{ name: "support", deployed_version: 1, latest_version: 2 }], result_info: { page: 1, per_page: 10, count: 1, total_count: 1 } });

    const renamed = await call("PATCH", `/${route.id}`, { name: "helpdesk" });
    expect(renamed.body.result).toMatchObject({ name: "helpdesk" });
    expect(await call("DELETE", `/${route.id}`)).toMatchObject({ status: 200, body: { success: true, result: { id: route.id } } });
    expect(await call("GET", `/${route.id}`)).toMatchObject({ status: 404, body: { success: false, errors: [{ code: 7003 }] } });
  });

  it("tests a sample request without calling anything: the path and the model", async () => {
    const { call } = await teamWithAdmin();
    const { body } = await call<{ id: string }>("POST", "", { name: "support", elements: SUPPORT });
    const free = await call<{ model: { elementId: string }; path: { elementId: string; output?: string }[] }>("POST", `/${body.result.id}/test`, {
      body: { messages: [{ role: "user", content: "hi" }] },
      metadata: { plan: "free" },
    });
    expect(free.status).toBe(200);
    expect(free.body.result.model).toEqual({ elementId: "cheap", provider: "openai", model: "gpt-4o-mini" });
    expect(free.body.result.path.map((s) => s.elementId)).toEqual(["start", "plan", "cheap", "end"]);
    const failing = await call<{ model: { elementId: string } }>("POST", `/${body.result.id}/test`, {
      metadata: { plan: "pro" },
      headers: { "cf-aig-event-id": "pinned" },
      failing: ["main", "other"],
    });
    expect(failing.body.result.model.elementId).toBe("cheap");
    const draft = await call<{ model: { provider: string } }>("POST", `/${body.result.id}/test`, {
      elements: SUPPORT.map((e) => (e.id === "cheap" ? { ...e, properties: { provider: "groq", model: "llama-3.1-8b-instant" } } : e)),
      metadata: { plan: "free" },
    });
    expect(draft.body.result.model.provider).toBe("groq");
  });

  it("answers a malformed route with a 400 that names the element and the problem", async () => {
    const { call } = await teamWithAdmin();
    const badCondition = SUPPORT.map((e) => (e.id === "plan" ? { ...e, properties: { conditions: { "metadata.plan": { $in: "free" } } } } : e));
    const refused = await call("POST", "", { name: "support", elements: badCondition });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ success: false, result: null, errors: [{ code: 1001, message: expect.stringMatching(/^element "plan" properties\.conditions/) }] });

    const unknownType = await call("POST", "", { name: "support", elements: [{ id: "s", type: "begin", outputs: {} }] });
    expect(unknownType.body.errors[0]!.message).toBe('element "s" type: must be one of start, conditional, percentage, rate, rate_limit, model, end');

    expect((await call("POST", "", "{ not json")).body.errors[0]).toEqual({ code: 1001, message: "the body is not valid JSON" });
    expect((await call("POST", "", { name: "Bad Name", elements: SUPPORT })).body.errors[0]!.message).toMatch(/^name: use 1–64 lowercase/);
    const form = await call("POST", "", "name=support", { "content-type": "application/x-www-form-urlencoded" });
    expect(form).toMatchObject({ status: 400, body: { errors: [{ message: "send the body as JSON with content-type: application/json" }] } });

    // Saved, but not deployable: the deployment's refusal names the element.
    const draft = await call<{ id: string; version: { version_id: string; is_valid: boolean; problems: unknown[] } }>("POST", "", {
      name: "draft",
      elements: [...SUPPORT, { id: "lost", type: "end", outputs: {} }],
    });
    expect(draft.body.result.version).toMatchObject({ is_valid: false, problems: [{ elementId: "lost" }] });
    const deploy = await call("POST", `/${draft.body.result.id}/deployments`, { version_id: draft.body.result.version.version_id });
    expect(deploy).toMatchObject({ status: 400, body: { errors: [{ message: expect.stringContaining('cannot be deployed: element "lost"') }] } });
    expect((await call("POST", `/${draft.body.result.id}/deployments`, {})).body.errors[0]!.message).toMatch(/^version_id:/);
    expect((await call("GET", "?per_page=1000")).body.errors[0]!.message).toBe("per_page: must be a whole number from 1 to 100");
  });

  it("needs a session, the admin role to write, and a membership in the team", async () => {
    const { base, call } = await teamWithAdmin("viewer");
    const anonymous = await fetch(base);
    expect(anonymous.status).toBe(401);
    expect(await json(anonymous)).toMatchObject({ success: false, errors: [{ code: 10000 }] });

    expect(await call("GET", "")).toMatchObject({ status: 200, body: { result: [] } });
    const write = await call("POST", "", { name: "support", elements: SUPPORT });
    expect(write).toMatchObject({ status: 403, body: { errors: [{ code: 10000, message: expect.stringContaining("needs the admin role") }] } });

    const other = await teamWithAdmin();
    const { body } = await other.call<{ id: string }>("POST", "", { name: "theirs", elements: SUPPORT });
    // Their route through our team's path, and our session on their team's path: neither exists for us.
    expect((await call("GET", `/${body.result.id}`)).status).toBe(404);
    const theirs = await fetch(other.base, { headers: { cookie: (await teamWithAdmin()).cookie } });
    expect(theirs.status).toBe(404);
  });
}
