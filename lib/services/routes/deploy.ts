import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { routeDeployments, routes, type RouteDeployment, type RouteVersion } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { newId } from "@/lib/ids";
import { validateRoute } from "@/lib/routes/validate";
import { changeDirectory } from "@/lib/state/directory-changes";
import { actorId } from "../context";
import { InvalidInputError } from "../errors";
import { requireRole } from "../roles";
import { describeRouteProblems } from "./elements";
import { findRoute, findVersion, providerChecker, type RouteInGateway, type RouteScope } from "./lookup";

export interface Deployed {
  deployment: RouteDeployment;
  version: RouteVersion;
}

/**
 * Puts a version in service, in the transaction of a directory change so running gateways switch
 * at once. Validity is checked again: a custom provider removed since the save makes it undeployable.
 */
export async function deployVersion(
  { ctx, teamId, gatewaySlug, route: idOrName }: RouteScope,
  pick: (db: Database, found: RouteInGateway) => Promise<RouteVersion>,
  action: "route.deploy" | "route.rollback",
): Promise<Deployed> {
  const isKnownProvider = await providerChecker(ctx.db, teamId);
  return changeDirectory(ctx.db, teamId, async (tx) => {
    const found = await findRoute(tx, teamId, gatewaySlug, idOrName);
    const version = await pick(tx, found);
    const problems = validateRoute(version.elements, { isKnownProvider });
    if (problems.length > 0) {
      throw new InvalidInputError(`version ${version.number} of route "${found.route.name}" cannot be deployed: ${describeRouteProblems(problems)}`);
    }
    await tx
      .update(routes)
      .set({ deployedVersionId: version.id, updatedAt: new Date() })
      .where(and(eq(routes.teamId, teamId), eq(routes.id, found.route.id)));
    const [deployment] = await tx
      .insert(routeDeployments)
      .values({ id: newId("rtd"), teamId, routeId: found.route.id, versionId: version.id, createdBy: actorId(ctx) })
      .returning();
    await recordAudit({ ...ctx, db: tx }, {
      teamId,
      action,
      targetType: "route",
      targetId: found.route.id,
      targetLabel: found.route.name,
      details: { gateway: found.gateway.slug, version: version.number, versionId: version.id, previousVersionId: found.route.deployedVersionId },
    });
    return { deployment: deployment!, version };
  });
}

/** Deploys a version, by number or id: from then on `dynamic/{name}` runs it. */
export async function deployRoute({ version, ...scope }: RouteScope & { version: number | string }): Promise<Deployed> {
  await requireRole(scope.ctx, scope.teamId, "admin");
  return deployVersion(scope, (db, found) => findVersion(db, found.route, version), "route.deploy");
}
