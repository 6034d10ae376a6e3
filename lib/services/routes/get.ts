import type { Gateway, Route, RouteDeployment, RouteVersion } from "@/db/schema";
import { requireRole } from "../roles";
import { currentDeployment, findRoute, findVersion, latestVersion, type RouteScope } from "./lookup";

export interface RouteDetail {
  gateway: Gateway;
  route: Route;
  /** The newest version, deployed or not: what an editor opens. */
  latest: RouteVersion;
  /** The version in service and the deployment that put it there; undefined before the first deploy. */
  deployed?: { version: RouteVersion; deployment: RouteDeployment };
}

export async function getRoute({
  ctx,
  teamId,
  gatewaySlug,
  route: idOrName,
}: RouteScope): Promise<RouteDetail> {
  await requireRole(ctx, teamId, "viewer");
  const { gateway, route } = await findRoute(ctx.db, teamId, gatewaySlug, idOrName);
  const [latest, deployment] = await Promise.all([latestVersion(ctx.db, route), currentDeployment(ctx.db, route)]);
  // Every route is created with its first version, and versions go only with their route.
  if (!latest) throw new Error(`route ${route.id} has no version`);
  const deployed =
    route.deployedVersionId && deployment ? { version: await findVersion(ctx.db, route, route.deployedVersionId), deployment } : undefined;
  return { gateway, route, latest, deployed };
}
