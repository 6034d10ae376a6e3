import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { auditEvents } from "@/db/schema";
import { testDatabases } from "@/tests/support/database";
import { ForbiddenError, InvalidInputError } from "../errors";
import { newTeam, userContext } from "../test-helpers";
import { setDisplayPrecision } from "./display-precision";

describe.each(testDatabases())("setDisplayPrecision on $name", (database) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await database.open();
  });
  afterAll(() => handle.close());

  it("sets the team's display precision as an admin, and audits the change", async () => {
    const team = await newTeam(handle);
    const admin = await userContext(handle, { team, role: "admin" });
    expect((await setDisplayPrecision({ ctx: admin, teamId: team.id, displayPrecision: "4" })).displayPrecision).toBe(4);
    const updates = () => handle.db.select().from(auditEvents).where(and(eq(auditEvents.teamId, team.id), eq(auditEvents.action, "team.update")));
    const events = await updates();
    expect(events).toEqual([expect.objectContaining({ action: "team.update", targetType: "team", details: { displayPrecision: { from: 2, to: 4 } } })]);
    // The same value again changes (and records) nothing.
    await setDisplayPrecision({ ctx: admin, teamId: team.id, displayPrecision: 4 });
    expect(await updates()).toHaveLength(1);
  });

  it("refuses a value out of 2–6 naming the field, and a member", async () => {
    const team = await newTeam(handle);
    const admin = await userContext(handle, { team, role: "admin" });
    await expect(setDisplayPrecision({ ctx: admin, teamId: team.id, displayPrecision: 7 })).rejects.toThrow(new InvalidInputError("displayPrecision: must be at most 6"));
    await expect(setDisplayPrecision({ ctx: admin, teamId: team.id, displayPrecision: "two" })).rejects.toThrow(InvalidInputError);
    const member = await userContext(handle, { team, role: "member" });
    await expect(setDisplayPrecision({ ctx: member, teamId: team.id, displayPrecision: 3 })).rejects.toThrow(ForbiddenError);
  });
});
