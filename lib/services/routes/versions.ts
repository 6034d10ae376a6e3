import { and, desc, eq } from "drizzle-orm";
import { routeDeployments, routeVersions, type RouteDeployment, type RouteVersion } from "@/db/schema";
import { requireRole } from "../roles";
import { findRoute, findVersion, type RouteScope } from "./lookup";

/** The route's versions, newest first. */
export async function listRouteVersions({ ctx, teamId, gatewaySlug, route: idOrName }: RouteScope): Promise<RouteVersion[]> {
  await requireRole(ctx, teamId, "viewer");
  const { route } = await findRoute(ctx.db, teamId, gatewaySlug, idOrName);
  return ctx.db
    .select()
    .from(routeVersions)
    .where(and(eq(routeVersions.teamId, teamId), eq(routeVersions.routeId, route.id)))
    .orderBy(desc(routeVersions.number));
}

/** One version, by number or id. */
export async function getRouteVersion({ ctx, teamId, gatewaySlug, route: idOrName, version }: RouteScope & { version: number | string }): Promise<RouteVersion> {
  await requireRole(ctx, teamId, "viewer");
  const { route } = await findRoute(ctx.db, teamId, gatewaySlug, idOrName);
  return findVersion(ctx.db, route, version);
}

/** Every deployment of the route, rollbacks included, newest first, with the number of the version it deployed. */
export async function listRouteDeployments({
  ctx,
  teamId,
  gatewaySlug,
  route: idOrName,
}: RouteScope): Promise<(RouteDeployment & { versionNumber: number })[]> {
  await requireRole(ctx, teamId, "viewer");
  const { route } = await findRoute(ctx.db, teamId, gatewaySlug, idOrName);
  const rows = await ctx.db
    .select({ deployment: routeDeployments, versionNumber: routeVersions.number })
    .from(routeDeployments)
    .innerJoin(routeVersions, eq(routeVersions.id, routeDeployments.versionId))
    .where(and(eq(routeDeployments.teamId, teamId), eq(routeDeployments.routeId, route.id)))
    .orderBy(desc(routeDeployments.createdAt), desc(routeDeployments.id));
  return rows.map(({ deployment, versionNumber }) => ({ ...deployment, versionNumber }));
}
