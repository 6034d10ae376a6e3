import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { auditEvents } from "@/db/schema";
import { testDatabases } from "@/tests/support/database";
import { ForbiddenError, InvalidInputError } from "../errors";
import { newTeam, userContext } from "../test-helpers";
import { setAnalyticsMetadataKeys, splitMetadataKeys } from "./analytics-metadata-keys";

describe.each(testDatabases())("setAnalyticsMetadataKeys on $name", (database) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await database.open();
  });
  afterAll(() => handle.close());

  it("sets the team's metadata keys as an admin, audits the change, and clears them", async () => {
    const team = await newTeam(handle);
    const admin = await userContext(handle, { team, role: "admin" });
    expect((await setAnalyticsMetadataKeys({ ctx: admin, teamId: team.id, analyticsMetadataKeys: [" plan", "tenant"] })).analyticsMetadataKeys).toEqual(["plan", "tenant"]);
    const updates = () => handle.db.select().from(auditEvents).where(and(eq(auditEvents.teamId, team.id), eq(auditEvents.action, "team.update")));
    expect(await updates()).toEqual([expect.objectContaining({ details: { analyticsMetadataKeys: { from: [], to: ["plan", "tenant"] } } })]);
    // The same keys again change (and record) nothing.
    await setAnalyticsMetadataKeys({ ctx: admin, teamId: team.id, analyticsMetadataKeys: ["plan", "tenant"] });
    expect(await updates()).toHaveLength(1);
    expect((await setAnalyticsMetadataKeys({ ctx: admin, teamId: team.id, analyticsMetadataKeys: [] })).analyticsMetadataKeys).toEqual([]);
    expect(await updates()).toHaveLength(2);
  });

  it("refuses more than 3 keys, a key twice, and a member", async () => {
    const team = await newTeam(handle);
    const admin = await userContext(handle, { team, role: "admin" });
    await expect(setAnalyticsMetadataKeys({ ctx: admin, teamId: team.id, analyticsMetadataKeys: ["a", "b", "c", "d"] })).rejects.toThrow(
      new InvalidInputError("analyticsMetadataKeys: must be at most 3 keys"),
    );
    await expect(setAnalyticsMetadataKeys({ ctx: admin, teamId: team.id, analyticsMetadataKeys: ["a", "a"] })).rejects.toThrow(InvalidInputError);
    const member = await userContext(handle, { team, role: "member" });
    await expect(setAnalyticsMetadataKeys({ ctx: member, teamId: team.id, analyticsMetadataKeys: ["plan"] })).rejects.toThrow(ForbiddenError);
  });

  it("splits typed keys on commas and spaces", () => {
    expect(splitMetadataKeys(" plan, tenant  user,,")).toEqual(["plan", "tenant", "user"]);
    expect(splitMetadataKeys("  ")).toEqual([]);
  });
});
