import { z } from "zod";
import { GATEWAY_SETTINGS, settingsShape } from "@/lib/gateways/settings/declarations";
import { InvalidInputError } from "../errors";

export { CACHE_KEY_METADATA_MAX, count, metadataKeyList } from "@/lib/gateways/settings/declarations";

/** Every gateway setting with Cloudflare's limits (reference §9), from their declarations; the CLI and the dashboard validate with it. */
export const gatewaySettingsSchema = z.object(settingsShape(GATEWAY_SETTINGS));

export type GatewaySettings = z.infer<typeof gatewaySettingsSchema>;

/** What create and update accept: any subset; missing settings keep their default or current value. */
export const gatewaySettingsPatchSchema = gatewaySettingsSchema.partial();

export type GatewaySettingsPatch = z.infer<typeof gatewaySettingsPatchSchema>;

export const gatewaySlugSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9-]{1,64}$/, "use 1–64 lowercase letters, digits and hyphens");

/** A limit without an interval (or the reverse) would silently never limit anything. */
export function assertCoherentSettings(gateway: GatewaySettings): void {
  if (gateway.rateLimitingInterval > 0 !== gateway.rateLimitingLimit > 0) {
    throw new InvalidInputError(
      "rateLimitingLimit and rateLimitingInterval must both be above 0 (or both 0 to turn rate limiting off)",
    );
  }
}
