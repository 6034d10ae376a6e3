import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { apiTokens, auditEvents, memberships } from "@/db/schema";
import { hashToken } from "@/lib/crypto/gateway-token";
import { ForbiddenError, InvalidInputError, NotFoundError } from "../errors";
import { listGateways } from "../gateways/list";
import { newTeam, openTestDatabase, operatorOf, userContext, userIdOf } from "../test-helpers";
import { authenticateApiToken } from "./authenticate";
import { createApiToken } from "./create";
import { listApiTokens } from "./list";
import { revokeApiToken } from "./revoke";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(() => handle.close());

describe("API tokens", () => {
  it("returns the secret once, stores only its hash, and audits creation and revocation", async () => {
    const team = await newTeam(handle);
    const admin = await userContext(handle, { team, role: "admin" });
    const { token, record } = await createApiToken({ ctx: admin, teamId: team.id, name: "ci", scopes: ["read", "edit", "read"], role: "admin" });
    expect(token).toMatch(/^sya_[A-Za-z0-9_-]{43}$/);
    expect(record).toMatchObject({ id: expect.stringMatching(/^apit_/), name: "ci", scopes: ["read", "edit"], role: "admin", start: token.slice(0, 8), last4: token.slice(-4), createdBy: expect.stringContaining("@") });
    const [stored] = await handle.db.select().from(apiTokens).where(eq(apiTokens.id, record.id));
    expect(stored?.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(await listApiTokens({ ctx: admin, teamId: team.id }))).not.toContain(token);

    await revokeApiToken({ ctx: admin, teamId: team.id, tokenId: record.id });
    const audit = await handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, record.id));
    expect(audit.map((e) => e.action).sort()).toEqual(["api_token.create", "api_token.revoke"]);
    expect(JSON.stringify(audit)).not.toContain(token);
    expect(await authenticateApiToken(handle.db, token)).toEqual({ refused: "the API token was revoked" });
  });

  it("needs admin, refuses a role above the creator's, and refuses bad input by field", async () => {
    const team = await newTeam(handle);
    const admin = await userContext(handle, { team, role: "admin" });
    const member = await userContext(handle, { team, role: "member" });
    await expect(createApiToken({ ctx: member, teamId: team.id, name: "x", scopes: ["read"], role: "viewer" })).rejects.toThrow(ForbiddenError);
    await expect(listApiTokens({ ctx: member, teamId: team.id })).rejects.toThrow(ForbiddenError);
    await expect(createApiToken({ ctx: admin, teamId: team.id, name: "x", scopes: ["read"], role: "owner" })).rejects.toThrow(
      new InvalidInputError({ field: "role", message: "cannot be above your own role in the team (admin)" }),
    );
    await expect(createApiToken({ ctx: admin, teamId: team.id, name: "", scopes: ["fly"], role: "boss" })).rejects.toThrow(InvalidInputError);
    // Calling gateways spends the team's keys, which viewers may not.
    await expect(createApiToken({ ctx: admin, teamId: team.id, name: "x", scopes: ["read", "run"], role: "viewer" })).rejects.toThrow(
      "role: must be member or above for the run scope",
    );
    await expect(
      createApiToken({ ctx: admin, teamId: team.id, name: "x", scopes: ["read"], role: "viewer", expiresAt: new Date(Date.now() - 1000) }),
    ).rejects.toThrow("expiresAt: must be in the future");
    await expect(revokeApiToken({ ctx: admin, teamId: team.id, tokenId: "apit_nope" })).rejects.toThrow(NotFoundError);
  });

  it("acts in its own team only, at the lower of its role and its creator's current one, and stops when the creator leaves", async () => {
    const [team, other] = [await newTeam(handle), await newTeam(handle)];
    const owner = await userContext(handle, { team, role: "owner" });
    const { token } = await createApiToken({ ctx: owner, teamId: team.id, name: "ops", scopes: ["read", "edit"], role: "owner" });
    const authenticated = await authenticateApiToken(handle.db, token);
    if (!("actor" in authenticated)) throw new Error(authenticated.refused);
    expect(authenticated.actor).toMatchObject({ type: "api_token", teamId: team.id, role: "owner", scopes: ["read", "edit"] });
    const ctx = { db: handle.db, actor: authenticated.actor };
    await expect(listGateways({ ctx, teamId: team.id })).resolves.toEqual([]);
    await expect(listGateways({ ctx, teamId: other.id })).rejects.toThrow(NotFoundError);
    await expect(createApiToken({ ctx, teamId: team.id, name: "child", scopes: ["read"], role: "viewer" })).rejects.toThrow(ForbiddenError);

    await handle.db.update(memberships).set({ role: "viewer" }).where(eq(memberships.userId, userIdOf(owner)));
    expect(await authenticateApiToken(handle.db, token)).toMatchObject({ actor: { role: "viewer" } });
    await handle.db.delete(memberships).where(eq(memberships.userId, userIdOf(owner)));
    expect(await authenticateApiToken(handle.db, token)).toEqual({ refused: "the API token's creator is no longer a member of the team" });
  });

  it("refuses an unknown or expired token; an operator's token has no creator to follow", async () => {
    const team = await newTeam(handle);
    const { token, record } = await createApiToken({ ctx: operatorOf(handle), teamId: team.id, name: "cli", scopes: ["read"], role: "owner" });
    expect(record.createdBy).toBeNull();
    expect(await authenticateApiToken(handle.db, token)).toMatchObject({ actor: { role: "owner" } });
    await handle.db.update(apiTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiTokens.id, record.id));
    expect(await authenticateApiToken(handle.db, token)).toEqual({ refused: "the API token has expired" });
    expect(await authenticateApiToken(handle.db, `sya_${"x".repeat(43)}`)).toEqual({ refused: "the API token is not valid" });
    expect(await authenticateApiToken(handle.db, "sy_gatewaytoken")).toMatchObject({ refused: expect.stringContaining("not a Switchyard API token") });
  });
});
