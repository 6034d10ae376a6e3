import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { memberships, teams, users } from "@/db/schema";
import { verifyPassword } from "@/lib/crypto/password";
import { ConflictError, InvalidInputError } from "../errors";
import { openTestDatabase, operatorOf } from "../test-helpers";
import { completeFirstRun, isFirstRun } from "./first-run";

// Each test needs an empty database: the first run is about there being no user at all.
let handle: DatabaseHandle;
beforeEach(async () => {
  handle = await openTestDatabase();
});
afterEach(() => handle.close());

const owner = {
  name: "Ada Lovelace",
  email: "Ada@Example.com",
  password: "correct horse battery",
  teamName: "Acme Inc.",
  teamSlug: "acme",
};

describe("completeFirstRun", () => {
  it("creates the owner with a hashed password and the first team, owned by them", async () => {
    const ctx = operatorOf(handle);
    expect(await isFirstRun({ ctx })).toBe(true);
    const { user, team } = await completeFirstRun({ ctx, ...owner });
    expect(user).toMatchObject({ email: "ada@example.com", name: "Ada Lovelace" });
    expect(user).not.toHaveProperty("passwordHash");
    expect(team).toMatchObject({ slug: "acme", name: "Acme Inc." });
    const [stored] = await handle.db.select().from(users).where(eq(users.id, user.id));
    expect(await verifyPassword(owner.password, stored!.passwordHash!)).toBe(true);
    expect(await handle.db.select().from(memberships).where(eq(memberships.teamId, team.id))).toEqual([
      expect.objectContaining({ userId: user.id, role: "owner" }),
    ]);
    expect(await isFirstRun({ ctx })).toBe(false);
  });

  it("refuses once any user exists", async () => {
    const ctx = operatorOf(handle);
    await handle.db.insert(users).values({ id: "user_existing", email: "someone@example.com" });
    await expect(completeFirstRun({ ctx, ...owner })).rejects.toThrow(
      new ConflictError("Switchyard is already set up: sign in instead"),
    );
    expect(await handle.db.select().from(teams)).toEqual([]);
  });

  it("lets only one of two simultaneous setups through", async () => {
    const ctx = operatorOf(handle);
    const results = await Promise.allSettled([
      completeFirstRun({ ctx, ...owner }),
      completeFirstRun({ ctx, ...owner, email: "eve@example.com", teamSlug: "eve" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await handle.db.select().from(users)).toHaveLength(1);
    expect(await handle.db.select().from(teams)).toHaveLength(1);
  });

  it("reports every bad field at once, named as in the form", async () => {
    await expect(
      completeFirstRun({ ctx: operatorOf(handle), name: " ", email: "nope", password: "short", teamName: "", teamSlug: "api" }),
    ).rejects.toThrow(
      new InvalidInputError(
        "name: enter your name; email: must be an email address; password: must be at least 8 characters; " +
          "teamName: must not be empty; teamSlug: this name is reserved for one of Switchyard's own pages",
      ),
    );
    expect(await isFirstRun({ ctx: operatorOf(handle) })).toBe(true);
  });

  it("creates neither user nor team when the team cannot be created", async () => {
    await expect(completeFirstRun({ ctx: operatorOf(handle), ...owner, teamSlug: "-bad" })).rejects.toThrow(InvalidInputError);
    expect(await handle.db.select().from(users)).toEqual([]);
  });
});
