import type { Gateway } from "@/db/schema";
import { config } from "@/lib/config";
import { isCustomProviderSlug, providers } from "@/lib/providers";
import { InvalidInputError } from "@/lib/services/errors";
import { createGateway } from "@/lib/services/gateways/create";
import { deleteGateway } from "@/lib/services/gateways/delete";
import { getGateway } from "@/lib/services/gateways/get";
import { listGateways } from "@/lib/services/gateways/list";
import { updateGateway } from "@/lib/services/gateways/update";
import { parseInput } from "@/lib/services/validation";
import { apiFieldName, success } from "./envelope";
import { managementApi } from "./handler";
import { paginate } from "./pagination";
import { gatewayCreateBodySchema, gatewayListQuerySchema, gatewayUpdateBodySchema, servicePatch, SETTINGS } from "./schemas";

/**
 * Cloudflare's gateways API (reference §9) under /client/v4/accounts/{team}/ai-gateway/gateways:
 * the settings the gateway services take (gatewayPatchSchema), spelled in snake_case. Our own
 * settings (collect_log_payloads, request_timeout_ms, cache_key_metadata) sit beside Cloudflare's.
 */
type TeamParams = { team: string };
type GatewayParams = TeamParams & { gateway: string };

function gatewayJson(gateway: Gateway) {
  return {
    id: gateway.slug,
    is_default: gateway.isDefault,
    ...Object.fromEntries(SETTINGS.map((name) => [apiFieldName(name), gateway[name]])),
    created_at: gateway.createdAt.toISOString(),
    modified_at: gateway.updatedAt.toISOString(),
  };
}

export const listGatewaysApi = managementApi<TeamParams>(async (call) => {
  const { search, ...page } = call.query(gatewayListQuerySchema);
  const all = await listGateways({ ctx: call.ctx, teamId: call.team.id });
  const found = search ? all.filter((gateway) => gateway.slug.includes(search.toLowerCase())) : all;
  const { items, resultInfo } = paginate(found, page);
  return success(items.map(gatewayJson), { resultInfo });
});

export const createGatewayApi = managementApi<TeamParams>(async (call) => {
  // Checked here for the API's names and strictness; the service parses the settings as sent (its schema normalises guardrails and DLP).
  const body = await call.body();
  const { id } = parseInput(gatewayCreateBodySchema, body);
  const gateway = await createGateway({ ctx: call.ctx, teamId: call.team.id, slug: id as string, settings: servicePatch(body) });
  return success(gatewayJson(gateway), { status: 201 });
});

export const getGatewayApi = managementApi<GatewayParams>(async (call) =>
  success(gatewayJson(await getGateway({ ctx: call.ctx, teamId: call.team.id, slug: call.params.gateway }))),
);

export const updateGatewayApi = managementApi<GatewayParams>(async (call) => {
  const body = await call.body();
  parseInput(gatewayUpdateBodySchema, body);
  const gateway = await updateGateway({ ctx: call.ctx, teamId: call.team.id, slug: call.params.gateway, settings: servicePatch(body) });
  return success(gatewayJson(gateway));
});

export const deleteGatewayApi = managementApi<GatewayParams>(async (call) => {
  const gateway = await deleteGateway({ ctx: call.ctx, teamId: call.team.id, slug: call.params.gateway });
  return success(gatewayJson(gateway));
});

/** The gateway's base URL for `provider`, as Cloudflare's `GET …/gateways/{id}/url/{provider}` answers it: a string. */
export const gatewayUrlApi = managementApi<GatewayParams & { provider: string }>(async (call) => {
  const { provider } = call.params;
  if (provider !== "compat" && !providers.has(provider) && !isCustomProviderSlug(provider)) {
    throw new InvalidInputError({ field: "provider", message: `unknown provider "${provider}"; use a provider slug, custom-{slug} or compat` });
  }
  const gateway = await getGateway({ ctx: call.ctx, teamId: call.team.id, slug: call.params.gateway });
  return success(`${config().publicUrl}/v1/${call.team.slug}/${gateway.slug}/${provider}`);
});
