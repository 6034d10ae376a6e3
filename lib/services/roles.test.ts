import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import type { Role } from "@/db/schema";
import { ForbiddenError, NotFoundError } from "./errors";
import { requireRole, requireRoleBySlug } from "./roles";
import { newTeam, openTestDatabase, operatorOf, userContext } from "./test-helpers";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(() => handle.close());

describe("requireRole", () => {
  const cases: [Role, Role, boolean][] = [
    ["owner", "owner", true],
    ["admin", "owner", false],
    ["admin", "admin", true],
    ["member", "admin", false],
    ["member", "member", true],
    ["viewer", "member", false],
    ["viewer", "viewer", true],
    ["owner", "viewer", true],
  ];

  it.each(cases)("a %s asking for %s: allowed = %s", async (role, minimum, allowed) => {
    const team = await newTeam(handle);
    const ctx = await userContext(handle, { team, role });
    const check = requireRole(ctx, team.id, minimum);
    if (allowed) await expect(check).resolves.toMatchObject({ id: team.id });
    else await expect(check).rejects.toThrow(ForbiddenError);
  });

  it("names the missing role in the refusal", async () => {
    const team = await newTeam(handle);
    const ctx = await userContext(handle, { team, role: "member" });
    await expect(requireRole(ctx, team.id, "admin")).rejects.toThrow(
      `this needs the admin role in team "${team.slug}"; you have the member role`,
    );
  });

  it("lets the operator into every team", async () => {
    const team = await newTeam(handle);
    await expect(requireRole(operatorOf(handle), team.id, "owner")).resolves.toMatchObject({ id: team.id });
  });

  it("answers 'not found' to a user of another team, exactly as for a team that does not exist", async () => {
    const teamA = await newTeam(handle);
    const teamB = await newTeam(handle);
    const userOfA = await userContext(handle, { team: teamA, role: "owner" });
    const byId = await requireRole(userOfA, teamB.id, "viewer").catch((err: unknown) => err);
    const missing = await requireRole(userOfA, "team_missing", "viewer").catch((err: unknown) => err);
    expect(byId).toBeInstanceOf(NotFoundError);
    expect(byId).toEqual(missing);
    await expect(requireRoleBySlug(userOfA, teamB.slug, "viewer")).rejects.toThrow(`team "${teamB.slug}" not found`);
  });

  it("refuses the operator a team that does not exist", async () => {
    await expect(requireRole(operatorOf(handle), "team_missing", "viewer")).rejects.toThrow(NotFoundError);
  });
});
