import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { memberships, users } from "@/db/schema";
import { verifyPassword } from "@/lib/crypto/password";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../errors";
import { addMember } from "../memberships/add";
import { newTeam, openTestDatabase, operatorOf, uniqueSlug, userContext } from "../test-helpers";
import { createUser } from "./create";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(() => handle.close());

const email = () => `${uniqueSlug("person")}@Example.COM`;

async function roleOf(teamId: string, userId: string) {
  const [row] = await handle.db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.teamId, teamId), eq(memberships.userId, userId)));
  return row?.role;
}

describe("createUser", () => {
  it("lowercases the email, hashes the password and never returns the hash", async () => {
    const address = email();
    const user = await createUser({ ctx: operatorOf(handle), email: ` ${address} `, password: "long enough" });
    expect(user.email).toBe(address.toLowerCase());
    expect(user).not.toHaveProperty("passwordHash");
    const [stored] = await handle.db.select().from(users).where(eq(users.id, user.id));
    expect(stored?.passwordHash).toMatch(/^scrypt\$/);
    expect(await verifyPassword("long enough", stored!.passwordHash!)).toBe(true);
  });

  it("refuses a second user with the same email, whatever its case", async () => {
    const address = email();
    await createUser({ ctx: operatorOf(handle), email: address });
    await expect(createUser({ ctx: operatorOf(handle), email: address.toUpperCase() })).rejects.toThrow(
      new ConflictError(`a user with email ${address.toLowerCase()} already exists`),
    );
  });

  it("says what is wrong with the input", async () => {
    await expect(createUser({ ctx: operatorOf(handle), email: "nope", password: "short" })).rejects.toThrow(
      new InvalidInputError("email: must be an email address; password: must be at least 8 characters"),
    );
  });

  it("adds the membership, as member unless a role is given", async () => {
    const team = await newTeam(handle);
    const member = await createUser({ ctx: operatorOf(handle), email: email(), teamId: team.id });
    const admin = await createUser({ ctx: operatorOf(handle), email: email(), teamId: team.id, role: "admin" });
    expect(await roleOf(team.id, member.id)).toBe("member");
    expect(await roleOf(team.id, admin.id)).toBe("admin");
  });

  it("lets a team admin add members but not owners, and a member neither", async () => {
    const team = await newTeam(handle);
    const admin = await userContext(handle, { team, role: "admin" });
    const member = await userContext(handle, { team, role: "member" });
    await expect(createUser({ ctx: admin, email: email(), teamId: team.id, role: "viewer" })).resolves.toBeDefined();
    await expect(createUser({ ctx: admin, email: email(), teamId: team.id, role: "owner" })).rejects.toThrow(ForbiddenError);
    await expect(createUser({ ctx: member, email: email(), teamId: team.id })).rejects.toThrow(ForbiddenError);
  });

  it("leaves users outside any team to the operator", async () => {
    const team = await newTeam(handle);
    const owner = await userContext(handle, { team, role: "owner" });
    await expect(createUser({ ctx: owner, email: email() })).rejects.toThrow(ForbiddenError);
  });

  it("does not let an admin of one team add users to another", async () => {
    const admin = await userContext(handle, { team: await newTeam(handle), role: "owner" });
    const other = await newTeam(handle);
    await expect(createUser({ ctx: admin, email: email(), teamId: other.id })).rejects.toThrow(NotFoundError);
  });
});

describe("addMember", () => {
  it("adds an existing user to a second team once", async () => {
    const [first, second] = [await newTeam(handle), await newTeam(handle)];
    const address = email();
    const user = await createUser({ ctx: operatorOf(handle), email: address, teamId: first.id });
    await addMember({ ctx: operatorOf(handle), teamId: second.id, email: address, role: "viewer" });
    expect(await roleOf(second.id, user.id)).toBe("viewer");
    await expect(addMember({ ctx: operatorOf(handle), teamId: second.id, email: address, role: "admin" })).rejects.toThrow(
      new ConflictError(`${address.toLowerCase()} is already a member of team "${second.slug}"`),
    );
  });

  it("refuses an unknown email", async () => {
    const team = await newTeam(handle);
    await expect(addMember({ ctx: operatorOf(handle), teamId: team.id, email: "ghost@example.com", role: "member" })).rejects.toThrow(
      new NotFoundError("no user with email ghost@example.com; create the user first"),
    );
  });
});
