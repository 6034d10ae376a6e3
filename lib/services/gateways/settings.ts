import { z } from "zod";
import { logManagementStrategyEnum, rateLimitingTechniqueEnum, retryBackoffEnum } from "@/db/schema";
import { InvalidInputError } from "../errors";

// The largest value of a Postgres `integer` column.
const INT_MAX = 2_147_483_647;

const count = (min: number, max = INT_MAX) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.int(message).min(min, message).max(max, message);
};

/** Every gateway setting with Cloudflare's limits (reference §9); the CLI and the dashboard validate with it. */
export const gatewaySettingsSchema = z.object({
  authentication: z.boolean(),
  collectLogs: z.boolean(),
  collectLogPayloads: z.boolean(),
  /** Cap on stored logs; null keeps them all. */
  logManagement: count(10_000, 10_000_000).nullable(),
  logManagementStrategy: z.enum(logManagementStrategyEnum.enumValues).nullable(),
  /** Seconds; 0 turns caching off. Cloudflare's maximum is a month. */
  cacheTtl: count(0, 30 * 24 * 60 * 60),
  cacheInvalidateOnUpdate: z.boolean(),
  /** Seconds; 0 with a limit of 0 turns rate limiting off. */
  rateLimitingInterval: count(0),
  rateLimitingLimit: count(0),
  rateLimitingTechnique: z.enum(rateLimitingTechniqueEnum.enumValues),
  retryMaxAttempts: count(1, 5),
  /** Milliseconds. */
  retryDelay: count(0, 5000),
  retryBackoff: z.enum(retryBackoffEnum.enumValues),
  byokOnly: z.boolean(),
});

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
