import { and, asc, eq, max } from "drizzle-orm";
import { routes, routeVersions, type Route } from "@/db/schema";
import type { ServiceContext } from "../context";
import { findGateway } from "../gateways/get";
import { requireRole } from "../roles";

export interface RouteSummary {
  route: Route;
  /** The number of the version in service; undefined before the first deploy. */
  deployedVersion?: number;
  latestVersion: number;
}

export async function listRoutes({ ctx, teamId, gatewaySlug }: { ctx: ServiceContext; teamId: string; gatewaySlug: string }): Promise<RouteSummary[]> {
  await requireRole(ctx, teamId, "viewer");
  const gateway = await findGateway(ctx.db, teamId, gatewaySlug);
  const [rows, latest] = await Promise.all([
    ctx.db
      .select({ route: routes, deployedVersion: routeVersions.number })
      .from(routes)
      .leftJoin(routeVersions, eq(routeVersions.id, routes.deployedVersionId))
      .where(and(eq(routes.teamId, teamId), eq(routes.gatewayId, gateway.id)))
      .orderBy(asc(routes.name)),
    ctx.db
      .select({ routeId: routeVersions.routeId, number: max(routeVersions.number) })
      .from(routeVersions)
      .innerJoin(routes, eq(routes.id, routeVersions.routeId))
      .where(and(eq(routeVersions.teamId, teamId), eq(routes.gatewayId, gateway.id)))
      .groupBy(routeVersions.routeId),
  ]);
  const latestByRoute = new Map(latest.map((row) => [row.routeId, row.number ?? 0]));
  return rows.map(({ route, deployedVersion }) => ({
    route,
    deployedVersion: deployedVersion ?? undefined,
    latestVersion: latestByRoute.get(route.id) ?? 0,
  }));
}
