/**
 * Counts events per key in a sliding window. In memory, per process: a restart forgets the counts
 * and several instances each allow the limit. That is enough to make password guessing and inbox
 * flooding impractical without another moving part (a shared store would be the next step).
 */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  private recent(key: string, now: number): number[] {
    const times = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (times.length === 0) this.hits.delete(key);
    else this.hits.set(key, times);
    return times;
  }

  /** True when `key` has used up the window. */
  isLimited(key: string, now = Date.now()): boolean {
    return this.recent(key, now).length >= this.limit;
  }

  record(key: string, now = Date.now()): void {
    // A flood of distinct keys must not grow memory without bound; dropping everything only
    // forgives the counts, which errs on the side of letting people in.
    if (!this.hits.has(key) && this.hits.size >= this.maxKeys) this.hits.clear();
    this.hits.set(key, [...this.recent(key, now), now]);
  }

  reset(key: string): void {
    this.hits.delete(key);
  }
}

const FIFTEEN_MINUTES = 15 * 60 * 1000;

/**
 * Failed password sign-ins, keyed `email:…` and `ip:…`. Failures, not attempts, are counted so
 * people behind one NAT who type their passwords right are never locked out by each other.
 */
export const passwordFailures = new SlidingWindowLimiter(10, FIFTEEN_MINUTES);

/** Magic links sent, keyed `email:…` and `ip:…`: each one is an email to someone's inbox. */
export const magicLinkRequests = new SlidingWindowLimiter(10, FIFTEEN_MINUTES);

/**
 * The client's address as the request reports it. Next fills x-forwarded-for with the socket's
 * address unless a proxy (or the client) already set it, so behind a reverse proxy the first entry
 * is the real client; a client talking to us directly can forge it, which is why every limit also
 * applies per email address.
 */
export function clientIp(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || headers.get("x-real-ip") || "unknown";
}
