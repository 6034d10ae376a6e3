import type { RouteElement } from "@/lib/routes/types";
import { requireRole } from "../roles";
import { findRoute, findVersion, latestVersion, type RouteScope } from "./lookup";

export interface ExportedRoute {
  /** Cloudflare's route object, which `importRoute` (and Cloudflare's API) take back. */
  route: { id: string; name: string; elements: RouteElement[] };
  /** The number of the version exported. */
  version: number;
}

/** The elements of a version: the one given, else the deployed one, else the newest. */
export async function exportRoute({
  ctx,
  teamId,
  gatewaySlug,
  route: idOrName,
  version,
}: RouteScope & {
  version?: number | string;
}): Promise<ExportedRoute> {
  await requireRole(ctx, teamId, "viewer");
  const { route } = await findRoute(ctx.db, teamId, gatewaySlug, idOrName);
  const picked =
    version !== undefined
      ? await findVersion(ctx.db, route, version)
      : route.deployedVersionId
        ? await findVersion(ctx.db, route, route.deployedVersionId)
        : await latestVersion(ctx.db, route);
  if (!picked) throw new Error(`route ${route.id} has no version`);
  return { route: { id: route.id, name: route.name, elements: picked.elements }, version: picked.number };
}
