import { and, desc, eq, ne } from "drizzle-orm";
import { routeDeployments } from "@/db/schema";
import { InvalidInputError } from "../errors";
import { requireRole } from "../roles";
import { deployVersion, type Deployed } from "./deploy";
import { findVersion, type RouteScope } from "./lookup";

/**
 * Deploys an older version again: the one given, else the version that served before the current
 * one (the latest deployment of another version), as Cloudflare's rollback does.
 */
export async function rollbackRoute({ version, ...scope }: RouteScope & { version?: number | string }): Promise<Deployed> {
  await requireRole(scope.ctx, scope.teamId, "admin");
  return deployVersion(scope, async (db, { route: found }) => {
    if (version !== undefined) return findVersion(db, found, version);
    if (!found.deployedVersionId) throw new InvalidInputError(`route "${found.name}" has never been deployed, so there is nothing to roll back`);
    const [previous] = await db
      .select({ versionId: routeDeployments.versionId })
      .from(routeDeployments)
      .where(and(eq(routeDeployments.teamId, found.teamId), eq(routeDeployments.routeId, found.id), ne(routeDeployments.versionId, found.deployedVersionId)))
      .orderBy(desc(routeDeployments.createdAt), desc(routeDeployments.id))
      .limit(1);
    if (!previous) throw new InvalidInputError(`route "${found.name}" has had only one version deployed, so there is nothing to roll back to`);
    return findVersion(db, found, previous.versionId);
  }, "route.rollback");
}
