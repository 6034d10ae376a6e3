import type { CustomProvider } from "@/db/schema";
import { createCustomProvider } from "@/lib/services/custom-providers/create";
import { deleteCustomProvider } from "@/lib/services/custom-providers/delete";
import { listCustomProviders } from "@/lib/services/custom-providers/list";
import { NotFoundError } from "@/lib/services/errors";
import { getGateway } from "@/lib/services/gateways/get";
import { addProviderKey } from "@/lib/services/provider-keys/add";
import { listProviderKeys } from "@/lib/services/provider-keys/list";
import { removeProviderKey } from "@/lib/services/provider-keys/remove";
import type { ProviderKeyView } from "@/lib/services/provider-keys/view";
import { createGatewayToken } from "@/lib/services/tokens/create";
import { listGatewayTokens } from "@/lib/services/tokens/list";
import { revokeGatewayToken } from "@/lib/services/tokens/revoke";
import type { GatewayTokenView } from "@/lib/services/tokens/view";
import { success } from "./envelope";
import { managementApi, type ApiCall } from "./handler";
import { pageQuery, paginate } from "./pagination";
import { customProviderBodySchema, gatewayTokenBodySchema, providerConfigBodySchema } from "./schemas";

/**
 * Custom providers (reference §1.2.1), provider keys (BYOK, Cloudflare's provider_configs, §2.3:
 * per gateway at …/gateways/{id}/provider_configs, team-wide at …/ai-gateway/provider_configs) and
 * gateway tokens (…/ai-gateway/tokens, ours: Cloudflare's Run tokens are account API tokens).
 */
type TeamParams = { team: string; gateway?: string };

// ── custom providers ────────────────────────────────────────────────────────────────────────────

function customProviderJson(provider: CustomProvider) {
  return {
    id: provider.id,
    slug: provider.slug,
    name: provider.name,
    base_url: provider.baseUrl,
    description: provider.description,
    enabled: provider.enabled,
    created_at: provider.createdAt.toISOString(),
    modified_at: provider.updatedAt.toISOString(),
  };
}

export const listCustomProvidersApi = managementApi<TeamParams>(async (call) => {
  const { items, resultInfo } = paginate(await listCustomProviders({ ctx: call.ctx, teamId: call.team.id }), call.query(pageQuery()));
  return success(items.map(customProviderJson), { resultInfo });
});

export const createCustomProviderApi = managementApi<TeamParams>(async (call) => {
  const { base_url: baseUrl, ...rest } = await call.input(customProviderBodySchema);
  return success(customProviderJson(await createCustomProvider({ ctx: call.ctx, teamId: call.team.id, baseUrl, ...rest })), { status: 201 });
});

export const getCustomProviderApi = managementApi<TeamParams & { provider: string }>(async (call) => {
  const { provider } = call.params;
  const found = (await listCustomProviders({ ctx: call.ctx, teamId: call.team.id })).find((p) => p.id === provider || p.slug === provider);
  if (!found) throw new NotFoundError(`custom provider "${provider}" not found`);
  return success(customProviderJson(found));
});

export const deleteCustomProviderApi = managementApi<TeamParams & { provider: string }>(async (call) =>
  success(customProviderJson(await deleteCustomProvider({ ctx: call.ctx, teamId: call.team.id, provider: call.params.provider }))),
);

// ── provider keys (BYOK) ────────────────────────────────────────────────────────────────────────

function providerConfigJson(key: ProviderKeyView) {
  return {
    id: key.id,
    provider_slug: key.provider,
    alias: key.alias,
    gateway_id: key.gatewaySlug,
    default_config: key.alias === "default",
    secret_preview: key.preview,
    base_url: key.baseUrl,
    weight: key.weight,
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    last_status: key.lastStatus,
    created_at: key.createdAt.toISOString(),
    modified_at: key.wrappedAt.toISOString(),
  };
}

/** The gateway of a per-gateway path, checked to exist (404 otherwise); undefined for team-wide keys. */
async function gatewayOf(call: ApiCall<TeamParams>): Promise<string | undefined> {
  if (call.params.gateway === undefined) return undefined;
  return (await getGateway({ ctx: call.ctx, teamId: call.team.id, slug: call.params.gateway })).slug;
}

export const listProviderConfigsApi = managementApi<TeamParams>(async (call) => {
  const gatewaySlug = (await gatewayOf(call)) ?? null;
  const keys = (await listProviderKeys({ ctx: call.ctx, teamId: call.team.id })).filter((key) => key.gatewaySlug === gatewaySlug);
  const { items, resultInfo } = paginate(keys, call.query(pageQuery()));
  return success(items.map(providerConfigJson), { resultInfo });
});

export const createProviderConfigApi = managementApi<TeamParams>(async (call) => {
  const gatewaySlug = await gatewayOf(call);
  const { provider_slug: provider, base_url: baseUrl, default_config: _default, ...rest } = await call.input(providerConfigBodySchema);
  const key = await addProviderKey({ ctx: call.ctx, teamId: call.team.id, provider, baseUrl, gatewaySlug, ...rest });
  return success(providerConfigJson(key), { status: 201 });
});

export const deleteProviderConfigApi = managementApi<TeamParams & { key: string }>(async (call) => {
  const gatewaySlug = (await gatewayOf(call)) ?? null;
  const keys = await listProviderKeys({ ctx: call.ctx, teamId: call.team.id });
  // A key of another scope is not found from this path.
  if (!keys.some((key) => key.id === call.params.key && key.gatewaySlug === gatewaySlug)) {
    throw new NotFoundError(`provider key ${call.params.key} not found`);
  }
  return success(providerConfigJson(await removeProviderKey({ ctx: call.ctx, teamId: call.team.id, key: { id: call.params.key } })));
});

// ── gateway tokens ──────────────────────────────────────────────────────────────────────────────

function gatewayTokenJson(token: GatewayTokenView) {
  return {
    id: token.id,
    name: token.name,
    preview: `${token.start}…${token.last4}`,
    gateways: token.gatewaySlugs,
    created_at: token.createdAt.toISOString(),
    expires_at: token.expiresAt?.toISOString() ?? null,
    last_used_at: token.lastUsedAt?.toISOString() ?? null,
    revoked_at: token.revokedAt?.toISOString() ?? null,
  };
}

export const listGatewayTokensApi = managementApi<TeamParams>(async (call) => {
  const { items, resultInfo } = paginate(await listGatewayTokens({ ctx: call.ctx, teamId: call.team.id }), call.query(pageQuery()));
  return success(items.map(gatewayTokenJson), { resultInfo });
});

/** The token itself is in `result.token`, this once. */
export const createGatewayTokenApi = managementApi<TeamParams>(async (call) => {
  const { name, gateways, expires_at: expiresAt } = await call.input(gatewayTokenBodySchema);
  const { token, record } = await createGatewayToken({
    ctx: call.ctx,
    teamId: call.team.id,
    name,
    gatewaySlugs: gateways,
    expiresAt: expiresAt === undefined ? undefined : new Date(expiresAt),
  });
  return success({ ...gatewayTokenJson(record), token }, { status: 201 });
});

export const revokeGatewayTokenApi = managementApi<TeamParams & { token: string }>(async (call) =>
  success(gatewayTokenJson(await revokeGatewayToken({ ctx: call.ctx, teamId: call.team.id, tokenId: call.params.token }))),
);
