import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { gatewayTokens } from "@/db/schema";
import { hashGatewayToken } from "@/lib/crypto/gateway-token";
import { ForbiddenError, InvalidInputError, NotFoundError } from "../errors";
import { createGateway } from "../gateways/create";
import { newTeam, openTestDatabase, operatorOf, userContext } from "../test-helpers";
import { createGatewayToken } from "./create";
import { listGatewayTokens } from "./list";
import { revokeGatewayToken } from "./revoke";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(() => handle.close());

describe("createGatewayToken", () => {
  it("returns the token once and stores only its hash", async () => {
    const team = await newTeam(handle);
    const { token, record } = await createGatewayToken({ ctx: operatorOf(handle), teamId: team.id, name: "ci" });
    expect(token).toMatch(/^sy_/);
    expect(record).toMatchObject({ name: "ci", start: token.slice(0, 7), last4: token.slice(-4), gatewaySlugs: null, revokedAt: null });
    expect(record).not.toHaveProperty("tokenHash");
    const [stored] = await handle.db.select().from(gatewayTokens).where(eq(gatewayTokens.id, record.id));
    expect(stored?.tokenHash).toBe(hashGatewayToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);
  });

  it("limits the token to the named gateways, stored by id", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    const prod = await createGateway({ ctx, teamId: team.id, slug: "prod" });
    await createGateway({ ctx, teamId: team.id, slug: "dev" });
    const { record } = await createGatewayToken({ ctx, teamId: team.id, name: "prod only", gatewaySlugs: ["prod", "prod"] });
    expect(record.gatewaySlugs).toEqual(["prod"]);
    const [stored] = await handle.db.select().from(gatewayTokens).where(eq(gatewayTokens.id, record.id));
    expect(stored?.gatewayIds).toEqual([prod.id]);
  });

  it("refuses a gateway of another team as unknown", async () => {
    const [team, other] = [await newTeam(handle), await newTeam(handle)];
    await createGateway({ ctx: operatorOf(handle), teamId: other.id, slug: "theirs" });
    await expect(
      createGatewayToken({ ctx: operatorOf(handle), teamId: team.id, name: "x", gatewaySlugs: ["theirs"] }),
    ).rejects.toThrow(new NotFoundError('gateway "theirs" not found'));
  });

  it("refuses an empty name and a past expiry", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    await expect(createGatewayToken({ ctx, teamId: team.id, name: "  " })).rejects.toThrow(
      new InvalidInputError("name: must not be empty"),
    );
    await expect(createGatewayToken({ ctx, teamId: team.id, name: "old", expiresAt: new Date(Date.now() - 1000) })).rejects.toThrow(
      new InvalidInputError("expiresAt: must be in the future"),
    );
  });

  it("needs admin and records who created it", async () => {
    const team = await newTeam(handle);
    const admin = await userContext(handle, { team, role: "admin" });
    const member = await userContext(handle, { team, role: "member" });
    const { record } = await createGatewayToken({ ctx: admin, teamId: team.id, name: "mine" });
    const [stored] = await handle.db.select().from(gatewayTokens).where(eq(gatewayTokens.id, record.id));
    expect(stored?.createdBy).toBe(admin.actor.type === "user" ? admin.actor.userId : undefined);
    await expect(createGatewayToken({ ctx: member, teamId: team.id, name: "nope" })).rejects.toThrow(ForbiddenError);
  });
});

describe("listing and revoking tokens", () => {
  it("lets a viewer list the team's tokens only, and an admin revoke them once", async () => {
    const [team, other] = [await newTeam(handle), await newTeam(handle)];
    const ctx = operatorOf(handle);
    const { record } = await createGatewayToken({ ctx, teamId: team.id, name: "ours" });
    await createGatewayToken({ ctx, teamId: other.id, name: "theirs" });
    const viewer = await userContext(handle, { team, role: "viewer" });
    const admin = await userContext(handle, { team, role: "admin" });

    expect((await listGatewayTokens({ ctx: viewer, teamId: team.id })).map((t) => t.name)).toEqual(["ours"]);
    await expect(revokeGatewayToken({ ctx: viewer, teamId: team.id, tokenId: record.id })).rejects.toThrow(ForbiddenError);

    const revoked = await revokeGatewayToken({ ctx: admin, teamId: team.id, tokenId: record.id });
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    const again = await revokeGatewayToken({ ctx: admin, teamId: team.id, tokenId: record.id });
    expect(again.revokedAt).toEqual(revoked.revokedAt);
  });

  it("cannot revoke another team's token, even knowing its id", async () => {
    const [team, other] = [await newTeam(handle), await newTeam(handle)];
    const { record } = await createGatewayToken({ ctx: operatorOf(handle), teamId: other.id, name: "theirs" });
    const admin = await userContext(handle, { team, role: "owner" });
    await expect(revokeGatewayToken({ ctx: admin, teamId: team.id, tokenId: record.id })).rejects.toThrow(
      new NotFoundError(`token ${record.id} not found`),
    );
    await expect(revokeGatewayToken({ ctx: admin, teamId: other.id, tokenId: record.id })).rejects.toThrow(NotFoundError);
    const [stored] = await handle.db.select().from(gatewayTokens).where(eq(gatewayTokens.id, record.id));
    expect(stored?.revokedAt).toBeNull();
  });
});
