import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { gatewayTokens, memberships, playgroundCredentials, roles, type Role, type Team } from "@/db/schema";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors";
import { newTeam, openTestDatabase, operatorOf, roleIn, userContext, userIdOf } from "../test-helpers";
import { changeMemberRole } from "./change-role";
import { listMembers } from "./list";
import { removeMember } from "./remove";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(() => handle.close());



/** A team with one member of each role. */
async function staffedTeam() {
  const team = await newTeam(handle);
  const [owner, admin, member, viewer] = await Promise.all(roles.map((role) => userContext(handle, { team, role })));
  return { team, owner: owner!, admin: admin!, member: member!, viewer: viewer! };
}

describe("listMembers", () => {
  it.each(roles)("shows a %s every member, owners first", async (role) => {
    const t = await staffedTeam();
    const members = await listMembers({ ctx: t[role], teamId: t.team.id });
    expect(members.map((m) => m.role)).toEqual(["owner", "admin", "member", "viewer"]);
    expect(members[0]).toMatchObject({ userId: userIdOf(t.owner), email: `${userIdOf(t.owner).toLowerCase()}@example.test` });
  });

  it("answers 'not found' to a member of another team", async () => {
    const t = await staffedTeam();
    const outsider = await userContext(handle, { team: await newTeam(handle), role: "owner" });
    await expect(listMembers({ ctx: outsider, teamId: t.team.id })).rejects.toThrow(NotFoundError);
  });
});

describe("changeMemberRole", () => {
  // [actor, target's role, new role, allowed]
  const cases: [Role, Role, Role, boolean][] = [
    ["owner", "viewer", "owner", true],
    ["owner", "admin", "member", true],
    ["admin", "viewer", "admin", true],
    ["admin", "member", "viewer", true],
    ["admin", "viewer", "owner", false],
    ["admin", "owner", "admin", false],
    ["member", "viewer", "member", false],
    ["viewer", "member", "viewer", false],
  ];

  it.each(cases)("a %s changing a %s to %s: allowed = %s", async (actor, from, to, allowed) => {
    const t = await staffedTeam();
    const target = await userContext(handle, { team: t.team, role: from });
    const change = changeMemberRole({ ctx: t[actor], teamId: t.team.id, userId: userIdOf(target), role: to });
    if (allowed) {
      await expect(change).resolves.toMatchObject({ role: to });
      expect(await roleIn(handle, t.team, userIdOf(target))).toBe(to);
    } else {
      await expect(change).rejects.toThrow(ForbiddenError);
      expect(await roleIn(handle, t.team, userIdOf(target))).toBe(from);
    }
  });

  it("refuses to demote the last owner, even by themself", async () => {
    const t = await staffedTeam();
    await expect(changeMemberRole({ ctx: t.owner, teamId: t.team.id, userId: userIdOf(t.owner), role: "admin" })).rejects.toThrow(
      new ConflictError(`cannot demote the last owner of team "${t.team.slug}": make another member an owner first`),
    );
    expect(await roleIn(handle, t.team, userIdOf(t.owner))).toBe("owner");
  });

  it("lets an owner step down once there is another owner", async () => {
    const t = await staffedTeam();
    await changeMemberRole({ ctx: t.owner, teamId: t.team.id, userId: userIdOf(t.admin), role: "owner" });
    await changeMemberRole({ ctx: t.owner, teamId: t.team.id, userId: userIdOf(t.owner), role: "admin" });
    expect(await roleIn(handle, t.team, userIdOf(t.owner))).toBe("admin");
  });

  it("does not find a user who is not in the team, and hides the team from outsiders", async () => {
    const t = await staffedTeam();
    const other = await newTeam(handle);
    const elsewhere = await userContext(handle, { team: other, role: "member" });
    await expect(changeMemberRole({ ctx: t.owner, teamId: t.team.id, userId: userIdOf(elsewhere), role: "admin" })).rejects.toThrow(
      new NotFoundError(`that user is not a member of team "${t.team.slug}"`),
    );
    // An owner of another team changing a role in this one: the team does not exist for them.
    const outsider = await userContext(handle, { team: other, role: "owner" });
    await expect(changeMemberRole({ ctx: outsider, teamId: t.team.id, userId: userIdOf(t.viewer), role: "admin" })).rejects.toThrow(
      NotFoundError,
    );
    expect(await roleIn(handle, t.team, userIdOf(t.viewer))).toBe("viewer");
    // …and an owner of this team cannot reach a membership of another team through it.
    expect(await roleIn(handle, other, userIdOf(elsewhere))).toBe("member");
  });

  it("refuses a role that does not exist", async () => {
    const t = await staffedTeam();
    await expect(
      changeMemberRole({ ctx: t.owner, teamId: t.team.id, userId: userIdOf(t.viewer), role: "superuser" as Role }),
    ).rejects.toThrow(/^role: /);
  });
});

describe("removeMember", () => {
  // [actor, target's role, allowed]
  const cases: [Role, Role, boolean][] = [
    ["owner", "owner", true],
    ["owner", "viewer", true],
    ["admin", "admin", true],
    ["admin", "member", true],
    ["admin", "owner", false],
    ["member", "viewer", false],
    ["viewer", "viewer", false],
  ];

  it.each(cases)("a %s removing a %s: allowed = %s", async (actor, targetRole, allowed) => {
    const t = await staffedTeam();
    const target = await userContext(handle, { team: t.team, role: targetRole });
    const removal = removeMember({ ctx: t[actor], teamId: t.team.id, userId: userIdOf(target) });
    if (allowed) {
      await removal;
      expect(await roleIn(handle, t.team, userIdOf(target))).toBeUndefined();
    } else {
      await expect(removal).rejects.toThrow(ForbiddenError);
      expect(await roleIn(handle, t.team, userIdOf(target))).toBe(targetRole);
    }
  });

  it.each(["admin", "member", "viewer"] as const)("lets a %s leave the team", async (role) => {
    const t = await staffedTeam();
    await removeMember({ ctx: t[role], teamId: t.team.id, userId: userIdOf(t[role]) });
    expect(await roleIn(handle, t.team, userIdOf(t[role]))).toBeUndefined();
  });

  it("does not let the last owner leave or be removed", async () => {
    const t = await staffedTeam();
    await expect(removeMember({ ctx: t.owner, teamId: t.team.id, userId: userIdOf(t.owner) })).rejects.toThrow(
      new ConflictError(`cannot remove yourself as the last owner of team "${t.team.slug}": make another member an owner first`),
    );
    await expect(removeMember({ ctx: operatorOf(handle), teamId: t.team.id, userId: userIdOf(t.owner) })).rejects.toThrow(
      new ConflictError(`cannot remove the last owner of team "${t.team.slug}": make another member an owner first`),
    );
    expect(await roleIn(handle, t.team, userIdOf(t.owner))).toBe("owner");
  });

  it("never leaves a team ownerless when two owners remove each other at once", async () => {
    const t = await staffedTeam();
    const second = await userContext(handle, { team: t.team, role: "owner" });
    const results = await Promise.allSettled([
      removeMember({ ctx: t.owner, teamId: t.team.id, userId: userIdOf(second) }),
      removeMember({ ctx: second, teamId: t.team.id, userId: userIdOf(t.owner) }),
    ]);
    const owners = await handle.db
      .select()
      .from(memberships)
      .where(and(eq(memberships.teamId, t.team.id), eq(memberships.role, "owner")));
    expect(owners).toHaveLength(1);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });

  it("hides the team from a member of another team", async () => {
    const t = await staffedTeam();
    const outsider = await userContext(handle, { team: await newTeam(handle), role: "owner" });
    await expect(removeMember({ ctx: outsider, teamId: t.team.id, userId: userIdOf(t.viewer) })).rejects.toThrow(NotFoundError);
    expect(await roleIn(handle, t.team, userIdOf(t.viewer))).toBe("viewer");
  });

  it("revokes the playground token the removed member had in that team only", async () => {
    const t = await staffedTeam();
    const other = await newTeam(handle);
    await handle.db.insert(memberships).values({ teamId: other.id, userId: userIdOf(t.member), role: "member" });
    const token = async (team: Team, id: string) => {
      await handle.db.insert(gatewayTokens).values({ id, teamId: team.id, name: "playground", tokenHash: id, start: "sy_", last4: "abcd" });
      await handle.db
        .insert(playgroundCredentials)
        .values({ userId: userIdOf(t.member), teamId: team.id, tokenId: id, secret: "x", masterKeyVersion: "v1" });
    };
    await token(t.team, `tok_${t.team.id}`);
    await token(other, `tok_${other.id}`);

    await removeMember({ ctx: t.admin, teamId: t.team.id, userId: userIdOf(t.member) });

    const revoked = async (id: string) =>
      (await handle.db.select().from(gatewayTokens).where(eq(gatewayTokens.id, id)))[0]?.revokedAt;
    expect(await revoked(`tok_${t.team.id}`)).toBeInstanceOf(Date);
    expect(await revoked(`tok_${other.id}`)).toBeNull();
    expect(await roleIn(handle, other, userIdOf(t.member))).toBe("member");
  });
});
