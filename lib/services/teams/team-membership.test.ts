import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { memberships, roles, type Role } from "@/db/schema";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../errors";
import { newTeam, openTestDatabase, operatorOf, uniqueSlug, userContext } from "../test-helpers";
import { createTeam, RESERVED_TEAM_SLUGS } from "./create";
import { listTeamsForUser } from "./list-for-user";
import { renameTeam } from "./rename";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(() => handle.close());

describe("reserved slugs", () => {
  it.each(["v1", "ai", "client", "api", "sign-in", "sign-out", "setup", "invite", "metrics"])(
    "refuses %j, a path of Switchyard's own",
    async (slug) => {
      expect(RESERVED_TEAM_SLUGS.has(slug)).toBe(true);
      await expect(createTeam({ ctx: operatorOf(handle), slug })).rejects.toThrow(
        new InvalidInputError("slug: this name is reserved for one of Switchyard's own pages"),
      );
    },
  );

  it("refuses _next by its shape", async () => {
    await expect(createTeam({ ctx: operatorOf(handle), slug: "_next" })).rejects.toThrow(InvalidInputError);
  });
});

describe("listTeamsForUser", () => {
  it("lists exactly the user's teams with their role in each, by name", async () => {
    const ctx = await userContext(handle);
    const zeta = await createTeam({ ctx, slug: uniqueSlug("zeta"), name: "Zeta" });
    const alpha = await createTeam({ ctx: operatorOf(handle), slug: uniqueSlug("alpha"), name: "Alpha" });
    await createTeam({ ctx: operatorOf(handle), slug: uniqueSlug("other"), name: "Another team" });
    const userId = ctx.actor.type === "user" ? ctx.actor.userId : "";
    await handle.db.insert(memberships).values({ teamId: alpha.id, userId, role: "viewer" });

    const teams = await listTeamsForUser({ ctx });
    expect(teams.map((t) => [t.slug, t.role])).toEqual([
      [alpha.slug, "viewer"],
      [zeta.slug, "owner"],
    ]);
    expect(teams[1]).toEqual({ ...zeta, role: "owner" });
  });

  it("is empty for a user in no team", async () => {
    expect(await listTeamsForUser({ ctx: await userContext(handle) })).toEqual([]);
  });

  it("shows the operator every team as owner", async () => {
    const team = await newTeam(handle);
    const all = await listTeamsForUser({ ctx: operatorOf(handle) });
    expect(all.find((t) => t.id === team.id)).toMatchObject({ role: "owner" });
  });
});

describe("renameTeam", () => {
  it.each(roles.map((role): [Role, boolean] => [role, role === "owner" || role === "admin"]))(
    "a %s renaming the team: allowed = %s",
    async (role, allowed) => {
      const team = await newTeam(handle);
      const ctx = await userContext(handle, { team, role });
      const rename = renameTeam({ ctx, teamId: team.id, name: "  New name " });
      if (allowed) await expect(rename).resolves.toMatchObject({ id: team.id, slug: team.slug, name: "New name" });
      else await expect(rename).rejects.toThrow(ForbiddenError);
    },
  );

  it.each(roles.map((role): [Role, boolean] => [role, role === "owner"]))(
    "a %s changing the slug: allowed = %s",
    async (role, allowed) => {
      const team = await newTeam(handle);
      const ctx = await userContext(handle, { team, role });
      const slug = uniqueSlug("moved");
      const change = renameTeam({ ctx, teamId: team.id, slug });
      if (allowed) await expect(change).resolves.toMatchObject({ id: team.id, slug, name: team.name });
      else await expect(change).rejects.toThrow(ForbiddenError);
    },
  );

  it("refuses a slug in use, a reserved one and a malformed one", async () => {
    const team = await newTeam(handle);
    const taken = await newTeam(handle);
    const owner = await userContext(handle, { team, role: "owner" });
    await expect(renameTeam({ ctx: owner, teamId: team.id, slug: taken.slug })).rejects.toThrow(
      new ConflictError(`team "${taken.slug}" already exists`),
    );
    await expect(renameTeam({ ctx: owner, teamId: team.id, slug: "setup" })).rejects.toThrow(InvalidInputError);
    await expect(renameTeam({ ctx: owner, teamId: team.id, slug: "Bad Slug" })).rejects.toThrow(InvalidInputError);
    await expect(renameTeam({ ctx: owner, teamId: team.id, name: "" })).rejects.toThrow(
      new InvalidInputError("name: must not be empty"),
    );
    await expect(renameTeam({ ctx: owner, teamId: team.id })).rejects.toThrow(new InvalidInputError("give a new name or slug"));
  });

  it("lets an admin submit the unchanged slug with a new name", async () => {
    const team = await newTeam(handle);
    const admin = await userContext(handle, { team, role: "admin" });
    await expect(renameTeam({ ctx: admin, teamId: team.id, name: "Same slug", slug: team.slug })).resolves.toMatchObject({
      slug: team.slug,
      name: "Same slug",
    });
  });

  it("hides the team from a member of another team", async () => {
    const team = await newTeam(handle);
    const outsider = await userContext(handle, { team: await newTeam(handle), role: "owner" });
    await expect(renameTeam({ ctx: outsider, teamId: team.id, name: "Mine now" })).rejects.toThrow(NotFoundError);
  });
});
