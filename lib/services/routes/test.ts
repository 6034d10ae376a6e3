import { z } from "zod";
import { testRoute, type RouteTest } from "@/lib/routes/tester";
import { requireRole } from "../roles";
import { parseInput } from "../validation";
import { checkElements } from "./elements";
import { findRoute, findVersion, latestVersion, providerChecker, type RouteScope } from "./lookup";

const jsonObject = z.record(z.string(), z.unknown());

const sampleSchema = z.strictObject({
  body: jsonObject.default({}),
  headers: z.record(z.string(), z.string()).default({}),
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  /** Model element ids to assume failing, rate element ids to assume over their limit. */
  failing: z.array(z.string()).default([]),
  overLimit: z.array(z.string()).default([]),
});

export type RouteTestSample = z.input<typeof sampleSchema>;

export interface RouteTestOutcome extends RouteTest {
  /** The version tested; undefined for elements not saved yet (the editor's draft). */
  version?: number;
}

/**
 * The path a sample request would take through a route and the model it would call, calling
 * nothing. Tests the given draft `elements` when there are some (the editor, before a save), else a
 * saved version: the one given, else the newest.
 */
export async function testRouteRequest({
  ctx,
  teamId,
  gatewaySlug,
  route: idOrName,
  version,
  elements,
  sample,
}: RouteScope & {
  version?: number | string;
  elements?: unknown;
  /** RouteTestSample, as sent: checked here. */
  sample: unknown;
}): Promise<RouteTestOutcome> {
  const { failing, overLimit, ...request } = parseInput(sampleSchema, sample);
  await requireRole(ctx, teamId, "viewer");
  const { route } = await findRoute(ctx.db, teamId, gatewaySlug, idOrName);
  if (elements !== undefined) {
    const checked = checkElements(elements, await providerChecker(ctx.db, teamId));
    return testRoute(checked, request, { failing, overLimit });
  }
  const picked = version !== undefined ? await findVersion(ctx.db, route, version) : await latestVersion(ctx.db, route);
  if (!picked) throw new Error(`route ${route.id} has no version`);
  return { ...(await testRoute(picked, request, { failing, overLimit })), version: picked.number };
}
