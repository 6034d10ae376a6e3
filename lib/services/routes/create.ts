import { routes, type Route, type RouteVersion } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { newId } from "@/lib/ids";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { ConflictError } from "../errors";
import { findGateway } from "../gateways/get";
import { requireRole } from "../roles";
import { checkElements } from "./elements";
import { providerChecker } from "./lookup";
import { parseRouteName } from "./name";
import { insertVersion } from "./save-version";

/** Creates a route with its elements as version 1, not yet deployed. */
export async function createRoute({
  ctx,
  teamId,
  gatewaySlug,
  name: rawName,
  elements,
}: {
  ctx: ServiceContext;
  teamId: string;
  gatewaySlug: string;
  name: unknown;
  elements: unknown;
}): Promise<{ route: Route; version: RouteVersion }> {
  const name = parseRouteName(rawName);
  await requireRole(ctx, teamId, "admin");
  const checked = checkElements(elements, await providerChecker(ctx.db, teamId));
  return changeDirectory(ctx.db, teamId, async (tx) => {
    const gateway = await findGateway(tx, teamId, gatewaySlug);
    const [route] = await tx
      .insert(routes)
      .values({ id: newId("rt"), teamId, gatewayId: gateway.id, name })
      .onConflictDoNothing()
      .returning();
    if (!route) throw new ConflictError(`route "${name}" already exists in gateway "${gateway.slug}"`);
    const version = await insertVersion(tx, route, checked, ctx);
    await recordAudit({ ...ctx, db: tx }, { teamId, action: "route.create", targetType: "route", targetId: route.id, targetLabel: name, details: { gateway: gateway.slug, version: version.number, valid: version.valid } });
    return { route, version };
  });
}
