import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import type { Team } from "@/db/schema";
import { parseMasterKeys } from "@/lib/crypto/master-keys";
import { percentageBucket } from "@/lib/routes/percentage";
import type { RouteElement } from "@/lib/routes/types";
import { createSnapshotDirectory } from "@/lib/state/snapshot-directory";
import { createCustomProvider } from "../custom-providers/create";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../errors";
import { createGateway } from "../gateways/create";
import { newTeam, openTestDatabase, operatorOf, userContext } from "../test-helpers";
import { createRoute } from "./create";
import { deleteRoute } from "./delete";
import { deployRoute } from "./deploy";
import { exportRoute } from "./export";
import { getRoute } from "./get";
import { importRoute } from "./import";
import { listRoutes } from "./list";
import { renameRoute } from "./rename";
import { rollbackRoute } from "./rollback";
import { saveRouteVersion } from "./save-version";
import { testRouteRequest } from "./test";
import { getRouteVersion, listRouteDeployments, listRouteVersions } from "./versions";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(() => handle.close());

const keyring = parseMasterKeys(`v1:${Buffer.alloc(32, 1).toString("base64")}`);

/** The route: free plan → cheap model; else 90/10 over two models; the main one falls back to the cheap one. */
const SUPPORT: RouteElement[] = [
  { id: "start", type: "start", outputs: { next: { elementId: "plan" } } },
  {
    id: "plan",
    type: "conditional",
    properties: { conditions: { "metadata.plan": { $eq: "free" } } },
    outputs: { true: { elementId: "cheap" }, false: { elementId: "split" } },
  },
  { id: "split", type: "percentage", outputs: { "90%": { elementId: "main" }, else: { elementId: "challenger" } } },
  { id: "main", type: "model", properties: { provider: "openai", model: "gpt-4o" }, outputs: { success: { elementId: "end" }, fallback: { elementId: "cheap" } } },
  { id: "challenger", type: "model", properties: { provider: "anthropic", model: "claude-sonnet-4-5" }, outputs: { success: { elementId: "end" } } },
  { id: "cheap", type: "model", properties: { provider: "openai", model: "gpt-4o-mini" }, outputs: { success: { elementId: "end" } } },
  { id: "end", type: "end", outputs: {} },
];

/** A gateway "prod" in a fresh team. */
async function gatewayOfNewTeam(): Promise<{ team: Team; scope: { ctx: ReturnType<typeof operatorOf>; teamId: string; gatewaySlug: string } }> {
  const team = await newTeam(handle);
  await createGateway({ ctx: operatorOf(handle), teamId: team.id, slug: "prod" });
  return { team, scope: { ctx: operatorOf(handle), teamId: team.id, gatewaySlug: "prod" } };
}

describe("createRoute", () => {
  it("saves the elements as version 1, not deployed", async () => {
    const { scope } = await gatewayOfNewTeam();
    const { route, version } = await createRoute({ ...scope, name: "support", elements: SUPPORT });
    expect(route).toMatchObject({ name: "support", deployedVersionId: null });
    expect(version).toMatchObject({ number: 1, valid: true, problems: [], elements: SUPPORT });
    expect(await listRoutes(scope)).toEqual([{ route: expect.objectContaining({ id: route.id }), deployedVersion: undefined, latestVersion: 1 }]);
  });

  it("reads the docs' spelling (rate_limit, interval, condition) into the API's", async () => {
    const { scope } = await gatewayOfNewTeam();
    const docs = [
      { id: "start", type: "start", outputs: { next: { elementId: "if" } } },
      { id: "if", type: "conditional", properties: { condition: { "metadata.plan": "free" } }, outputs: { true: { elementId: "limit" }, false: { elementId: "m" } } },
      {
        id: "limit",
        type: "rate_limit",
        properties: { limitType: "count", key: "metadata.user_id", limit: 10, interval: 60, technique: "sliding" },
        outputs: { success: { elementId: "m" }, fallback: { elementId: "end" } },
      },
      { id: "m", type: "model", properties: { provider: "openai", model: "gpt-4o-mini" }, outputs: { success: { elementId: "end" } } },
      { id: "end", type: "end", outputs: {} },
    ];
    const { version } = await createRoute({ ...scope, name: "docs", elements: docs });
    expect(version.valid).toBe(true);
    expect(version.elements[1]).toMatchObject({ type: "conditional", properties: { conditions: { "metadata.plan": "free" } } });
    expect(version.elements[2]).toMatchObject({ type: "rate", properties: { window: 60, technique: "sliding", limit: 10 } });
  });

  it("refuses a malformed element or condition, naming the element and the field", async () => {
    const { scope } = await gatewayOfNewTeam();
    const unknownType = SUPPORT.map((e) => (e.id === "split" ? { ...e, type: "coin-flip" } : e));
    await expect(createRoute({ ...scope, name: "a", elements: unknownType })).rejects.toThrow(/element "split" type: must be one of/);
    const badCondition = SUPPORT.map((e) => (e.id === "plan" ? { ...e, properties: { conditions: { "metadata.plan": { $regex: "f.*" } } } } : e));
    await expect(createRoute({ ...scope, name: "b", elements: badCondition })).rejects.toThrow(/element "plan" properties\.conditions/);
    const badRetries = SUPPORT.map((e) => (e.id === "main" ? { ...e, properties: { provider: "openai", model: "gpt-4o", retries: 9 } } : e));
    await expect(createRoute({ ...scope, name: "c", elements: badRetries })).rejects.toThrow(/element "main" properties\.retries: must be a whole number from 0 to 5/);
    await expect(createRoute({ ...scope, name: "d", elements: "not a list" })).rejects.toThrow(InvalidInputError);
    expect(await listRoutes(scope)).toEqual([]);
  });

  it("keeps a route that cannot be deployed yet, with its problems", async () => {
    const { scope } = await gatewayOfNewTeam();
    const dangling = SUPPORT.map((e) => (e.id === "cheap" ? { ...e, outputs: { success: { elementId: "nowhere" } } } : e));
    const withUnknownProvider = dangling.map((e) => (e.id === "challenger" ? { ...e, properties: { provider: "custom-acme", model: "m" } } : e));
    const { version } = await createRoute({ ...scope, name: "draft", elements: withUnknownProvider });
    expect(version.valid).toBe(false);
    expect(version.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ elementId: "cheap", field: "outputs.success" }),
        expect.objectContaining({ elementId: "challenger", field: "properties.provider" }),
      ]),
    );
    await expect(deployRoute({ ...scope, route: "draft", version: 1 })).rejects.toThrow(
      /version 1 of route "draft" cannot be deployed: .*element "cheap" outputs\.success/,
    );
  });

  it("refuses a bad name and a name the gateway already uses", async () => {
    const { scope } = await gatewayOfNewTeam();
    await expect(createRoute({ ...scope, name: "Support Desk", elements: SUPPORT })).rejects.toThrow(/^name: use 1–64 lowercase letters/);
    await createRoute({ ...scope, name: "support", elements: SUPPORT });
    await expect(createRoute({ ...scope, name: "support", elements: SUPPORT })).rejects.toThrow(new ConflictError('route "support" already exists in gateway "prod"'));
  });

  it("needs admin to write; a viewer reads; another team's members see nothing", async () => {
    const { team, scope } = await gatewayOfNewTeam();
    const viewer = await userContext(handle, { team, role: "viewer" });
    const admin = await userContext(handle, { team, role: "admin" });
    const outsider = await userContext(handle, { team: await newTeam(handle), role: "owner" });
    await expect(createRoute({ ...scope, ctx: viewer, name: "support", elements: SUPPORT })).rejects.toThrow(ForbiddenError);
    await createRoute({ ...scope, ctx: admin, name: "support", elements: SUPPORT });
    expect(await listRoutes({ ...scope, ctx: viewer })).toHaveLength(1);
    await expect(deployRoute({ ...scope, ctx: viewer, route: "support", version: 1 })).rejects.toThrow(ForbiddenError);
    await expect(getRoute({ ...scope, ctx: outsider, route: "support" })).rejects.toThrow(NotFoundError);
  });
});

describe("versions, deploy and rollback", () => {
  it("serves a version only once deployed, switches at once, and rolls back to the one before", async () => {
    const { team, scope } = await gatewayOfNewTeam();
    const directory = createSnapshotDirectory(handle.db, keyring);
    try {
      const { route } = await createRoute({ ...scope, name: "support", elements: SUPPORT });
      const gatewayId = route.gatewayId;
      expect(await directory.route(team.id, gatewayId, "support")).toBeUndefined();

      await deployRoute({ ...scope, route: "support", version: 1 });
      expect(await directory.route(team.id, gatewayId, "support")).toMatchObject({ version: 1, elements: SUPPORT });

      const cheaper = SUPPORT.map((e) => (e.id === "main" ? { ...e, properties: { provider: "openai", model: "gpt-4.1-mini" } } : e));
      const v2 = await saveRouteVersion({ ...scope, route: route.id, elements: cheaper });
      expect(v2.number).toBe(2);
      // Saved, not deployed: traffic still runs version 1.
      expect(await directory.route(team.id, gatewayId, "support")).toMatchObject({ version: 1 });

      await deployRoute({ ...scope, route: "support", version: v2.id });
      expect(await directory.route(team.id, gatewayId, "support")).toMatchObject({ version: 2, versionId: v2.id });
      expect((await getRoute({ ...scope, route: "support" })).deployed?.version.number).toBe(2);

      const back = await rollbackRoute({ ...scope, route: "support" });
      expect(back.version.number).toBe(1);
      expect(await directory.route(team.id, gatewayId, "support")).toMatchObject({ version: 1 });
      expect((await listRouteDeployments({ ...scope, route: "support" })).map((d) => d.versionNumber)).toEqual([1, 2, 1]);
      expect((await listRouteVersions({ ...scope, route: "support" })).map((v) => v.number)).toEqual([2, 1]);
      expect(await getRouteVersion({ ...scope, route: route.id, version: "2" })).toMatchObject({ id: v2.id });
      await expect(getRouteVersion({ ...scope, route: route.id, version: 7 })).rejects.toThrow(new NotFoundError('route "support" has no version 7'));

      // An explicit version, forwards again.
      expect((await rollbackRoute({ ...scope, route: "support", version: 2 })).version.number).toBe(2);
    } finally {
      await directory.close();
    }
  });

  it("has nothing to roll back before a second version was deployed", async () => {
    const { scope } = await gatewayOfNewTeam();
    await createRoute({ ...scope, name: "support", elements: SUPPORT });
    await expect(rollbackRoute({ ...scope, route: "support" })).rejects.toThrow(/has never been deployed/);
    await deployRoute({ ...scope, route: "support", version: 1 });
    await expect(rollbackRoute({ ...scope, route: "support" })).rejects.toThrow(/only one version deployed/);
  });

  it("checks the providers again at deploy: a custom provider added after the save makes the version deployable", async () => {
    const { scope } = await gatewayOfNewTeam();
    const custom = SUPPORT.map((e) => (e.id === "challenger" ? { ...e, properties: { provider: "custom-acme", model: "m" } } : e));
    const { version } = await createRoute({ ...scope, name: "support", elements: custom });
    expect(version.valid).toBe(false);
    await createCustomProvider({ ctx: scope.ctx, teamId: scope.teamId, slug: "acme", baseUrl: "https://llm.acme.example/v1" });
    await expect(deployRoute({ ...scope, route: "support", version: 1 })).resolves.toMatchObject({ version: { number: 1 } });
  });
});

describe("renameRoute and deleteRoute", () => {
  it("renames: dynamic/{new} resolves at once and the old name no longer does", async () => {
    const { team, scope } = await gatewayOfNewTeam();
    const directory = createSnapshotDirectory(handle.db, keyring);
    try {
      const { route } = await createRoute({ ...scope, name: "support", elements: SUPPORT });
      await deployRoute({ ...scope, route: route.id, version: 1 });
      await createRoute({ ...scope, name: "taken", elements: SUPPORT });
      await expect(renameRoute({ ...scope, route: route.id, name: "taken" })).rejects.toThrow(ConflictError);
      await renameRoute({ ...scope, route: route.id, name: "helpdesk" });
      expect(await directory.route(team.id, route.gatewayId, "support")).toBeUndefined();
      expect(await directory.route(team.id, route.gatewayId, "helpdesk")).toMatchObject({ routeId: route.id });

      await deleteRoute({ ...scope, route: "helpdesk" });
      expect(await directory.route(team.id, route.gatewayId, "helpdesk")).toBeUndefined();
      await expect(getRoute({ ...scope, route: route.id })).rejects.toThrow(new NotFoundError(`route "${route.id}" not found in gateway "prod"`));
    } finally {
      await directory.close();
    }
  });
});

describe("exportRoute and importRoute", () => {
  it("round-trips a route: import creates it, a second import is its next version, export gives the deployed one", async () => {
    const { scope } = await gatewayOfNewTeam();
    const first = await importRoute({ ...scope, route: { name: "support", elements: SUPPORT } });
    expect(first).toMatchObject({ created: true, version: { number: 1 } });
    await deployRoute({ ...scope, route: "support", version: 1 });
    const edited = SUPPORT.filter((e) => e.id !== "challenger").map((e) =>
      e.id === "split" ? { ...e, outputs: { "90%": { elementId: "main" }, else: { elementId: "cheap" } } } : e,
    );
    const second = await importRoute({ ...scope, route: { id: "rt_from_elsewhere", name: "support", elements: edited } });
    expect(second).toMatchObject({ created: false, route: { id: first.route.id }, version: { number: 2 } });

    expect(await exportRoute({ ...scope, route: "support" })).toEqual({ route: { id: first.route.id, name: "support", elements: SUPPORT }, version: 1 });
    expect((await exportRoute({ ...scope, route: "support", version: 2 })).route.elements).toEqual(edited);

    // The export imports into another gateway under another name.
    await createGateway({ ctx: scope.ctx, teamId: scope.teamId, slug: "staging" });
    const copy = await importRoute({ ...scope, gatewaySlug: "staging", route: (await exportRoute({ ...scope, route: "support" })).route, name: "support-copy" });
    expect(copy).toMatchObject({ created: true, route: { name: "support-copy" }, version: { elements: SUPPORT } });
  });

  it("names what is wrong with an imported object", async () => {
    const { scope } = await gatewayOfNewTeam();
    await expect(importRoute({ ...scope, route: [] })).rejects.toThrow(/a route must be an object/);
    await expect(importRoute({ ...scope, route: { name: "x", elements: SUPPORT, extra: 1 } })).rejects.toThrow(/extra: unknown field/);
  });
});

describe("testRouteRequest", () => {
  /** A seed whose bucket for the split lands below 90 (`main`) or at 90 and above (`challenger`). */
  function seedFor(main: boolean): string {
    for (let i = 0; ; i++) {
      const seed = `seed-${i}`;
      if (percentageBucket(seed, "split") < 90 === main) return seed;
    }
  }

  it("shows the path and the model a sample would take, and the fallbacks", async () => {
    const { scope } = await gatewayOfNewTeam();
    await createRoute({ ...scope, name: "support", elements: SUPPORT });
    const free = await testRouteRequest({ ...scope, route: "support", sample: { metadata: { plan: "free" } } });
    expect(free.model).toEqual({ elementId: "cheap", provider: "openai", model: "gpt-4o-mini" });
    expect(free.path.map((s) => [s.elementId, s.output])).toEqual([
      ["start", "next"],
      ["plan", "true"],
      ["cheap", "success"],
      ["end", undefined],
    ]);
    expect(free.version).toBe(1);

    const paid = await testRouteRequest({ ...scope, route: "support", sample: { metadata: { plan: "pro" }, headers: { "cf-aig-event-id": seedFor(true) } } });
    expect(paid).toMatchObject({ model: { elementId: "main" }, fallbacks: [{ elementId: "cheap" }], seed: seedFor(true) });
    const challenger = await testRouteRequest({ ...scope, route: "support", sample: { headers: { "cf-aig-event-id": seedFor(false) } } });
    expect(challenger.model?.elementId).toBe("challenger");

    const mainFails = await testRouteRequest({
      ...scope,
      route: "support",
      sample: { metadata: { plan: "pro" }, headers: { "cf-aig-event-id": seedFor(true) }, failing: ["main"] },
    });
    expect(mainFails.model?.elementId).toBe("cheap");
    expect(mainFails.path.map((s) => s.elementId)).toEqual(["start", "plan", "split", "main", "cheap", "end"]);
  });

  it("tests draft elements without saving them, and names a bad sample", async () => {
    const { scope } = await gatewayOfNewTeam();
    await createRoute({ ...scope, name: "support", elements: SUPPORT });
    const draft = SUPPORT.map((e) => (e.id === "cheap" ? { ...e, properties: { provider: "groq", model: "llama-3.1-8b-instant" } } : e));
    const tested = await testRouteRequest({ ...scope, route: "support", elements: draft, sample: { metadata: { plan: "free" } } });
    expect(tested.model?.provider).toBe("groq");
    expect(tested.version).toBeUndefined();
    expect(await listRouteVersions({ ...scope, route: "support" })).toHaveLength(1);
    await expect(testRouteRequest({ ...scope, route: "support", sample: { metadata: { plan: ["free"] }, extra: true } })).rejects.toThrow(
      /metadata\.plan: .*; extra: is not a field this accepts/,
    );
  });
});
