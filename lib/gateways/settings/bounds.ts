/**
 * The numeric limits of gateway settings that a request header may also set (cf-aig-cache-ttl,
 * cf-aig-max-attempts, cf-aig-retry-delay, cf-aig-request-timeout): the stored setting and the
 * header accept the same range. Plain numbers, so the data plane imports them without zod.
 */

/** The largest value of a Postgres `integer` column. */
export const INT_MAX = 2_147_483_647;

/** Seconds: Cloudflare's longest cache TTL is a month. */
export const CACHE_TTL_MAX = 30 * 24 * 3600;
/** Attempts per upstream request, the first included. */
export const MAX_ATTEMPTS = 5;
/** Milliseconds before a retry. */
export const RETRY_DELAY_MAX = 5000;
/** Milliseconds to the provider's first byte. */
export const REQUEST_TIMEOUT_MAX = INT_MAX;
/** Cloudflare's `log_management` range. */
export const LOG_MANAGEMENT_MIN = 10_000;
export const LOG_MANAGEMENT_MAX = 10_000_000;
