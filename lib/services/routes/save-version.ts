import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { routes, routeVersions, type Route, type RouteVersion } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { newId } from "@/lib/ids";
import { changeDirectory } from "@/lib/state/directory-changes";
import { actorId, type ServiceContext } from "../context";
import { requireRole } from "../roles";
import { checkElements, type CheckedElements } from "./elements";
import { findRoute, providerChecker, type RouteScope } from "./lookup";

/** Adds the route's next version (1 for a new route); the caller is inside a directory change. */
export async function insertVersion(db: Database, route: Route, checked: CheckedElements, ctx: ServiceContext): Promise<RouteVersion> {
  const [{ next }] = (await db
    .select({ next: sql<number>`coalesce(max(${routeVersions.number}), 0) + 1`.mapWith(Number) })
    .from(routeVersions)
    .where(and(eq(routeVersions.teamId, route.teamId), eq(routeVersions.routeId, route.id)))) as [{ next: number }];
  const [version] = await db
    .insert(routeVersions)
    .values({
      id: newId("rtv"),
      teamId: route.teamId,
      routeId: route.id,
      number: next,
      elements: checked.elements,
      problems: checked.problems,
      valid: checked.problems.length === 0,
      createdBy: actorId(ctx),
    })
    .returning();
  await db.update(routes).set({ updatedAt: new Date() }).where(eq(routes.id, route.id));
  return version!;
}

/**
 * Saves new elements as the route's next version. It does not serve traffic until deployed; a
 * version with problems is kept (work in progress) but cannot be deployed.
 */
export async function saveRouteVersion({
  ctx,
  teamId,
  gatewaySlug,
  route: idOrName,
  elements,
}: RouteScope & {
  elements: unknown;
}): Promise<RouteVersion> {
  await requireRole(ctx, teamId, "admin");
  const checked = checkElements(elements, await providerChecker(ctx.db, teamId));
  return changeDirectory(ctx.db, teamId, async (tx) => {
    const { route, gateway } = await findRoute(tx, teamId, gatewaySlug, idOrName);
    const version = await insertVersion(tx, route, checked, ctx);
    await recordAudit({ ...ctx, db: tx }, {
      teamId,
      action: "route.save_version",
      targetType: "route",
      targetId: route.id,
      targetLabel: route.name,
      details: { gateway: gateway.slug, version: version.number, valid: version.valid },
    });
    return version;
  });
}
