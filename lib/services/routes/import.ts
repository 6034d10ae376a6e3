import { and, eq } from "drizzle-orm";
import { routes, type Route, type RouteVersion } from "@/db/schema";
import { isJsonObject } from "@/lib/formats/json";
import { parseRoute } from "@/lib/routes/schema";
import type { ServiceContext } from "../context";
import { InvalidInputError } from "../errors";
import { findGateway } from "../gateways/get";
import { requireRole } from "../roles";
import { createRoute } from "./create";
import { describeRouteProblems } from "./elements";
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
  const parsed = parseRoute(nameOverride !== undefined && isJsonObject(input) ? { ...input, name: nameOverride } : input);
  if ("problems" in parsed) throw new InvalidInputError(describeRouteProblems(parsed.problems));
  const { name, elements } = parsed.route;
  await requireRole(ctx, teamId, "admin");
  const gateway = await findGateway(ctx.db, teamId, gatewaySlug);
  const [existing] = await ctx.db
    .select()
    .from(routes)
    .where(and(eq(routes.teamId, teamId), eq(routes.gatewayId, gateway.id), eq(routes.name, name)))
    .limit(1);
  if (!existing) return { ...(await createRoute({ ctx, teamId, gatewaySlug, name, elements })), created: true };
  const version = await saveRouteVersion({ ctx, teamId, gatewaySlug, route: existing.id, elements });
  return { route: existing, version, created: false };
}
