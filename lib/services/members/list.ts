import { asc, eq, sql } from "drizzle-orm";
import { memberships, users, type Role } from "@/db/schema";
import type { ServiceContext } from "../context";
import { requireRole } from "../roles";

export interface Member {
  userId: string;
  email: string;
  name: string | null;
  image: string | null;
  role: Role;
  joinedAt: Date;
}

/** The team's members, owners first; any member may see who else is in the team. */
export async function listMembers({ ctx, teamId }: { ctx: ServiceContext; teamId: string }): Promise<Member[]> {
  const team = await requireRole(ctx, teamId, "viewer");
  return ctx.db
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      image: users.image,
      role: memberships.role,
      joinedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.teamId, team.id))
    // The enum's declaration order is owner, admin, member, viewer.
    .orderBy(asc(memberships.role), asc(sql`lower(coalesce(${users.name}, ${users.email}))`), asc(users.email));
}
