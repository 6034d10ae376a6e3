import { asc, eq } from "drizzle-orm";
import { customProviders, type CustomProvider } from "@/db/schema";
import type { ServiceContext } from "../context";
import { requireRole } from "../roles";

export async function listCustomProviders({ ctx, teamId }: { ctx: ServiceContext; teamId: string }): Promise<CustomProvider[]> {
  await requireRole(ctx, teamId, "viewer");
  return ctx.db.select().from(customProviders).where(eq(customProviders.teamId, teamId)).orderBy(asc(customProviders.slug));
}
