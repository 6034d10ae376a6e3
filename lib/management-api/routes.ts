import type { Route, RouteDeployment, RouteVersion } from "@/db/schema";
import { InvalidInputError } from "@/lib/services/errors";
import { createRoute } from "@/lib/services/routes/create";
import { deleteRoute } from "@/lib/services/routes/delete";
import { deployRoute } from "@/lib/services/routes/deploy";
import { getRoute, type RouteDetail } from "@/lib/services/routes/get";
import { listRoutes } from "@/lib/services/routes/list";
import { renameRoute } from "@/lib/services/routes/rename";
import { saveRouteVersion } from "@/lib/services/routes/save-version";
import { testRouteRequest } from "@/lib/services/routes/test";
import { getRouteVersion, listRouteDeployments, listRouteVersions } from "@/lib/services/routes/versions";
import { success } from "./envelope";
import { managementApi, type ApiCall } from "./handler";
import { pageQuery, paginate } from "./pagination";

/**
 * Cloudflare's dynamic routes API (reference §5) under
 * /client/v4/accounts/{team}/ai-gateway/gateways/{gateway}/routes, plus POST …/{id}/test (the
 * tester). Shapes are Cloudflare's, in snake_case; `number`, `problems` and the `*_version` counts
 * are ours.
 */
type GatewayParams = { team: string; gateway: string };
type RouteParams = GatewayParams & { route: string };
type VersionParams = RouteParams & { version: string };

function versionJson(version: RouteVersion, deployedVersionId: string | null) {
  return {
    version_id: version.id,
    number: version.number,
    active: String(version.id === deployedVersionId) as "true" | "false",
    data: JSON.stringify(version.elements),
    elements: version.elements,
    is_valid: version.valid,
    problems: version.problems,
    created_at: version.createdAt.toISOString(),
  };
}

function deploymentJson(deployment: RouteDeployment) {
  return { deployment_id: deployment.id, version_id: deployment.versionId, created_at: deployment.createdAt.toISOString() };
}

function routeFields(route: Route, gatewaySlug: string) {
  return {
    id: route.id,
    name: route.name,
    gateway_id: gatewaySlug,
    created_at: route.createdAt.toISOString(),
    modified_at: route.updatedAt.toISOString(),
  };
}

/** The route with the version in service (the newest before any deploy), as Cloudflare shows it. */
function routeJson({ gateway, route, latest, deployed }: RouteDetail) {
  const version = deployed?.version ?? latest;
  return {
    ...routeFields(route, gateway.slug),
    elements: version.elements,
    deployment: deployed ? deploymentJson(deployed.deployment) : null,
    version: versionJson(version, route.deployedVersionId),
    latest_version: latest.number,
  };
}

const scope = ({ team, params }: ApiCall<GatewayParams>) => ({ teamId: team.id, gatewaySlug: params.gateway });
const routeScope = (call: ApiCall<RouteParams>) => ({ ...scope(call), route: call.params.route });

export const listRoutesApi = managementApi<GatewayParams>(async (call) => {
  const query = call.query(pageQuery());
  const { items, resultInfo } = paginate(await listRoutes({ ctx: call.ctx, ...scope(call) }), query);
  return success(
    items.map(({ route, deployedVersion, latestVersion }) => ({
      ...routeFields(route, call.params.gateway),
      deployed_version: deployedVersion ?? null,
      latest_version: latestVersion,
    })),
    { resultInfo },
  );
});

export const createRouteApi = managementApi<GatewayParams>(async (call) => {
  const body = await call.body();
  const { route } = await createRoute({ ctx: call.ctx, ...scope(call), name: body.name, elements: body.elements });
  return success(routeJson(await getRoute({ ctx: call.ctx, ...scope(call), route: route.id })), { status: 201 });
});

export const getRouteApi = managementApi<RouteParams>(async (call) => success(routeJson(await getRoute({ ctx: call.ctx, ...routeScope(call) }))));

export const renameRouteApi = managementApi<RouteParams>(async (call) => {
  const body = await call.body();
  const route = await renameRoute({ ctx: call.ctx, ...routeScope(call), name: body.name });
  return success(routeJson(await getRoute({ ctx: call.ctx, ...scope(call), route: route.id })));
});

export const deleteRouteApi = managementApi<RouteParams>(async (call) => {
  const route = await deleteRoute({ ctx: call.ctx, ...routeScope(call) });
  return success({ id: route.id });
});

export const listVersionsApi = managementApi<RouteParams>(async (call) => {
  const [{ route }, versions] = await Promise.all([
    getRoute({ ctx: call.ctx, ...routeScope(call) }),
    listRouteVersions({ ctx: call.ctx, ...routeScope(call) }),
  ]);
  return success(versions.map((v) => versionJson(v, route.deployedVersionId)));
});

export const createVersionApi = managementApi<RouteParams>(async (call) => {
  const body = await call.body();
  const version = await saveRouteVersion({ ctx: call.ctx, ...routeScope(call), elements: body.elements });
  const { route } = await getRoute({ ctx: call.ctx, ...routeScope(call) });
  return success(versionJson(version, route.deployedVersionId), { status: 201 });
});

export const getVersionApi = managementApi<VersionParams>(async (call) => {
  const [{ route }, version] = await Promise.all([
    getRoute({ ctx: call.ctx, ...routeScope(call) }),
    getRouteVersion({ ctx: call.ctx, ...routeScope(call), version: call.params.version }),
  ]);
  return success(versionJson(version, route.deployedVersionId));
});

export const listDeploymentsApi = managementApi<RouteParams>(async (call) => {
  const deployments = await listRouteDeployments({ ctx: call.ctx, ...routeScope(call) });
  return success(deployments.map((d) => ({ ...deploymentJson(d), version: d.versionNumber })));
});

export const deployApi = managementApi<RouteParams>(async (call) => {
  const body = await call.body();
  if (typeof body.version_id !== "string" && typeof body.version_id !== "number") {
    throw new InvalidInputError({ field: "version_id", message: "the id (or number) of the version to deploy" });
  }
  const { deployment } = await deployRoute({ ctx: call.ctx, ...routeScope(call), version: body.version_id });
  return success(deploymentJson(deployment), { status: 201 });
});

/** Ours: `{ body, headers, metadata, failing, over_limit }`, plus `version_id` or draft `elements`; calls nothing. */
export const testRouteApi = managementApi<RouteParams>(async (call) => {
  const { version_id: versionId, elements, over_limit: overLimit, ...sample } = await call.body();
  if (versionId !== undefined && typeof versionId !== "string" && typeof versionId !== "number") {
    throw new InvalidInputError({ field: "version_id", message: "the id (or number) of the version to test" });
  }
  const result = await testRouteRequest({
    ctx: call.ctx,
    ...routeScope(call),
    version: versionId,
    elements,
    sample: overLimit === undefined ? sample : { ...sample, overLimit },
  });
  return success(result);
});
