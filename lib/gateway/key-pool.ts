import type { StoredKey } from "@/lib/state/directory";

/** How long a key that answered 429 without a `Retry-After` is left out of its pool. */
export const DEFAULT_COOL_DOWN_MS = 10_000;
/** The longest a provider's `Retry-After` keeps a key out of its pool. */
export const MAX_COOL_DOWN_MS = 5 * 60_000;

/** What this process knows of a stored key beyond the directory: its share so far, its cool-down, its refusal. */
interface KeyHealth {
  /** Smooth weighted round-robin's running weight. */
  current: number;
  /** `Date.now()` until which it is cooling down after a 429; 0 when it is not. */
  coolUntil: number;
  /** The cool-down is the provider's `Retry-After`, not the gateway's guess. */
  coolAsked: boolean;
  /** The provider refused it (401/403) in this process, or took it again; undefined for what the database says. */
  rejected: boolean | undefined;
}

/**
 * The stored keys one request may be answered with (same scope, provider and alias), spread by
 * smooth weighted round-robin (nginx's: each pick adds every usable key's weight to its running
 * weight, takes the largest and takes the total off it), so weights 1 each are round-robin and
 * 3:1 interleaves as AABA, never the light key twice in a row. Keys cooling down after a 429 and
 * keys the provider refused are left out; when every usable key is cooling, the one whose
 * cool-down ends first is used.
 *
 * The state is this process's, held beside the directory's key objects: a new snapshot of the
 * team (a key added, rotated, removed) starts it afresh, and a key flagged rejected in the
 * database stays out of its pool until rotated, unless every key of the pool is.
 */
export class KeyPools {
  private readonly health = new WeakMap<StoredKey, KeyHealth>();
  /** Pools by the directory's key list they were drawn from, so one request does not filter the list. */
  private readonly pools = new WeakMap<readonly StoredKey[], Map<string, readonly StoredKey[]>>();

  /** The pool of `alias` in a scope: a gateway's own keys (`gatewayId`), or the team-wide ones (null). */
  pool(keys: readonly StoredKey[], alias: string, gatewayId: string | null): readonly StoredKey[] {
    let byScope = this.pools.get(keys);
    if (!byScope) this.pools.set(keys, (byScope = new Map()));
    const scope = `${gatewayId ?? ""}\n${alias}`;
    let pool = byScope.get(scope);
    if (!pool) byScope.set(scope, (pool = keys.filter((k) => k.alias === alias && k.gatewayId === gatewayId)));
    return pool;
  }

  /**
   * The key for the next attempt; undefined only for an empty pool, or with `usableOnly`. When
   * every key is rejected, the pool is used as if none were, so that the provider's refusal is
   * what the client hears, and a key the provider takes again (`accepted`) comes back. With
   * `usableOnly`, only a key neither rejected nor cooling (to move on to at once), never the one
   * ending its cool-down first.
   */
  pick(pool: readonly StoredKey[], usableOnly = false): StoredKey | undefined {
    if (pool.length === 1) {
      const only = pool[0]!;
      return usableOnly && (this.isRejected(only) || this.coolingUntil(only) > Date.now()) ? undefined : only;
    }
    const now = Date.now();
    const picked = this.weightedPick(pool, (key, health) => !this.isRejected(key) && health.coolUntil <= now);
    if (picked || usableOnly) return picked;
    let soonest: StoredKey | undefined;
    let soonestAt = Infinity;
    for (const key of pool) {
      const until = this.coolingUntil(key);
      if (!this.isRejected(key) && until < soonestAt) [soonest, soonestAt] = [key, until];
    }
    return soonest ?? this.weightedPick(pool, () => true);
  }

  /** Leaves `key` out of its pool after a 429: for the provider's `Retry-After` (capped), or a short default. */
  coolDown(key: StoredKey, retryAfterMs: number | undefined): void {
    const health = this.healthOf(key);
    health.coolUntil = Date.now() + Math.min(retryAfterMs ?? DEFAULT_COOL_DOWN_MS, MAX_COOL_DOWN_MS);
    health.coolAsked = retryAfterMs !== undefined;
  }

  /** What is left of the cool-down the provider asked for with `key`; undefined when none. */
  askedCoolDownMs(key: StoredKey): number | undefined {
    const health = this.health.get(key);
    const left = health?.coolAsked ? health.coolUntil - Date.now() : 0;
    return left > 0 ? left : undefined;
  }

  /** Takes `key` out of its pool (a 401 or 403). */
  reject(key: StoredKey): void {
    this.healthOf(key).rejected = true;
  }

  /** The provider answered with `key` without refusing it: back in its pool if it was out, whatever the database last said. */
  accepted(key: StoredKey): void {
    const health = this.health.get(key);
    if (health) health.rejected = false;
    else if (key.rejected) this.healthOf(key).rejected = false;
  }

  /** Smooth weighted round-robin over the keys `eligible` lets in; undefined when it lets in none. */
  private weightedPick(pool: readonly StoredKey[], eligible: (key: StoredKey, health: KeyHealth) => boolean): StoredKey | undefined {
    let total = 0;
    let best: KeyHealth | undefined;
    let bestKey: StoredKey | undefined;
    for (const key of pool) {
      const health = this.healthOf(key);
      if (!eligible(key, health)) continue;
      const weight = Math.max(1, key.weight);
      health.current += weight;
      total += weight;
      if (!best || health.current > best.current) [best, bestKey] = [health, key];
    }
    if (best) best.current -= total;
    return bestKey;
  }

  private isRejected(key: StoredKey): boolean {
    return this.health.get(key)?.rejected ?? key.rejected;
  }

  private coolingUntil(key: StoredKey): number {
    return this.health.get(key)?.coolUntil ?? 0;
  }

  private healthOf(key: StoredKey): KeyHealth {
    let health = this.health.get(key);
    if (!health) this.health.set(key, (health = { current: 0, coolUntil: 0, coolAsked: false, rejected: undefined }));
    return health;
  }
}

/** The process's pools: every gateway of the process reads keys from its own directory, so they never share a key object. */
export const keyPools = new KeyPools();
