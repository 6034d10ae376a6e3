import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { routeDeployments, routes, type RouteDeployment, type RouteVersion } from "@/db/schema";
import { newId } from "@/lib/ids";
import { validateRoute } from "@/lib/routes/validate";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { InvalidInputError } from "../errors";
import { requireRole } from "../roles";
import { describeRouteProblems } from "./elements";
import { findRoute, findVersion, providerChecker, type RouteInGateway } from "./lookup";
import { actorUserId } from "./save-version";

export interface Deployed {
  deployment: RouteDeployment;
  version: RouteVersion;
}

/**
 * Puts a version in service, in the transaction of a directory change so running gateways switch
 * at once. Validity is checked again: a custom provider removed since the save makes it undeployable.
 */
export async function deployVersion(
  ctx: ServiceContext,
  { teamId, gatewaySlug, route: idOrName }: { teamId: string; gatewaySlug: string; route: string },
  pick: (db: Database, found: RouteInGateway) => Promise<RouteVersion>,
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
      .values({ id: newId("rtd"), teamId, routeId: found.route.id, versionId: version.id, createdBy: actorUserId(ctx.actor) })
      .returning();
    return { deployment: deployment!, version };
  });
}

/** Deploys a version, by number or id: from then on `dynamic/{name}` runs it. */
export async function deployRoute({
  ctx,
  teamId,
  gatewaySlug,
  route,
  version,
}: {
  ctx: ServiceContext;
  teamId: string;
  gatewaySlug: string;
  route: string;
  version: number | string;
}): Promise<Deployed> {
  await requireRole(ctx, teamId, "admin");
  return deployVersion(ctx, { teamId, gatewaySlug, route }, (db, found) => findVersion(db, found.route, version));
}
