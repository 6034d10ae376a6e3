import { randomBytes } from "node:crypto";
import Anthropic from "@anthropic-ai/sdk";
import { eq } from "drizzle-orm";
import OpenAI from "openai";
import { expect, it } from "vitest";
import type { Database } from "@/db/client";
import { routes, routeVersions, type RequestLog } from "@/db/schema";
import { PostgresCounterStore } from "@/lib/limits/postgres-store";
import { percentageBucket } from "@/lib/routes/percentage";
import { parseRouteElements } from "@/lib/routes/schema";
import { testRoute } from "@/lib/routes/tester";
import type { RouteElement, RouteStep, RouteTrace } from "@/lib/routes/types";
import { validateRoute } from "@/lib/routes/validate";
import { changeDirectory } from "@/lib/state/directory-changes";
import { expectGatewayError } from "../support/errors";
import { describeGateway, type Harness } from "../support/harness";
import { chatBody, json, postJson, readSse } from "../support/http";
import { allSettled } from "../support/limits";
import type { SeededTeam } from "../support/seed";

/** The counters' clock, fixed: no window rolls over while a test runs. Monday 5 January 2026, 12:00:30 UTC. */
const CLOCK = Date.UTC(2026, 0, 5, 12, 0, 30);

/** A route as people write it (either spelling), parsed and validated as the routes services do before saving. */
function elementsOf(input: unknown[]): RouteElement[] {
  const parsed = parseRouteElements(input);
  if ("problems" in parsed) throw new Error(`the test's route does not parse: ${JSON.stringify(parsed.problems)}`);
  const problems = validateRoute(parsed.elements, { isKnownProvider: (slug) => slug === "openai" });
  if (problems.length > 0) throw new Error(`the test's route is not valid: ${JSON.stringify(problems)}`);
  return parsed.elements;
}

const start = (next: string) => ({ id: "start", type: "start", outputs: { next: { elementId: next } } });
const end = { id: "end", type: "end", outputs: {} };
/** A model element of the fake OpenAI: its model name picks the fake's behaviour (`fake-error-500`, `fake-hang`). */
const model = (id: string, name: string, outputs: Record<string, string> = { success: "end" }, properties: Record<string, unknown> = {}) => ({
  id,
  type: "model",
  properties: { provider: "openai", model: name, ...properties },
  outputs: Object.fromEntries(Object.entries(outputs).map(([output, elementId]) => [output, { elementId }])),
});
const conditional = (id: string, conditions: unknown, whenTrue: string, whenFalse: string) => ({
  id,
  type: "conditional",
  properties: { conditions },
  outputs: { true: { elementId: whenTrue }, false: { elementId: whenFalse } },
});
const percentage = (id: string, outputs: Record<string, string>) => ({
  id,
  type: "percentage",
  outputs: Object.fromEntries(Object.entries(outputs).map(([output, elementId]) => [output, { elementId }])),
});
const rate = (id: string, properties: Record<string, unknown>, success: string, fallback?: string) => ({
  id,
  type: "rate",
  properties: { limitType: "count", key: "metadata.user_id", window: 60, technique: "fixed", ...properties },
  outputs: { success: { elementId: success }, ...(fallback ? { fallback: { elementId: fallback } } : {}) },
});

/** The route: the free plan to a cheap model behind a per-user limit, the rest 90/10 over two models, the main one falling back. */
const supportRoute = [
  start("plan"),
  conditional("plan", { "metadata.plan": { $eq: "free" } }, "per-user", "split"),
  rate("per-user", { limit: 2 }, "cheap", "end"),
  percentage("split", { "90%": "main", else: "trial" }),
  model("cheap", "cheap-model"),
  model("main", "main-model", { success: "end", fallback: "cheap" }, { timeout: 10_000, retries: 1 }),
  model("trial", "trial-model"),
  end,
];

interface Deployed {
  routeId: string;
  versionIds: string[];
}

/** Writes the route and its first version, deployed, as the routes services do: through changeDirectory, so running gateways see it. */
async function deployRoute(db: Database, t: SeededTeam, name: string, input: unknown[]): Promise<Deployed> {
  const routeId = `rt_${randomBytes(6).toString("hex")}`;
  const versionId = `rtv_${randomBytes(6).toString("hex")}`;
  const elements = elementsOf(input);
  await changeDirectory(db, t.team.id, async (tx) => {
    await tx.insert(routes).values({ id: routeId, teamId: t.team.id, gatewayId: t.gateway.id, name });
    await tx.insert(routeVersions).values({ id: versionId, teamId: t.team.id, routeId, number: 1, elements, valid: true });
    await tx.update(routes).set({ deployedVersionId: versionId }).where(eq(routes.id, routeId));
  });
  return { routeId, versionIds: [versionId] };
}

async function saveVersion(db: Database, t: SeededTeam, route: Deployed, input: unknown[]): Promise<string> {
  const versionId = `rtv_${randomBytes(6).toString("hex")}`;
  await db.insert(routeVersions).values({ id: versionId, teamId: t.team.id, routeId: route.routeId, number: route.versionIds.length + 1, elements: elementsOf(input), valid: true });
  route.versionIds.push(versionId);
  return versionId;
}

function deployVersion(db: Database, t: SeededTeam, route: Deployed, versionId: string): Promise<unknown> {
  return changeDirectory(db, t.team.id, (tx) => tx.update(routes).set({ deployedVersionId: versionId }).where(eq(routes.id, route.routeId)));
}

const gatewayAuth = (t: SeededTeam) => ({ "cf-aig-authorization": `Bearer ${t.token}` });
const metadata = (values: Record<string, string | number | boolean>) => ({ "cf-aig-metadata": JSON.stringify(values) });

function compat(t: SeededTeam, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
  return postJson(`${t.gatewayUrl}/compat/chat/completions`, body, { ...gatewayAuth(t), ...headers });
}

/** The path as the walk decides it: which elements, which outputs (details say how, and differ between routing and the tester). */
const outputs = (path: readonly RouteStep[]) => path.map((step) => `${step.elementId}:${step.output ?? ""}`);

/** The rows of one request, in the order they were tried. */
async function rowsOf(h: Harness, t: SeededTeam, res: Response): Promise<RequestLog[]> {
  await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
  const requestId = res.headers.get("cf-aig-request-id");
  return (await h.logRows(t.team.id)).filter((row) => row.requestId === requestId).sort((a, b) => a.attempt - b.attempt);
}

/** Event ids whose bucket in `elementId` falls below `percent` (or not, with `below` false): the split is a function of them. */
function eventIdsFor(elementId: string, below: number, count: number, wanted = true): string[] {
  const ids: string[] = [];
  for (let n = 0; ids.length < count; n++) {
    const id = `evt-${elementId}-${n}`;
    if (percentageBucket(id, elementId) < below === wanted) ids.push(id);
  }
  return ids;
}

describeGateway(
  "dynamic routes (model \"dynamic/{name}\")",
  (h) => {
    it("walks each element type to the model it picks, with cf-aig-route, cf-aig-route-version, cf-aig-model, cf-aig-provider and the path in the log", async () => {
      const t = await h.seed();
      const deployed = await deployRoute(h.db, t, "support", supportRoute);

      const [main] = eventIdsFor("split", 90, 1);
      const paid = await compat(t, chatBody("dynamic/support"), { ...metadata({ plan: "pro", user_id: "ada" }), "cf-aig-event-id": main! });
      expect(paid.status).toBe(200);
      expect((await json(paid)).model).toBe("main-model");
      expect([paid.headers.get("cf-aig-route"), paid.headers.get("cf-aig-route-version"), paid.headers.get("cf-aig-provider"), paid.headers.get("cf-aig-model")]).toEqual([
        "support",
        "1",
        "openai",
        "main-model",
      ]);
      expect(h.upstreamWithKey(t.providerKey).body?.model).toBe("main-model");
      const [row] = await rowsOf(h, t, paid);
      expect(row).toMatchObject({ provider: "openai", model: "main-model", statusCode: 200, step: 0, attempt: 1 });
      const route = row!.route as RouteTrace;
      expect(route).toMatchObject({ routeId: deployed.routeId, name: "support", versionId: deployed.versionIds[0], version: 1 });
      expect(outputs(route.path)).toEqual(["start:next", "plan:false", "split:90%", "main:success", "end:"]);
      expect(route.path[1]!.detail).toContain("metadata.plan");
      expect(route.path[2]!.detail).toBe(`bucket ${percentageBucket(main!, "split")} of 100`);
      expect(route.path[3]!.detail).toBe("HTTP 200");

      const [trial] = eventIdsFor("split", 90, 1, false);
      const other = await compat(t, chatBody("dynamic/support"), { "cf-aig-event-id": trial! });
      expect(other.headers.get("cf-aig-model")).toBe("trial-model");
      expect(outputs(((await rowsOf(h, t, other))[0]!.route as RouteTrace).path)).toEqual(["start:next", "plan:false", "split:else", "trial:success", "end:"]);

      // The free plan: two requests a user a minute to the cheap model, then the rate element's fallback, which is the end.
      const free = () => compat(t, chatBody("dynamic/support"), metadata({ plan: "free", user_id: "grace" }));
      for (const count of [1, 2]) {
        const res = await free();
        expect(res.headers.get("cf-aig-model")).toBe("cheap-model");
        const path = ((await rowsOf(h, t, res))[0]!.route as RouteTrace).path;
        expect(outputs(path)).toEqual(["start:next", "plan:true", "per-user:success", "cheap:success", "end:"]);
        expect(path[2]!.detail).toBe(`${count} of 2 requests per 60s, fixed (metadata.user_id=grace)`);
      }
      await allSettled(h.db);
      const over = await free();
      const body = await expectGatewayError(over, 400, 7003);
      expect(body.error.message).toBe('Dynamic route "support" (version 1) called no model for this request: its path start (next) → plan (true) → per-user (fallback) → end reaches the end without a model element');
      expect(over.headers.get("cf-aig-route")).toBe("support");
      const [refused] = await rowsOf(h, t, over);
      expect(refused).toMatchObject({ statusCode: 400, errorCode: 7003, provider: null });
      expect(outputs((refused!.route as RouteTrace).path)).toEqual(["start:next", "plan:true", "per-user:fallback", "end:"]);
    });

    it("accepts the docs' spelling and streams the chosen model's answer", async () => {
      const t = await h.seed();
      await deployRoute(h.db, t, "docs", [
        { id: "start", type: "start", properties: {}, outputs: { next: { elementId: "limit" } } },
        { id: "limit", type: "rate_limit", properties: { limitType: "count", key: "metadata.user_id", limit: 100, interval: 60, technique: "sliding" }, outputs: { success: { elementId: "model" } } },
        { id: "model", type: "model", properties: { provider: "openai", model: "gpt-4o-mini" }, outputs: { success: { elementId: "end" } } },
        { id: "end", type: "end", properties: {} },
      ]);
      const res = await compat(t, chatBody("dynamic/docs", { stream: true }));
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/event-stream");
      expect(res.headers.get("cf-aig-model")).toBe("gpt-4o-mini");
      const events = await readSse(res);
      expect(events.at(-1)).toBe("[DONE]");
      const [row] = await rowsOf(h, t, res);
      expect(row).toMatchObject({ stream: true, model: "gpt-4o-mini", statusCode: 200 });
      expect(outputs((row!.route as RouteTrace).path)).toEqual(["start:next", "limit:success", "model:success", "end:"]);
    });

    it("falls back from a model that fails after its retries, each attempt its own row with the path so far", async () => {
      const t = await h.seed();
      await deployRoute(h.db, t, "fallback", [
        start("primary"),
        model("primary", "fake-error-500", { success: "end", fallback: "backup" }, { retries: 1 }),
        model("backup", "gpt-4o-mini"),
        end,
      ]);
      const res = await compat(t, chatBody("dynamic/fallback"));
      expect(res.status).toBe(200);
      expect((await json(res)).model).toBe("gpt-4o-mini");
      expect(res.headers.get("cf-aig-model")).toBe("gpt-4o-mini");
      expect(res.headers.get("cf-aig-step")).toBe("0");
      const rows = await rowsOf(h, t, res);
      expect(rows.map((r) => [r.attempt, r.model, r.statusCode])).toEqual([
        [1, "fake-error-500", 500],
        [2, "fake-error-500", 500],
        [3, "gpt-4o-mini", 200],
      ]);
      expect(rows[0]!.errorMessage).toContain("retried after");
      expect(outputs((rows[0]!.route as RouteTrace).path)).toEqual(["start:next", "primary:"]);
      expect(outputs((rows[1]!.route as RouteTrace).path)).toEqual(["start:next", "primary:fallback"]);
      expect(outputs((rows[2]!.route as RouteTrace).path)).toEqual(["start:next", "primary:fallback", "backup:success", "end:"]);
      expect(rows[2]!.id).toBe(res.headers.get("cf-aig-log-id"));
    });

    it("falls back from a model that does not answer within its timeout", async () => {
      const t = await h.seed();
      await deployRoute(h.db, t, "slow", [start("primary"), model("primary", "fake-hang", { success: "end", fallback: "backup" }, { timeout: 200 }), model("backup", "gpt-4o-mini"), end]);
      const res = await compat(t, chatBody("dynamic/slow"));
      expect(res.status).toBe(200);
      expect(res.headers.get("cf-aig-model")).toBe("gpt-4o-mini");
      const rows = await rowsOf(h, t, res);
      expect(rows.map((r) => [r.model, r.statusCode, r.errorCode])).toEqual([
        ["fake-hang", 504, 2005],
        ["gpt-4o-mini", 200, null],
      ]);
      const path = (rows[0]!.route as RouteTrace).path;
      expect(outputs(path)).toEqual(["start:next", "primary:fallback"]);
      expect(path[1]!.detail).toContain("Failed to get response from provider");
    });

    it("answers 2005 in the client's format, naming each model's failure, when every model fails", async () => {
      const t = await h.seed();
      await deployRoute(h.db, t, "broken", [
        start("primary"),
        model("primary", "fake-error-503", { success: "end", fallback: "backup" }),
        model("backup", "fake-error-500"),
        end,
      ]);
      const res = await compat(t, chatBody("dynamic/broken"));
      const body = await expectGatewayError(res, 500, 2005);
      expect(body.error.message).toBe(
        'Failed to get response from provider: every model of dynamic route "broken" (version 1) failed: ' +
          "model element 'primary' (openai/fake-error-503): the provider answered HTTP 503; model element 'backup' (openai/fake-error-500): the provider answered HTTP 500",
      );
      expect(res.headers.get("cf-aig-route")).toBe("broken");
      const rows = await rowsOf(h, t, res);
      expect(rows.map((r) => [r.model, r.statusCode])).toEqual([
        ["fake-error-503", 503],
        ["fake-error-500", 500],
      ]);

      // The same through the Anthropic format: its own error shape.
      const messages = await postJson(
        `${h.url}/ai/v1/messages`,
        { model: "dynamic/broken", max_tokens: 20, messages: [{ role: "user", content: "hi" }] },
        { authorization: `Bearer ${t.token}`, "cf-aig-gateway-id": t.gateway.slug },
      );
      expect(messages.status).toBe(500);
      const error = await json<{ type: string; error: { type: string; message: string } }>(messages);
      expect(error.type).toBe("error");
      expect(error.error.message).toContain('every model of dynamic route "broken"');
    });

    it("counts a rate element's requests: over the limit to its fallback, and without one a 429 with 2003 and the limit's headers", async () => {
      const t = await h.seed();
      await deployRoute(h.db, t, "counted", [
        start("limit"),
        rate("limit", { limit: 1 }, "main", "spare"),
        model("main", "main-model"),
        model("spare", "spare-model"),
        end,
      ]);
      await deployRoute(h.db, t, "strict", [start("limit"), rate("limit", { limit: 1 }, "main"), model("main", "main-model"), end]);
      const user = metadata({ user_id: "ada" });
      expect((await compat(t, chatBody("dynamic/counted"), user)).headers.get("cf-aig-model")).toBe("main-model");
      const second = await compat(t, chatBody("dynamic/counted"), user);
      expect(second.headers.get("cf-aig-model")).toBe("spare-model");
      const path = ((await rowsOf(h, t, second))[0]!.route as RouteTrace).path;
      expect(outputs(path)).toEqual(["start:next", "limit:fallback", "spare:success", "end:"]);
      expect(path[1]!.detail).toBe("1 of 1 requests per 60s, fixed (metadata.user_id=ada)");
      // Another user has a counter of their own.
      expect((await compat(t, chatBody("dynamic/counted"), metadata({ user_id: "grace" }))).headers.get("cf-aig-model")).toBe("main-model");

      expect((await compat(t, chatBody("dynamic/strict"), user)).status).toBe(200);
      const refused = await compat(t, chatBody("dynamic/strict"), user);
      const body = await expectGatewayError(refused, 429, 2003);
      expect(body.error.message).toBe("Rate limited: rate element 'limit' of route 'strict' (requests limit 1 per 60s, fixed) for metadata.user_id=ada");
      expect([refused.headers.get("retry-after"), refused.headers.get("x-ratelimit-limit"), refused.headers.get("x-ratelimit-remaining")]).toEqual(["30", "1", "0"]);
      expect(refused.headers.get("cf-aig-route")).toBe("strict");
      const [row] = await rowsOf(h, t, refused);
      expect(row).toMatchObject({ statusCode: 429, errorCode: 2003 });
      expect(outputs((row!.route as RouteTrace).path)).toEqual(["start:next", "limit:fallback"]);
    });

    it("refuses with a rate element's 429 after a failed model, in the client's format, as a row of its own", async () => {
      const t = await h.seed();
      await deployRoute(h.db, t, "guarded", [
        start("primary"),
        model("primary", "fake-error-500", { success: "end", fallback: "limit" }),
        rate("limit", { limit: 1, key: "headers.x-user" }, "backup"),
        model("backup", "gpt-4o-mini"),
        end,
      ]);
      const send = () =>
        postJson(
          `${h.url}/ai/v1/messages`,
          { model: "dynamic/guarded", max_tokens: 20, messages: [{ role: "user", content: "hi" }] },
          { authorization: `Bearer ${t.token}`, "cf-aig-gateway-id": t.gateway.slug, "x-user": "ada" },
        );
      const first = await send();
      expect(first.status).toBe(200);
      expect(first.headers.get("cf-aig-model")).toBe("gpt-4o-mini");
      await first.arrayBuffer();
      await allSettled(h.db);

      const refused = await send();
      expect(refused.status).toBe(429);
      expect(await json(refused)).toMatchObject({
        type: "error",
        error: { type: "rate_limit_error", message: "Rate limited: rate element 'limit' of route 'guarded' (requests limit 1 per 60s, fixed) for headers.x-user=ada" },
      });
      expect(refused.headers.get("retry-after")).toBe("30");
      const rows = await rowsOf(h, t, refused);
      expect(rows.map((r) => [r.attempt, r.statusCode, r.errorCode, r.ingressFormat])).toEqual([
        [1, 500, null, "anthropic-messages"],
        [2, 429, 2003, "anthropic-messages"],
      ]);
      expect(rows[1]!.id).toBe(refused.headers.get("cf-aig-log-id"));
      expect(outputs((rows[1]!.route as RouteTrace).path)).toEqual(["start:next", "primary:fallback", "limit:fallback"]);
    });

    it("counts a rate element's cost: settled with what the model cost, then to the fallback, or a 429 without one", async () => {
      const t = await h.seed();
      // $0.001 a minute per team; 10,000 output tokens of gpt-4o-mini cost $0.006.
      const costLimit = { limitType: "cost", limit: 0.001, key: "metadata.team" };
      await deployRoute(h.db, t, "budgeted", [start("spend"), rate("spend", costLimit, "main", "spare"), model("main", "gpt-4o-mini"), model("spare", "spare-model"), end]);
      await deployRoute(h.db, t, "capped", [start("spend"), rate("spend", costLimit, "main"), model("main", "gpt-4o-mini"), end]);
      const usage = h.fake.usage;
      h.fake.usage = { prompt_tokens: 10, completion_tokens: 10_000, cached_tokens: 0 };
      try {
        const team = metadata({ team: "red" });
        const first = await compat(t, chatBody("dynamic/budgeted", { max_tokens: 100 }), team);
        expect(first.headers.get("cf-aig-model")).toBe("gpt-4o-mini");
        const firstPath = ((await rowsOf(h, t, first))[0]!.route as RouteTrace).path;
        // gpt-4o-mini's worst case for this body and 100 tokens out, reserved before the call.
        expect(firstPath[1]!.detail).toMatch(/^0\.0000\d+ of 0\.001 USD per 60s, fixed \(metadata\.team=red\)$/);
        await allSettled(h.db);
        const second = await compat(t, chatBody("dynamic/budgeted", { max_tokens: 100 }), team);
        expect(second.headers.get("cf-aig-model")).toBe("spare-model");
        const path = ((await rowsOf(h, t, second))[0]!.route as RouteTrace).path;
        expect(path[1]).toMatchObject({ output: "fallback", detail: "0.006002 of 0.001 USD per 60s, fixed (metadata.team=red)" });

        expect((await compat(t, chatBody("dynamic/capped", { max_tokens: 100 }), team)).status).toBe(200);
        await allSettled(h.db);
        const refused = await compat(t, chatBody("dynamic/capped", { max_tokens: 100 }), team);
        const body = await expectGatewayError(refused, 429, 2003);
        expect(body.error.message).toBe("Rate limited: rate element 'spend' of route 'capped' (cost limit 0.001 per 60s, fixed) for metadata.team=red");
      } finally {
        h.fake.usage = usage;
      }
    });

    it("splits 1,000 requests 90/10 exactly as the bucket function predicts", async () => {
      const t = await h.seed();
      await deployRoute(h.db, t, "split", [start("split"), percentage("split", { "90%": "main", else: "trial" }), model("main", "main-model"), model("trial", "trial-model"), end]);
      const eventIds = Array.from({ length: 1000 }, (_, n) => `split-${randomBytes(4).toString("hex")}-${n}`);
      const served: string[] = [];
      for (let batch = 0; batch < eventIds.length; batch += 50) {
        const answers = await Promise.all(
          eventIds.slice(batch, batch + 50).map(async (eventId) => {
            const res = await compat(t, chatBody("dynamic/split"), { "cf-aig-event-id": eventId });
            expect(res.status).toBe(200);
            await res.arrayBuffer();
            return res.headers.get("cf-aig-model")!;
          }),
        );
        served.push(...answers);
      }
      const predicted = eventIds.map((id) => (percentageBucket(id, "split") < 90 ? "main-model" : "trial-model"));
      expect(served).toEqual(predicted);
      const main = served.filter((m) => m === "main-model").length;
      // 90% of 1,000 with a binomial standard deviation of about 9.5: ±4 deviations.
      expect(main).toBeGreaterThanOrEqual(862);
      expect(main).toBeLessThanOrEqual(938);
      // A thousand requests through Next's route handlers on a shared machine take longer than the default 30 s.
    }, 120_000);

    it("serves every request while versions are deployed and rolled back, each with the version it started with", async () => {
      const t = await h.seed();
      const v1 = [start("only"), model("only", "v1-model"), end];
      const v2 = [start("only"), model("only", "v2-model"), end];
      const route = await deployRoute(h.db, t, "moving", v1);
      const second = await saveVersion(h.db, t, route, v2);
      let flowing = true;
      const seen: { version: string | null; model: string | null }[] = [];
      const client = async () => {
        while (flowing) {
          const res = await compat(t, chatBody("dynamic/moving", { stream: seen.length % 2 === 0 }));
          expect(res.status).toBe(200);
          await res.arrayBuffer();
          seen.push({ version: res.headers.get("cf-aig-route-version"), model: res.headers.get("cf-aig-model") });
        }
      };
      const clients = Array.from({ length: 8 }, client);
      const served = async (count: number) => {
        const target = seen.length + count;
        while (seen.length < target) await new Promise((resolve) => setTimeout(resolve, 5));
      };
      await served(20);
      await deployVersion(h.db, t, route, second);
      await served(20);
      await deployVersion(h.db, t, route, route.versionIds[0]!); // the rollback
      await served(20);
      flowing = false;
      await Promise.all(clients);
      expect(seen.every((s) => (s.version === "1" && s.model === "v1-model") || (s.version === "2" && s.model === "v2-model"))).toBe(true);
      expect(seen.some((s) => s.version === "2")).toBe(true);
      expect(seen.at(-1)?.version).toBe("1");
    });

    it("is reached from the OpenAI SDK (compat and /ai/v1, streamed) and the Anthropic SDK", async () => {
      const t = await h.seed();
      await deployRoute(h.db, t, "support", supportRoute);
      const [main] = eventIdsFor("split", 90, 1);
      const headers = { "cf-aig-event-id": main!, ...metadata({ plan: "pro" }) };

      const compatClient = new OpenAI({ baseURL: `${t.gatewayUrl}/compat`, apiKey: t.token, maxRetries: 0, defaultHeaders: headers });
      const { data: completion, response } = await compatClient.chat.completions.create({ model: "dynamic/support", messages: [{ role: "user", content: "Say hello." }] }).withResponse();
      expect(completion.choices[0]?.message.content).toBe(h.fake.content);
      expect(completion.model).toBe("main-model");
      expect(response.headers.get("cf-aig-model")).toBe("main-model");

      const restClient = new OpenAI({ baseURL: `${h.url}/ai/v1`, apiKey: t.token, maxRetries: 0, defaultHeaders: { ...headers, "cf-aig-gateway-id": t.gateway.slug } });
      const { data: stream, response: streamed } = await restClient.chat.completions
        .create({ model: "dynamic/support", messages: [{ role: "user", content: "Say hello." }], stream: true })
        .withResponse();
      expect(streamed.headers.get("cf-aig-route")).toBe("support");
      let text = "";
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      expect(text).toBe(h.fake.content);

      const anthropic = new Anthropic({ baseURL: `${h.url}/ai`, apiKey: t.token, maxRetries: 0, defaultHeaders: { ...headers, "cf-aig-gateway-id": t.gateway.slug } });
      const { data: message, response: answered } = await anthropic.messages
        .create({ model: "dynamic/support", max_tokens: 50, messages: [{ role: "user", content: "Say hello." }] })
        .withResponse();
      expect(message.content).toEqual([{ type: "text", text: h.fake.content }]);
      expect([answered.headers.get("cf-aig-provider"), answered.headers.get("cf-aig-model")]).toEqual(["openai", "main-model"]);
      const row = await h.logRow(answered.headers.get("cf-aig-log-id")!);
      expect(row).toMatchObject({ ingressFormat: "anthropic-messages", provider: "openai", model: "main-model" });
      expect((row.route as RouteTrace).name).toBe("support");
    });

    it("is reached from OpenAI Responses, /ai/run and a Universal step", async () => {
      const t = await h.seed();
      await deployRoute(h.db, t, "one", [start("only"), model("only", "gpt-4o-mini"), end]);
      const rest = { authorization: `Bearer ${t.token}`, "cf-aig-gateway-id": t.gateway.slug };

      const responses = await postJson(`${h.url}/ai/v1/responses`, { model: "dynamic/one", input: "Say hello." }, rest);
      expect(responses.status).toBe(200);
      expect((await json(responses)).object).toBe("response");
      expect(responses.headers.get("cf-aig-model")).toBe("gpt-4o-mini");

      const run = await postJson(`${h.url}/ai/run`, { model: "dynamic/one", input: { messages: [{ role: "user", content: "Say hello." }] } }, rest);
      expect(run.status).toBe(200);
      expect((await json<{ success: boolean }>(run)).success).toBe(true);
      expect(run.headers.get("cf-aig-route")).toBe("one");

      const universal = await postJson(
        t.gatewayUrl,
        [
          { provider: "openai", endpoint: "chat/completions", query: chatBody("fake-error-500") },
          { provider: "compat", endpoint: "chat/completions", query: chatBody("dynamic/one") },
        ],
        gatewayAuth(t),
      );
      expect(universal.status).toBe(200);
      expect([universal.headers.get("cf-aig-step"), universal.headers.get("cf-aig-route"), universal.headers.get("cf-aig-model")]).toEqual(["1", "one", "gpt-4o-mini"]);
      const row = await h.logRow(universal.headers.get("cf-aig-log-id")!);
      expect(row).toMatchObject({ step: 1, attempt: 1, model: "gpt-4o-mini" });
    });

    it("refuses a route that is not deployed, or not a route name, in the client's format, saying how to deploy", async () => {
      const t = await h.seed();
      const unknown = await compat(t, chatBody("dynamic/nope"));
      const body = await expectGatewayError(unknown, 404, 7003);
      expect(body.error.message).toBe(
        `Model not found: dynamic/nope: gateway "main" has no route "nope" with a deployed version; deploy one on the gateway's Routes page in the dashboard, or with \`npx switchyard route deploy ${t.team.slug} main nope {version}\``,
      );
      expect((await h.logRow(unknown.headers.get("cf-aig-log-id")!)).errorCode).toBe(7003);

      // Saved but never deployed.
      const saved = await deployRoute(h.db, t, "draft", [start("only"), model("only", "gpt-4o-mini"), end]);
      await changeDirectory(h.db, t.team.id, (tx) => tx.update(routes).set({ deployedVersionId: null }).where(eq(routes.id, saved.routeId)));
      await expectGatewayError(await compat(t, chatBody("dynamic/draft")), 404, 7003);

      const anthropic = await postJson(
        `${h.url}/ai/v1/messages`,
        { model: "dynamic/nope", max_tokens: 20, messages: [{ role: "user", content: "hi" }] },
        { authorization: `Bearer ${t.token}`, "cf-aig-gateway-id": t.gateway.slug },
      );
      expect(anthropic.status).toBe(404);
      expect(await json(anthropic)).toMatchObject({ type: "error", error: { type: "not_found_error", message: expect.stringContaining('no route "nope"') } });

      const badName = await compat(t, chatBody("dynamic/Not A Name"));
      const bad = await expectGatewayError(badName, 400, 7003);
      expect(bad.error.message).toContain("use 1–64 lowercase letters, digits, - and _");
    });

    it("agrees with the tester on a corpus of requests: the model chosen and the path taken", async () => {
      const t = await h.seed();
      const input = [
        start("tier"),
        conditional("tier", { $or: [{ "metadata.plan": { $in: ["free", "trial"] } }, { "headers.x-tier": "basic" }] }, "quota", "size"),
        rate("quota", { limit: 1000 }, "cheap", "end"),
        conditional("size", { $and: [{ max_tokens: { $gt: 500 } }, { "messages.0.role": { $ne: "system" } }] }, "big", "split"),
        percentage("split", { "50%": "a", "30%": "b", else: "c" }),
        model("big", "big-model", { success: "end", fallback: "c" }),
        model("a", "a-model", { success: "end", fallback: "c" }),
        model("b", "fake-error-502", { success: "end", fallback: "cheap" }),
        model("c", "c-model", { success: "end", fallback: "cheap" }),
        model("cheap", "cheap-model"),
        end,
      ];
      const deployed = await deployRoute(h.db, t, "corpus", input);
      // The version as stored, as the routes service's tester reads it: jsonb keeps object keys in its own order.
      const [stored] = await h.db.select().from(routeVersions).where(eq(routeVersions.id, deployed.versionIds[0]!));
      const elements = stored!.elements;
      const plans = ["free", "trial", "pro", "enterprise", undefined];
      for (let n = 0; n < 50; n++) {
        const plan = plans[n % plans.length];
        const meta: Record<string, string> = plan === undefined ? { user_id: `u${n}` } : { plan, user_id: `u${n}` };
        const headers: Record<string, string> = { "cf-aig-event-id": `corpus-${deployed.routeId}-${n}`, ...metadata(meta) };
        if (n % 7 === 0) headers["x-tier"] = "basic";
        const body = chatBody("dynamic/corpus", { max_tokens: n % 3 === 0 ? 1000 : 100 });
        const res = await compat(t, body, headers);
        expect(res.status).toBe(200);
        const rows = await rowsOf(h, t, res);
        const answered = rows.at(-1)!;

        const test = await testRoute({ elements }, { body, headers, metadata: meta }, { failing: ["b"] });
        expect(test.seed).toBe(headers["cf-aig-event-id"]);
        expect(res.headers.get("cf-aig-model")).toBe(test.model?.model);
        expect(answered.model).toBe(test.model?.model);
        expect(outputs((answered.route as RouteTrace).path)).toEqual(outputs(test.path));
      }
    });
  },
  { limitStore: (db) => new PostgresCounterStore(db, { now: () => CLOCK }) },
);
