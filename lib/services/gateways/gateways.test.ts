import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../errors";
import { newTeam, openTestDatabase, operatorOf, userContext } from "../test-helpers";
import { createGateway } from "./create";
import { deleteGateway } from "./delete";
import { getGateway } from "./get";
import { addProviderKey } from "../provider-keys/add";
import { listProviderKeys } from "../provider-keys/list";
import { parseMasterKeys } from "@/lib/crypto/master-keys";
import { listGateways } from "./list";
import { metadataKeyList } from "./settings";
import { updateGateway } from "./update";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(() => handle.close());

describe("createGateway", () => {
  it("takes Cloudflare's defaults for settings not given", async () => {
    const team = await newTeam(handle);
    const gateway = await createGateway({ ctx: operatorOf(handle), teamId: team.id, slug: "prod", settings: { cacheTtl: 60 } });
    expect(gateway).toMatchObject({
      teamId: team.id,
      slug: "prod",
      cacheTtl: 60,
      authentication: false,
      collectLogs: true,
      rateLimitingTechnique: "fixed",
      retryMaxAttempts: 1,
      logManagement: null,
    });
  });

  it("names each setting out of range", async () => {
    const team = await newTeam(handle);
    const attempt = createGateway({
      ctx: operatorOf(handle),
      teamId: team.id,
      slug: "prod",
      settings: { retryMaxAttempts: 6, retryDelay: -1, logManagement: 500, cacheTtl: 1.5, rateLimitingLimit: 2 ** 31 },
    });
    await expect(attempt).rejects.toThrow(
      new InvalidInputError(
        "logManagement: must be a whole number from 10000 to 10000000; cacheTtl: must be a whole number from 0 to 2592000; " +
          "rateLimitingLimit: must be a whole number from 0 to 2147483647; retryMaxAttempts: must be a whole number from 1 to 5; " +
          "retryDelay: must be a whole number from 0 to 5000",
      ),
    );
  });

  it.each(["", "Prod", "a_b", "x".repeat(65)])("refuses the slug %j", async (slug) => {
    const team = await newTeam(handle);
    await expect(createGateway({ ctx: operatorOf(handle), teamId: team.id, slug })).rejects.toThrow(
      new InvalidInputError("slug: use 1–64 lowercase letters, digits and hyphens"),
    );
  });

  it("refuses a rate limit without an interval", async () => {
    const team = await newTeam(handle);
    await expect(
      createGateway({ ctx: operatorOf(handle), teamId: team.id, slug: "prod", settings: { rateLimitingLimit: 10 } }),
    ).rejects.toThrow(InvalidInputError);
    await expect(listGateways({ ctx: operatorOf(handle), teamId: team.id })).resolves.toEqual([]);
  });

  it("refuses a slug the team already uses, but not one another team uses", async () => {
    const [teamA, teamB] = [await newTeam(handle), await newTeam(handle)];
    await createGateway({ ctx: operatorOf(handle), teamId: teamA.id, slug: "prod" });
    await expect(createGateway({ ctx: operatorOf(handle), teamId: teamA.id, slug: "prod" })).rejects.toThrow(
      new ConflictError(`gateway "prod" already exists in team "${teamA.slug}"`),
    );
    await expect(createGateway({ ctx: operatorOf(handle), teamId: teamB.id, slug: "prod" })).resolves.toBeDefined();
  });

  it("needs admin", async () => {
    const team = await newTeam(handle);
    const admin = await userContext(handle, { team, role: "admin" });
    const member = await userContext(handle, { team, role: "member" });
    await expect(createGateway({ ctx: admin, teamId: team.id, slug: "by-admin" })).resolves.toBeDefined();
    await expect(createGateway({ ctx: member, teamId: team.id, slug: "by-member" })).rejects.toThrow(ForbiddenError);
  });
});

describe("updateGateway", () => {
  it("changes the given settings and keeps the others", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    const created = await createGateway({ ctx, teamId: team.id, slug: "prod", settings: { cacheTtl: 60, authentication: true } });
    const updated = await updateGateway({
      ctx,
      teamId: team.id,
      slug: "prod",
      settings: { rateLimitingLimit: 100, rateLimitingInterval: 60, rateLimitingTechnique: "sliding" },
    });
    expect(updated).toMatchObject({ cacheTtl: 60, authentication: true, rateLimitingLimit: 100, rateLimitingTechnique: "sliding" });
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());
  });

  it("keeps the gateway unchanged when the result would be incoherent", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    await createGateway({ ctx, teamId: team.id, slug: "prod", settings: { rateLimitingLimit: 5, rateLimitingInterval: 10 } });
    await expect(updateGateway({ ctx, teamId: team.id, slug: "prod", settings: { rateLimitingInterval: 0 } })).rejects.toThrow(
      InvalidInputError,
    );
    expect(await getGateway({ ctx, teamId: team.id, slug: "prod" })).toMatchObject({ rateLimitingInterval: 10 });
  });

  it("needs admin, and cannot reach another team's gateway", async () => {
    const [team, other] = [await newTeam(handle), await newTeam(handle)];
    await createGateway({ ctx: operatorOf(handle), teamId: other.id, slug: "prod" });
    const member = await userContext(handle, { team, role: "member" });
    const adminOfTeam = await userContext(handle, { team, role: "admin" });
    await createGateway({ ctx: operatorOf(handle), teamId: team.id, slug: "prod" });
    await expect(updateGateway({ ctx: member, teamId: team.id, slug: "prod", settings: { cacheTtl: 5 } })).rejects.toThrow(
      ForbiddenError,
    );
    await expect(updateGateway({ ctx: adminOfTeam, teamId: other.id, slug: "prod", settings: { cacheTtl: 5 } })).rejects.toThrow(
      NotFoundError,
    );
    expect(await getGateway({ ctx: operatorOf(handle), teamId: other.id, slug: "prod" })).toMatchObject({ cacheTtl: 0 });
  });

  it("sets and clears the request timeout and the cache key's metadata keys", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    const created = await createGateway({ ctx, teamId: team.id, slug: "prod" });
    expect(created).toMatchObject({ requestTimeoutMs: null, cacheKeyMetadata: [] });
    const set = await updateGateway({
      ctx,
      teamId: team.id,
      slug: "prod",
      settings: { requestTimeoutMs: 2500, cacheKeyMetadata: ["user", "tenant"] },
    });
    expect(set).toMatchObject({ requestTimeoutMs: 2500, cacheKeyMetadata: ["user", "tenant"] });
    const cleared = await updateGateway({ ctx, teamId: team.id, slug: "prod", settings: { requestTimeoutMs: null, cacheKeyMetadata: [] } });
    expect(cleared).toMatchObject({ requestTimeoutMs: null, cacheKeyMetadata: [] });
  });

  it.each([
    [["a", "b", "c", "d", "e", "f"], "cacheKeyMetadata: name at most 5 metadata keys (cf-aig-metadata carries at most 5 entries), got 6"],
    [["user", "cf.user"], 'cacheKeyMetadata: metadata key "cf.user" starts with "cf.", which is reserved for the gateway\'s own keys'],
    [["user", "user"], 'cacheKeyMetadata: metadata key "user" is named twice'],
    [[" user"], "cacheKeyMetadata: metadata keys must not be empty or start or end with spaces"],
    [["x".repeat(129)], 'cacheKeyMetadata: metadata key "xxxxxxxxxxxxxxxxxxxx…" is longer than 128 characters'],
  ])("refuses the metadata keys %j, saying why", async (keys, message) => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    await createGateway({ ctx, teamId: team.id, slug: "prod", settings: { cacheKeyMetadata: ["user"] } });
    await expect(updateGateway({ ctx, teamId: team.id, slug: "prod", settings: { cacheKeyMetadata: keys } })).rejects.toThrow(
      new InvalidInputError(message),
    );
    expect(await getGateway({ ctx, teamId: team.id, slug: "prod" })).toMatchObject({ cacheKeyMetadata: ["user"] });
  });

  it("refuses a request timeout that is not a positive whole number of milliseconds", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    await createGateway({ ctx, teamId: team.id, slug: "prod" });
    for (const requestTimeoutMs of [0, -5, 1.5, 2 ** 31]) {
      await expect(updateGateway({ ctx, teamId: team.id, slug: "prod", settings: { requestTimeoutMs } })).rejects.toThrow(
        new InvalidInputError("requestTimeoutMs: must be a whole number from 1 to 2147483647"),
      );
    }
  });

  it("sets OpenTelemetry collectors, keeps stored credentials a masked setting sends back, and clears them", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    await createGateway({ ctx, teamId: team.id, slug: "prod" });
    const url = "https://collector.example/v1/traces";
    const set = await updateGateway({ ctx, teamId: team.id, slug: "prod", settings: { otel: [{ url, authorization: "Bearer s3cret", headers: { "x-key": "k3y" } }] } });
    expect(set.otel).toEqual([{ url, authorization: "Bearer s3cret", headers: { "x-key": "k3y" }, content_type: "json" }]);
    const resaved = await updateGateway({
      ctx,
      teamId: team.id,
      slug: "prod",
      settings: { otel: [{ url, authorization: "[stored]", headers: { "x-key": "[stored]" }, content_type: "protobuf" }] },
    });
    expect(resaved.otel).toEqual([{ url, authorization: "Bearer s3cret", headers: { "x-key": "k3y" }, content_type: "protobuf" }]);
    await expect(updateGateway({ ctx, teamId: team.id, slug: "prod", settings: { otel: [{ url: "collector" }] } })).rejects.toThrow(
      /^otel\.0\.url: must be an http:\/\/ or https:\/\/ URL/,
    );
    expect((await updateGateway({ ctx, teamId: team.id, slug: "prod", settings: { otel: [] } })).otel).toBeNull();
  });

  it("reports a gateway that does not exist", async () => {
    const team = await newTeam(handle);
    await expect(updateGateway({ ctx: operatorOf(handle), teamId: team.id, slug: "nope", settings: {} })).rejects.toThrow(
      new NotFoundError('gateway "nope" not found'),
    );
  });
});

describe("metadataKeyList", () => {
  it("reads a comma-separated list, ignoring spaces and empty entries", () => {
    expect(metadataKeyList(" user, tenant ,,")).toEqual(["user", "tenant"]);
    expect(metadataKeyList("")).toEqual([]);
  });
});

describe("reading gateways", () => {
  it("lets a viewer list and get the team's gateways, in slug order, and nobody else's", async () => {
    const [team, other] = [await newTeam(handle), await newTeam(handle)];
    for (const slug of ["zeta", "alpha"]) await createGateway({ ctx: operatorOf(handle), teamId: team.id, slug });
    await createGateway({ ctx: operatorOf(handle), teamId: other.id, slug: "theirs" });
    const viewer = await userContext(handle, { team, role: "viewer" });
    expect((await listGateways({ ctx: viewer, teamId: team.id })).map((g) => g.slug)).toEqual(["alpha", "zeta"]);
    expect(await getGateway({ ctx: viewer, teamId: team.id, slug: "alpha" })).toMatchObject({ slug: "alpha" });
    await expect(listGateways({ ctx: viewer, teamId: other.id })).rejects.toThrow(NotFoundError);
    await expect(getGateway({ ctx: viewer, teamId: other.id, slug: "theirs" })).rejects.toThrow(NotFoundError);
    await expect(getGateway({ ctx: viewer, teamId: team.id, slug: "theirs" })).rejects.toThrow(NotFoundError);
  });
});

describe("deleteGateway", () => {
  const keyring = parseMasterKeys(`v1:${Buffer.alloc(32, 1).toString("base64")}`);

  it("deletes the gateway and the keys stored for it, keeping team-wide keys", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    await createGateway({ ctx, teamId: team.id, slug: "prod" });
    await addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: "sk-gateway-key-0123456789", gatewaySlug: "prod", keyring });
    await addProviderKey({ ctx, teamId: team.id, provider: "groq", secret: "gsk-team-wide-key-0123456789", keyring });
    const deleted = await deleteGateway({ ctx, teamId: team.id, slug: "prod" });
    expect(deleted.slug).toBe("prod");
    await expect(getGateway({ ctx, teamId: team.id, slug: "prod" })).rejects.toThrow(NotFoundError);
    expect((await listProviderKeys({ ctx, teamId: team.id })).map((key) => key.provider)).toEqual(["groq"]);
  });

  it("needs admin, and cannot reach another team's gateway", async () => {
    const [team, other] = [await newTeam(handle), await newTeam(handle)];
    await createGateway({ ctx: operatorOf(handle), teamId: team.id, slug: "prod" });
    await createGateway({ ctx: operatorOf(handle), teamId: other.id, slug: "prod" });
    const member = await userContext(handle, { team, role: "member" });
    const adminOfTeam = await userContext(handle, { team, role: "admin" });
    await expect(deleteGateway({ ctx: member, teamId: team.id, slug: "prod" })).rejects.toThrow(ForbiddenError);
    await expect(deleteGateway({ ctx: adminOfTeam, teamId: other.id, slug: "prod" })).rejects.toThrow(NotFoundError);
    expect(await getGateway({ ctx: operatorOf(handle), teamId: other.id, slug: "prod" })).toMatchObject({ slug: "prod" });
    await expect(deleteGateway({ ctx: adminOfTeam, teamId: team.id, slug: "nope" })).rejects.toThrow(new NotFoundError('gateway "nope" not found'));
  });
});
