import { z } from "zod";
import { logManagementStrategyEnum, rateLimitingTechniqueEnum, retryBackoffEnum } from "@/db/schema";
import { InvalidInputError } from "../errors";

// The largest value of a Postgres `integer` column.
const INT_MAX = 2_147_483_647;

/** A whole number in a Postgres `integer`'s range, with one message naming both bounds. */
export const count = (min: number, max = INT_MAX) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.int(message).min(min, message).max(max, message);
};

/** As many as `cf-aig-metadata` itself may carry. */
export const CACHE_KEY_METADATA_MAX = 5;
const METADATA_KEY_MAX_LENGTH = 128;

/**
 * Names of `cf-aig-metadata` keys whose values join the cache key. Problems are reported on the
 * list as a whole, naming the key, so the form shows them under its one field.
 */
const cacheKeyMetadataSchema = z.array(z.string()).superRefine((keys, context) => {
  const problem = cacheKeyMetadataProblem(keys);
  if (problem) context.addIssue({ code: "custom", message: problem });
});

/** The form's and the CLI's "user, tenant" as ["user", "tenant"]: commas separate keys, so no key holds one. */
export function metadataKeyList(text: string): string[] {
  return text
    .split(",")
    .map((key) => key.trim())
    .filter((key) => key !== "");
}

function cacheKeyMetadataProblem(keys: string[]): string | undefined {
  if (keys.length > CACHE_KEY_METADATA_MAX) {
    return `name at most ${CACHE_KEY_METADATA_MAX} metadata keys (cf-aig-metadata carries at most ${CACHE_KEY_METADATA_MAX} entries), got ${keys.length}`;
  }
  const seen = new Set<string>();
  for (const key of keys) {
    if (key.trim() === "" || key !== key.trim()) return "metadata keys must not be empty or start or end with spaces";
    if (key.length > METADATA_KEY_MAX_LENGTH) return `metadata key "${key.slice(0, 20)}…" is longer than ${METADATA_KEY_MAX_LENGTH} characters`;
    if (key.startsWith("cf.")) return `metadata key "${key}" starts with "cf.", which is reserved for the gateway's own keys`;
    if (seen.has(key)) return `metadata key "${key}" is named twice`;
    seen.add(key);
  }
  return undefined;
}

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
  /** Milliseconds to the provider's first byte (default for `cf-aig-request-timeout`); null waits as long as the provider takes. */
  requestTimeoutMs: count(1).nullable(),
  cacheKeyMetadata: cacheKeyMetadataSchema,
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
