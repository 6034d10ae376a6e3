import { and, desc, eq, or } from "drizzle-orm";
import type { Database } from "@/db/client";
import { customProviders, routeDeployments, routes, routeVersions, type Gateway, type Route, type RouteDeployment, type RouteVersion } from "@/db/schema";
import { CUSTOM_PROVIDER_PREFIX, isCustomProviderSlug, providers } from "@/lib/providers";
import type { ServiceContext } from "../context";
import { NotFoundError } from "../errors";
import { findGateway } from "../gateways/get";

/** What every service on one route takes: the route by id or name (`route`) in a team's gateway. */
export interface RouteScope {
  ctx: ServiceContext;
  teamId: string;
  gatewaySlug: string;
  route: string;
}

/** A route with its gateway, for services that have already checked the actor's role in the team. */
export interface RouteInGateway {
  gateway: Gateway;
  route: Route;
}

/**
 * The gateway's route by id (`rt_…`, what the API uses) or by name (what people and the CLI use).
 * An id is tried first, so a name that happens to look like an id still finds its route by id.
 */
export async function findRoute(db: Database, teamId: string, gatewaySlug: string, idOrName: string): Promise<RouteInGateway> {
  const gateway = await findGateway(db, teamId, gatewaySlug);
  const rows = await db
    .select()
    .from(routes)
    .where(and(eq(routes.teamId, teamId), eq(routes.gatewayId, gateway.id), or(eq(routes.id, idOrName), eq(routes.name, idOrName))));
  const route = rows.find((r) => r.id === idOrName) ?? rows[0];
  if (!route) throw new NotFoundError(`route "${idOrName}" not found in gateway "${gatewaySlug}"`);
  return { gateway, route };
}

/** A version of the route by its number (`3`) or its id (`rtv_…`). */
export async function findVersion(db: Database, route: Route, version: number | string): Promise<RouteVersion> {
  const byNumber = typeof version === "number" || /^\d+$/.test(version);
  const [row] = await db
    .select()
    .from(routeVersions)
    .where(
      and(
        eq(routeVersions.teamId, route.teamId),
        eq(routeVersions.routeId, route.id),
        byNumber ? eq(routeVersions.number, Number(version)) : eq(routeVersions.id, String(version)),
      ),
    )
    .limit(1);
  if (!row) throw new NotFoundError(`route "${route.name}" has no version ${byNumber ? Number(version) : `"${version}"`}`);
  return row;
}

export async function latestVersion(db: Database, route: Route): Promise<RouteVersion | undefined> {
  const [row] = await db
    .select()
    .from(routeVersions)
    .where(and(eq(routeVersions.teamId, route.teamId), eq(routeVersions.routeId, route.id)))
    .orderBy(desc(routeVersions.number))
    .limit(1);
  return row;
}

/** The deployment that put the route's current version in service; undefined before the first deploy. */
export async function currentDeployment(db: Database, route: Route): Promise<RouteDeployment | undefined> {
  if (!route.deployedVersionId) return undefined;
  const [row] = await db
    .select()
    .from(routeDeployments)
    .where(
      and(
        eq(routeDeployments.teamId, route.teamId),
        eq(routeDeployments.routeId, route.id),
        eq(routeDeployments.versionId, route.deployedVersionId),
      ),
    )
    .orderBy(desc(routeDeployments.createdAt), desc(routeDeployments.id))
    .limit(1);
  return row;
}

/**
 * Whether a model element's provider is one the gateway can call: a catalog provider, or one of the
 * team's enabled custom providers as `custom-{slug}`. Read once per save or deploy.
 */
export async function providerChecker(db: Database, teamId: string): Promise<(slug: string) => boolean> {
  const custom = await db
    .select({ slug: customProviders.slug })
    .from(customProviders)
    .where(and(eq(customProviders.teamId, teamId), eq(customProviders.enabled, true)));
  const customSlugs = new Set(custom.map((c) => `${CUSTOM_PROVIDER_PREFIX}${c.slug}`));
  return (slug) => providers.has(slug) || (isCustomProviderSlug(slug) && customSlugs.has(slug));
}
