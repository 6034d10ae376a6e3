import type { Backoff } from "./options";

/** Cloudflare's limit on `cf-aig-retry-delay`, and on a provider's `Retry-After` the gateway waits for. */
export const RETRY_WAIT_LIMIT_MS = 5000;

/** What the provider may answer that another attempt could change: rate limits and its own failures. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/**
 * The wait before retry number `retry` (1 for the second attempt): `delayMs` each time (constant),
 * `delayMs × retry` (linear) or `delayMs × 2^(retry-1)` (exponential), less a random jitter of up
 * to a quarter, so that clients failing together do not retry together, and the wait is never
 * longer than the schedule the client asked for. `random` is in [0, 1).
 */
export function backoffDelayMs(backoff: Backoff, delayMs: number, retry: number, random: number = Math.random()): number {
  const base = backoff === "constant" ? delayMs : backoff === "linear" ? delayMs * retry : delayMs * 2 ** (retry - 1);
  return Math.round(base * (1 - random / 4));
}

/**
 * A `Retry-After` header in milliseconds from `now`: delta seconds or an HTTP date (RFC 9110
 * §10.2.3). Undefined when absent or unreadable; 0 for a date already past.
 */
export function retryAfterMs(header: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at) || !/[A-Za-z]/.test(text)) return undefined;
  return Math.max(0, at - now);
}

/**
 * How long to wait before retrying an answer of the provider: the backoff, or the provider's
 * `Retry-After` when it asks for longer. A `Retry-After` beyond the 5000 ms limit is not waited
 * for: `undefined` says not to retry, and the provider's answer (with its `Retry-After`) goes to
 * the client, who can wait that long itself; retrying sooner would only be refused again.
 */
export function retryWaitMs(computedMs: number, retryAfter: number | undefined): number | undefined {
  if (retryAfter === undefined) return computedMs;
  if (retryAfter > RETRY_WAIT_LIMIT_MS) return undefined;
  return Math.max(computedMs, retryAfter);
}

/**
 * Resolves after `ms` with true, or with false as soon as `signal` aborts (the client left, and
 * no further attempt is wanted).
 */
export function waitUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
