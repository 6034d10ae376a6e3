import { z } from "zod";
import { gatewayPatchSchema, type GatewayPatch } from "@/lib/services/gateways/content-controls";
import { gatewaySlugSchema } from "@/lib/services/gateways/settings";
import { apiFieldName } from "./envelope";
import { pageQuery } from "./pagination";

/**
 * What the management API's handlers parse bodies and query strings with, apart from the handlers
 * (which bring Next and Auth.js) so the OpenAPI document is built from the same schemas.
 */

// ── gateways: the settings the gateway services take (gatewayPatchSchema), spelled in snake_case ──

export const SETTINGS = Object.keys(gatewayPatchSchema.shape) as (keyof typeof gatewayPatchSchema.shape)[];

/** Cloudflare requires these on create and on PUT, a full replacement; null turns caching or rate limiting off. */
const REQUIRED = ["cacheTtl", "cacheInvalidateOnUpdate", "collectLogs", "rateLimitingInterval", "rateLimitingLimit"] as const;
const OFF_WHEN_NULL = new Set<string>(["cacheTtl", "rateLimitingInterval", "rateLimitingLimit"]);

function apiSettingsShape(): Record<string, z.ZodType> {
  return Object.fromEntries(
    SETTINGS.map((name) => {
      const optional = gatewayPatchSchema.shape[name];
      const field = (REQUIRED as readonly string[]).includes(name) ? optional.unwrap() : optional;
      return [apiFieldName(name), OFF_WHEN_NULL.has(name) ? field.nullable() : field];
    }),
  );
}

/** The body of PUT …/gateways/{id}: every required setting, any others; unknown fields are refused by name. */
export const gatewayUpdateBodySchema = z.strictObject(apiSettingsShape());
/** The body of POST …/gateways: the gateway's `id` and its settings. */
export const gatewayCreateBodySchema = z.strictObject({ id: gatewaySlugSchema, ...apiSettingsShape() });

/** The API's settings as the services take them. */
export function servicePatch(body: Record<string, unknown>): GatewayPatch {
  const patch: Record<string, unknown> = {};
  for (const name of SETTINGS) {
    const value = body[apiFieldName(name)];
    if (value !== undefined) patch[name] = value === null && OFF_WHEN_NULL.has(name) ? 0 : value;
  }
  return patch as GatewayPatch;
}

export const gatewayListQuerySchema = pageQuery().extend({ search: z.string().trim().max(64).optional() });

// ── custom providers, provider keys, gateway tokens ──

export const customProviderBodySchema = z.strictObject({
  slug: z.string(),
  name: z.string().optional(),
  base_url: z.string(),
  description: z.string().optional(),
});

export const providerConfigBodySchema = z.strictObject({
  provider_slug: z.string(),
  secret: z.string(),
  alias: z.string().optional(),
  base_url: z.string().optional(),
  /** Cloudflare's; one key per alias is always its alias's default here. */
  default_config: z.boolean().optional(),
  /** Ours: add to the alias's pool instead of refusing a second key. */
  pool: z.boolean().optional(),
  weight: z.number().optional(),
});

export const gatewayTokenBodySchema = z.strictObject({
  name: z.string(),
  /** Gateway ids (slugs) the token may use; none: every gateway of the team. */
  gateways: z.array(z.string()).optional(),
  expires_at: z.iso.datetime({ offset: true }).optional(),
});

