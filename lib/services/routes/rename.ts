import { and, eq } from "drizzle-orm";
import { routes, type Route } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { changeDirectory } from "@/lib/state/directory-changes";
import { ConflictError } from "../errors";
import { requireRole } from "../roles";
import { findRoute, type RouteScope } from "./lookup";
import { parseRouteName } from "./name";

/** Renames a route (PATCH {name}): callers of `dynamic/{old}` stop reaching it, `dynamic/{new}` does at once. */
export async function renameRoute({
  ctx,
  teamId,
  gatewaySlug,
  route: idOrName,
  name: rawName,
}: RouteScope & {
  name: unknown;
}): Promise<Route> {
  const name = parseRouteName(rawName);
  await requireRole(ctx, teamId, "admin");
  return changeDirectory(ctx.db, teamId, async (tx) => {
    const { route, gateway } = await findRoute(tx, teamId, gatewaySlug, idOrName);
    if (route.name === name) return route;
    const [taken] = await tx
      .select({ id: routes.id })
      .from(routes)
      .where(and(eq(routes.gatewayId, gateway.id), eq(routes.name, name)))
      .limit(1);
    if (taken) throw new ConflictError(`route "${name}" already exists in gateway "${gateway.slug}"`);
    const [renamed] = await tx
      .update(routes)
      .set({ name, updatedAt: new Date() })
      .where(and(eq(routes.teamId, teamId), eq(routes.id, route.id)))
      .returning();
    await recordAudit({ ...ctx, db: tx }, { teamId, action: "route.rename", targetType: "route", targetId: route.id, targetLabel: name, details: { gateway: gateway.slug, name: { from: route.name, to: name } } });
    return renamed!;
  });
}
