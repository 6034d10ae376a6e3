import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { auditEvents, memberships } from "@/db/schema";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../errors";
import { newTeam, openTestDatabase, operatorOf, uniqueSlug, userContext } from "../test-helpers";
import { gatewayBaseUrls } from "./base-urls";
import { createTeam } from "./create";
import { getTeamBySlug } from "./get";
import { setLogRetention } from "./set-log-retention";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(() => handle.close());

describe("createTeam", () => {
  it("names the team after its slug unless given a name", async () => {
    const ctx = operatorOf(handle);
    const slug = uniqueSlug("acme");
    expect(await createTeam({ ctx, slug })).toMatchObject({ slug, name: slug });
    expect(await createTeam({ ctx, slug: `${slug}-2`, name: "Acme Two" })).toMatchObject({ name: "Acme Two" });
  });

  it.each(["A", "-acme", "acme_corp", "Acme", "x".repeat(41), "a b"])("refuses the slug %j", async (slug) => {
    await expect(createTeam({ ctx: operatorOf(handle), slug })).rejects.toThrow(
      new InvalidInputError("slug: use 2–40 lowercase letters, digits and hyphens, not starting with a hyphen"),
    );
  });

  it("refuses a slug in use", async () => {
    const team = await newTeam(handle);
    await expect(createTeam({ ctx: operatorOf(handle), slug: team.slug })).rejects.toThrow(
      new ConflictError(`team "${team.slug}" already exists`),
    );
  });

  it("makes a user who creates a team its owner", async () => {
    const ctx = await userContext(handle);
    const team = await createTeam({ ctx, slug: uniqueSlug("mine") });
    const userId = ctx.actor.type === "user" ? ctx.actor.userId : "";
    const [membership] = await handle.db
      .select()
      .from(memberships)
      .where(and(eq(memberships.teamId, team.id), eq(memberships.userId, userId)));
    expect(membership?.role).toBe("owner");
  });
});

describe("getTeamBySlug", () => {
  it("finds the team for a viewer and hides it from a user of another team", async () => {
    const team = await newTeam(handle);
    const viewer = await userContext(handle, { team, role: "viewer" });
    const outsider = await userContext(handle, { team: await newTeam(handle), role: "owner" });
    expect(await getTeamBySlug({ ctx: viewer, slug: team.slug })).toEqual(team);
    await expect(getTeamBySlug({ ctx: outsider, slug: team.slug })).rejects.toThrow(
      new NotFoundError(`team "${team.slug}" not found`),
    );
  });
});

describe("setLogRetention", () => {
  it("sets and clears the retention (admins), audited with what it was", async () => {
    const team = await newTeam(handle);
    const admin = await userContext(handle, { team, role: "admin" });
    expect(await setLogRetention({ ctx: admin, teamId: team.id, logRetentionDays: 30 })).toMatchObject({ logRetentionDays: 30 });
    expect(await setLogRetention({ ctx: admin, teamId: team.id, logRetentionDays: null })).toMatchObject({ logRetentionDays: null });
    const events = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.teamId, team.id), eq(auditEvents.action, "team.update")))
      .orderBy(auditEvents.id);
    expect(events.map((event) => [event.action, event.details])).toEqual([
      ["team.update", { logRetentionDays: { from: null, to: 30 } }],
      ["team.update", { logRetentionDays: { from: 30, to: null } }],
    ]);
  });

  it("refuses a member, and days out of range naming the field", async () => {
    const team = await newTeam(handle);
    const member = await userContext(handle, { team, role: "member" });
    await expect(setLogRetention({ ctx: member, teamId: team.id, logRetentionDays: 7 })).rejects.toThrow(ForbiddenError);
    for (const days of [0, 3651, 1.5]) {
      await expect(setLogRetention({ ctx: operatorOf(handle), teamId: team.id, logRetentionDays: days })).rejects.toThrow(
        new InvalidInputError("logRetentionDays: must be a whole number from 1 to 3650"),
      );
    }
  });
});

describe("gatewayBaseUrls", () => {
  it("builds each surface's base URL", () => {
    expect(gatewayBaseUrls("https://ai.example.com", "acme", "prod")).toEqual({
      compat: "https://ai.example.com/v1/acme/prod/compat",
      passthrough: "https://ai.example.com/v1/acme/prod/{provider}",
      rest: "https://ai.example.com/client/v4/accounts/acme/ai/v1",
      universal: "https://ai.example.com/ai/v1",
    });
  });
});
