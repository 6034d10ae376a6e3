import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { gateways, type Gateway } from "@/db/schema";
import type { ServiceContext } from "../context";
import { NotFoundError } from "../errors";
import { requireRole } from "../roles";

/** For services that have already checked the actor's role in the team. */
export async function findGateway(db: Database, teamId: string, slug: string): Promise<Gateway> {
  const [gateway] = await db
    .select()
    .from(gateways)
    .where(and(eq(gateways.teamId, teamId), eq(gateways.slug, slug)))
    .limit(1);
  if (!gateway) throw new NotFoundError(`gateway "${slug}" not found`);
  return gateway;
}

export async function getGateway({ ctx, teamId, slug }: { ctx: ServiceContext; teamId: string; slug: string }): Promise<Gateway> {
  await requireRole(ctx, teamId, "viewer");
  return findGateway(ctx.db, teamId, slug);
}
