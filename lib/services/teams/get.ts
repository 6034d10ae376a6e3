import type { Team } from "@/db/schema";
import type { ServiceContext } from "../context";
import { requireRoleBySlug } from "../roles";

export function getTeamBySlug({ ctx, slug }: { ctx: ServiceContext; slug: string }): Promise<Team> {
  return requireRoleBySlug(ctx, slug, "viewer");
}
