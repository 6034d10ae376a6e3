import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { openDatabase, type DatabaseHandle } from "@/db/client";
import { memberships, users, type Role, type Team } from "@/db/schema";
import { newId } from "@/lib/ids";
import type { ServiceContext } from "./context";
import { createTeam } from "./teams/create";

/** A migrated in-memory database; open one per test file and give each test its own teams. */
export async function openTestDatabase(): Promise<DatabaseHandle> {
  const handle = await openDatabase({ driver: "pglite", dataDir: "memory://" });
  await handle.migrate();
  return handle;
}

export function operatorOf(handle: DatabaseHandle): ServiceContext {
  return { db: handle.db, actor: { type: "operator" } };
}

export function uniqueSlug(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

export function newTeam(handle: DatabaseHandle): Promise<Team> {
  return createTeam({ ctx: operatorOf(handle), slug: uniqueSlug("team") });
}

/** The context of a fresh user, with a membership when one is given. */
export async function userContext(
  handle: DatabaseHandle,
  membership?: { team: Team; role: Role },
): Promise<ServiceContext> {
  const userId = newId("user");
  await handle.db.insert(users).values({ id: userId, email: `${userId.toLowerCase()}@example.test` });
  if (membership) await handle.db.insert(memberships).values({ teamId: membership.team.id, userId, role: membership.role });
  return { db: handle.db, actor: { type: "user", userId } };
}

/** The user id behind a user context. */
export function userIdOf(ctx: ServiceContext): string {
  if (ctx.actor.type !== "user") throw new Error("not a user context");
  return ctx.actor.userId;
}

/** The user's role in the team, read straight from the table; undefined when not a member. */
export async function roleIn(handle: DatabaseHandle, team: Team, userId: string): Promise<Role | undefined> {
  const [row] = await handle.db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.teamId, team.id), eq(memberships.userId, userId)));
  return row?.role;
}
