import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { invitations, roles, users, type Role } from "@/db/schema";
import { config } from "@/lib/config";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../errors";
import { newTeam, openTestDatabase, operatorOf, roleIn, userContext, userIdOf } from "../test-helpers";
import { acceptInvitation, acceptInvitationWithSignUp } from "./accept";
import { createInvitation } from "./create";
import { listInvitations } from "./list";
import { previewInvitation } from "./preview";
import { revokeInvitation } from "./revoke";
import { hashInvitationSecret } from "./secret";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(() => handle.close());



async function staffedTeam() {
  const team = await newTeam(handle);
  const [owner, admin, member, viewer] = await Promise.all(roles.map((role) => userContext(handle, { team, role })));
  return { team, owner: owner!, admin: admin!, member: member!, viewer: viewer! };
}

describe("createInvitation", () => {
  it("returns the link once and stores only the SHA-256 of its secret", async () => {
    const t = await staffedTeam();
    const created = await createInvitation({ ctx: t.admin, teamId: t.team.id, role: "member" });
    expect(created.secret).toMatch(/^inv_[A-Za-z0-9_-]{43}$/);
    expect(created.url).toBe(`${config().publicUrl}/invite/${created.secret}`);
    expect(created.invitation).not.toHaveProperty("tokenHash");
    expect(created.invitation).toMatchObject({ teamId: t.team.id, role: "member", email: null, createdBy: userIdOf(t.admin) });
    const [row] = await handle.db.select().from(invitations).where(eq(invitations.id, created.invitation.id));
    expect(row?.tokenHash).toBe(hashInvitationSecret(created.secret));
    expect(JSON.stringify(row)).not.toContain(created.secret);
  });

  it("expires in 7 days unless told otherwise", async () => {
    const t = await staffedTeam();
    const before = Date.now();
    const week = await createInvitation({ ctx: t.owner, teamId: t.team.id, role: "viewer" });
    const day = await createInvitation({ ctx: t.owner, teamId: t.team.id, role: "viewer", expiresInDays: 1 });
    const days = (d: Date) => (d.getTime() - before) / 86_400_000;
    expect(days(week.invitation.expiresAt)).toBeCloseTo(7, 2);
    expect(days(day.invitation.expiresAt)).toBeCloseTo(1, 2);
    await expect(createInvitation({ ctx: t.owner, teamId: t.team.id, role: "viewer", expiresInDays: 0 })).rejects.toThrow(
      InvalidInputError,
    );
  });

  it("keeps an email restriction lower-cased, and treats an empty one as none", async () => {
    const t = await staffedTeam();
    const restricted = await createInvitation({ ctx: t.owner, teamId: t.team.id, role: "viewer", email: " Ada@Example.com " });
    expect(restricted.invitation.email).toBe("ada@example.com");
    const open = await createInvitation({ ctx: t.owner, teamId: t.team.id, role: "viewer", email: "" });
    expect(open.invitation.email).toBeNull();
  });

  // [inviter, invited role, allowed]
  const cases: [Role, Role, boolean][] = [
    ["owner", "owner", true],
    ["owner", "admin", true],
    ["admin", "owner", false],
    ["admin", "admin", true],
    ["admin", "viewer", true],
    ["member", "viewer", false],
    ["viewer", "viewer", false],
  ];

  it.each(cases)("a %s inviting as %s: allowed = %s", async (inviter, role, allowed) => {
    const t = await staffedTeam();
    const creation = createInvitation({ ctx: t[inviter], teamId: t.team.id, role });
    if (allowed) await expect(creation).resolves.toMatchObject({ invitation: { role } });
    else await expect(creation).rejects.toThrow(ForbiddenError);
  });

  it("hides the team from a member of another team", async () => {
    const t = await staffedTeam();
    const outsider = await userContext(handle, { team: await newTeam(handle), role: "owner" });
    await expect(createInvitation({ ctx: outsider, teamId: t.team.id, role: "viewer" })).rejects.toThrow(NotFoundError);
  });
});

describe("listInvitations", () => {
  it("lists the team's invitations with their status, newest first, for admins", async () => {
    const t = await staffedTeam();
    const used = await createInvitation({ ctx: t.owner, teamId: t.team.id, role: "viewer" });
    const revoked = await createInvitation({ ctx: t.owner, teamId: t.team.id, role: "viewer" });
    const pending = await createInvitation({ ctx: t.admin, teamId: t.team.id, role: "member", email: "x@example.com" });
    const expired = await createInvitation({ ctx: t.owner, teamId: t.team.id, role: "viewer" });
    await handle.db.update(invitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invitations.id, expired.invitation.id));
    await acceptInvitation({ ctx: await userContext(handle), secret: used.secret });
    await revokeInvitation({ ctx: t.admin, teamId: t.team.id, invitationId: revoked.invitation.id });
    // Another team's invitation stays out of the list.
    const other = await newTeam(handle);
    await createInvitation({ ctx: operatorOf(handle), teamId: other.id, role: "viewer" });

    const list = await listInvitations({ ctx: t.admin, teamId: t.team.id });
    const status = Object.fromEntries(list.map((i) => [i.id, i.status]));
    expect(status).toEqual({
      [used.invitation.id]: "accepted",
      [revoked.invitation.id]: "revoked",
      [pending.invitation.id]: "pending",
      [expired.invitation.id]: "expired",
    });
    expect(list.map((i) => i.id)).toEqual(
      [expired, pending, revoked, used].map((c) => c.invitation.id),
    );
    expect(list.find((i) => i.id === pending.invitation.id)?.createdByEmail).toBe(`${userIdOf(t.admin).toLowerCase()}@example.test`);
    expect(list[0]).not.toHaveProperty("tokenHash");
  });

  it.each(["member", "viewer"] as const)("refuses a %s", async (role) => {
    const t = await staffedTeam();
    await expect(listInvitations({ ctx: t[role], teamId: t.team.id })).rejects.toThrow(ForbiddenError);
  });

  it("hides the team from a member of another team", async () => {
    const t = await staffedTeam();
    const outsider = await userContext(handle, { team: await newTeam(handle), role: "owner" });
    await expect(listInvitations({ ctx: outsider, teamId: t.team.id })).rejects.toThrow(NotFoundError);
  });
});

describe("revokeInvitation", () => {
  it("makes the link unusable", async () => {
    const t = await staffedTeam();
    const created = await createInvitation({ ctx: t.admin, teamId: t.team.id, role: "member" });
    expect((await revokeInvitation({ ctx: t.admin, teamId: t.team.id, invitationId: created.invitation.id })).revokedAt).toBeInstanceOf(Date);
    await expect(acceptInvitation({ ctx: await userContext(handle), secret: created.secret })).rejects.toThrow(
      new ConflictError("this invitation was revoked; ask for a new one"),
    );
    await expect(revokeInvitation({ ctx: t.admin, teamId: t.team.id, invitationId: created.invitation.id })).rejects.toThrow(
      new ConflictError("this invitation is already revoked"),
    );
  });

  // [revoker, invitation's role, allowed]
  const cases: [Role, Role, boolean][] = [
    ["owner", "owner", true],
    ["admin", "member", true],
    ["admin", "owner", false],
    ["member", "viewer", false],
    ["viewer", "viewer", false],
  ];

  it.each(cases)("a %s revoking an invitation as %s: allowed = %s", async (revoker, role, allowed) => {
    const t = await staffedTeam();
    const created = await createInvitation({ ctx: t.owner, teamId: t.team.id, role });
    const revocation = revokeInvitation({ ctx: t[revoker], teamId: t.team.id, invitationId: created.invitation.id });
    if (allowed) await expect(revocation).resolves.toMatchObject({ id: created.invitation.id });
    else await expect(revocation).rejects.toThrow(ForbiddenError);
  });

  it("cannot reach another team's invitation, through its own team or directly", async () => {
    const t = await staffedTeam();
    const other = await staffedTeam();
    const theirs = await createInvitation({ ctx: other.owner, teamId: other.team.id, role: "viewer" });
    await expect(revokeInvitation({ ctx: t.owner, teamId: t.team.id, invitationId: theirs.invitation.id })).rejects.toThrow(
      new NotFoundError("invitation not found"),
    );
    await expect(revokeInvitation({ ctx: t.owner, teamId: other.team.id, invitationId: theirs.invitation.id })).rejects.toThrow(
      NotFoundError,
    );
    const [row] = await handle.db.select().from(invitations).where(eq(invitations.id, theirs.invitation.id));
    expect(row?.revokedAt).toBeNull();
  });
});

describe("acceptInvitation", () => {
  it("adds the user with the invitation's role and uses the link up", async () => {
    const t = await staffedTeam();
    const created = await createInvitation({ ctx: t.admin, teamId: t.team.id, role: "member" });
    const joiner = await userContext(handle);
    expect(await acceptInvitation({ ctx: joiner, secret: created.secret })).toMatchObject({ team: { id: t.team.id }, role: "member" });
    expect(await roleIn(handle, t.team, userIdOf(joiner))).toBe("member");
    const [row] = await handle.db.select().from(invitations).where(eq(invitations.id, created.invitation.id));
    expect(row).toMatchObject({ acceptedBy: userIdOf(joiner) });
    await expect(acceptInvitation({ ctx: await userContext(handle), secret: created.secret })).rejects.toThrow(
      new ConflictError("this invitation has already been used; ask for a new one"),
    );
  });

  it("can be used once even when two people accept at the same moment", async () => {
    const t = await staffedTeam();
    const created = await createInvitation({ ctx: t.admin, teamId: t.team.id, role: "viewer" });
    const [a, b] = [await userContext(handle), await userContext(handle)];
    const results = await Promise.allSettled([
      acceptInvitation({ ctx: a, secret: created.secret }),
      acceptInvitation({ ctx: b, secret: created.secret }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const joined = [await roleIn(handle, t.team, userIdOf(a)), await roleIn(handle, t.team, userIdOf(b))].filter(Boolean);
    expect(joined).toEqual(["viewer"]);
  });

  it("refuses an expired link", async () => {
    const t = await staffedTeam();
    const created = await createInvitation({ ctx: t.admin, teamId: t.team.id, role: "viewer" });
    await handle.db.update(invitations).set({ expiresAt: new Date(Date.now() - 1) }).where(eq(invitations.id, created.invitation.id));
    await expect(acceptInvitation({ ctx: await userContext(handle), secret: created.secret })).rejects.toThrow(
      new ConflictError("this invitation has expired; ask for a new one"),
    );
  });

  it.each(["inv_" + "A".repeat(43), "not-a-secret", ""])("refuses the unknown link %j", async (secret) => {
    await expect(acceptInvitation({ ctx: await userContext(handle), secret })).rejects.toThrow(NotFoundError);
  });

  it("refuses a member of the team, and leaves the link usable", async () => {
    const t = await staffedTeam();
    const created = await createInvitation({ ctx: t.owner, teamId: t.team.id, role: "admin" });
    await expect(acceptInvitation({ ctx: t.viewer, secret: created.secret })).rejects.toThrow(
      new ConflictError(`you are already a member of team "${t.team.name}"`),
    );
    expect(await roleIn(handle, t.team, userIdOf(t.viewer))).toBe("viewer");
    await expect(acceptInvitation({ ctx: await userContext(handle), secret: created.secret })).resolves.toMatchObject({ role: "admin" });
  });

  it("lets only the invited address accept a restricted link", async () => {
    const t = await staffedTeam();
    const invitee = await userContext(handle);
    const [user] = await handle.db.select().from(users).where(eq(users.id, userIdOf(invitee)));
    const created = await createInvitation({ ctx: t.admin, teamId: t.team.id, role: "viewer", email: user!.email.toUpperCase() });
    await expect(acceptInvitation({ ctx: await userContext(handle), secret: created.secret })).rejects.toThrow(
      new ForbiddenError(`this invitation is for ${user!.email}; sign in with that address to accept it`),
    );
    await expect(acceptInvitation({ ctx: invitee, secret: created.secret })).resolves.toMatchObject({ role: "viewer" });
  });

  it("joins only the invitation's team", async () => {
    const t = await staffedTeam();
    const other = await newTeam(handle);
    const created = await createInvitation({ ctx: t.admin, teamId: t.team.id, role: "member" });
    const joiner = await userContext(handle);
    await acceptInvitation({ ctx: joiner, secret: created.secret });
    expect(await roleIn(handle, other, userIdOf(joiner))).toBeUndefined();
  });

  it("is for users, not the operator", async () => {
    const t = await staffedTeam();
    const created = await createInvitation({ ctx: t.admin, teamId: t.team.id, role: "member" });
    await expect(acceptInvitation({ ctx: operatorOf(handle), secret: created.secret })).rejects.toThrow(InvalidInputError);
  });
});

describe("acceptInvitationWithSignUp", () => {
  it("creates the account and the membership together", async () => {
    const t = await staffedTeam();
    const created = await createInvitation({ ctx: t.admin, teamId: t.team.id, role: "viewer" });
    const email = `new-${created.invitation.id.toLowerCase()}@example.com`;
    const result = await acceptInvitationWithSignUp({
      ctx: operatorOf(handle),
      secret: created.secret,
      name: "Ada",
      email: email.toUpperCase(),
      password: "correct horse",
    });
    expect(result).toMatchObject({ role: "viewer", team: { id: t.team.id }, user: { email, name: "Ada" } });
    expect(result.user).not.toHaveProperty("passwordHash");
    expect(await roleIn(handle, t.team, result.user.id)).toBe("viewer");
  });

  it("creates nothing when the link is unusable or the address taken", async () => {
    const t = await staffedTeam();
    const created = await createInvitation({ ctx: t.admin, teamId: t.team.id, role: "viewer", email: "only@example.com" });
    const count = async () => (await handle.db.select().from(users).where(eq(users.email, "other@example.com"))).length;
    await expect(
      acceptInvitationWithSignUp({ ctx: operatorOf(handle), secret: created.secret, name: "O", email: "other@example.com", password: "12345678" }),
    ).rejects.toThrow(ForbiddenError);
    expect(await count()).toBe(0);

    const open = await createInvitation({ ctx: t.admin, teamId: t.team.id, role: "viewer" });
    const [existing] = await handle.db.select().from(users).where(eq(users.id, userIdOf(t.member)));
    await expect(
      acceptInvitationWithSignUp({ ctx: operatorOf(handle), secret: open.secret, name: "M", email: existing!.email, password: "12345678" }),
    ).rejects.toThrow(new ConflictError("an account with this email already exists: sign in to accept the invitation"));
    // The link survives a failed attempt.
    await expect(previewInvitation({ ctx: operatorOf(handle), secret: open.secret })).resolves.toMatchObject({ role: "viewer" });
  });

  it("checks the password length and email before anything else", async () => {
    const t = await staffedTeam();
    const created = await createInvitation({ ctx: t.admin, teamId: t.team.id, role: "viewer" });
    await expect(
      acceptInvitationWithSignUp({ ctx: operatorOf(handle), secret: created.secret, name: "", email: "nope", password: "short" }),
    ).rejects.toThrow(
      new InvalidInputError("name: enter your name; email: must be an email address; password: must be at least 8 characters"),
    );
  });
});

describe("previewInvitation", () => {
  it("shows the team, role, restriction and inviter without joining", async () => {
    const t = await staffedTeam();
    const created = await createInvitation({ ctx: t.admin, teamId: t.team.id, role: "member", email: "who@example.com" });
    expect(await previewInvitation({ ctx: operatorOf(handle), secret: created.secret })).toEqual({
      team: { name: t.team.name, slug: t.team.slug },
      role: "member",
      email: "who@example.com",
      expiresAt: created.invitation.expiresAt,
      invitedBy: `${userIdOf(t.admin).toLowerCase()}@example.test`,
    });
    const [row] = await handle.db.select().from(invitations).where(eq(invitations.id, created.invitation.id));
    expect(row?.acceptedAt).toBeNull();
  });
});
