import { and, eq } from "drizzle-orm";
import { routes, type Route } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { changeDirectory } from "@/lib/state/directory-changes";
import { requireRole } from "../roles";
import { findRoute, type RouteScope } from "./lookup";

/** Deletes a route with its versions and deployments; `dynamic/{name}` stops resolving at once. */
export async function deleteRoute({
  ctx,
  teamId,
  gatewaySlug,
  route: idOrName,
}: RouteScope): Promise<Route> {
  await requireRole(ctx, teamId, "admin");
  return changeDirectory(ctx.db, teamId, async (tx) => {
    const { route, gateway } = await findRoute(tx, teamId, gatewaySlug, idOrName);
    await tx.delete(routes).where(and(eq(routes.teamId, teamId), eq(routes.id, route.id)));
    await recordAudit({ ...ctx, db: tx }, { teamId, action: "route.delete", targetType: "route", targetId: route.id, targetLabel: route.name, details: { gateway: gateway.slug } });
    return route;
  });
}
