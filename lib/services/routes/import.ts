import { and, eq } from "drizzle-orm";
import { routes, type Route, type RouteVersion } from "@/db/schema";
import type { ServiceContext } from "../context";
import { InvalidInputError } from "../errors";
import { findGateway } from "../gateways/get";
import { requireRole } from "../roles";
import { createRoute } from "./create";
import { parseRouteName } from "./name";
import { saveRouteVersion } from "./save-version";

/**
 * Takes a route object (`{ id?, name, elements }`, either spelling, as `exportRoute` or Cloudflare's
 * API gives it): a new route when the gateway has none of that name, else its next version. `name`
 * overrides the object's own. The route's `id` is not kept: ids belong to the gateway they were made in.
 */
export async function importRoute({
  ctx,
  teamId,
  gatewaySlug,
  route: input,
  name: nameOverride,
}: {
  ctx: ServiceContext;
  teamId: string;
  gatewaySlug: string;
  route: unknown;
  name?: string;
}): Promise<{ route: Route; version: RouteVersion; created: boolean }> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new InvalidInputError('a route is a JSON object: { "name": …, "elements": [ … ] }');
  }
  const object = input as Record<string, unknown>;
  const name = parseRouteName(nameOverride ?? object.name);
  await requireRole(ctx, teamId, "admin");
  const gateway = await findGateway(ctx.db, teamId, gatewaySlug);
  const [existing] = await ctx.db
    .select()
    .from(routes)
    .where(and(eq(routes.teamId, teamId), eq(routes.gatewayId, gateway.id), eq(routes.name, name)))
    .limit(1);
  if (!existing) return { ...(await createRoute({ ctx, teamId, gatewaySlug, name, elements: object.elements })), created: true };
  const version = await saveRouteVersion({ ctx, teamId, gatewaySlug, route: existing.id, elements: object.elements });
  return { route: existing, version, created: false };
}
