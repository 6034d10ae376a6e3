import { asc, eq } from "drizzle-orm";
import { gateways, type Gateway } from "@/db/schema";
import type { ServiceContext } from "../context";
import { requireRole } from "../roles";

export async function listGateways({ ctx, teamId }: { ctx: ServiceContext; teamId: string }): Promise<Gateway[]> {
  await requireRole(ctx, teamId, "viewer");
  return ctx.db.select().from(gateways).where(eq(gateways.teamId, teamId)).orderBy(asc(gateways.slug));
}
