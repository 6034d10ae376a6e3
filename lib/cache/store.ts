/**
 * Where cached answers live: this process's memory (memory-store.ts) or Redis shared by every
 * instance (redis-store.ts). Neither ever throws or hangs: an unreachable store is a miss, and a
 * write that cannot be made is dropped.
 */
export interface CacheStore {
  /** The bytes stored under `key`, or undefined (absent, expired, or the store unreachable). */
  get(key: string): Promise<Buffer | undefined>;
  /** Stores `value` under `key` for `ttlSeconds`. */
  set(key: string, value: Buffer, ttlSeconds: number): Promise<void>;
  close(): Promise<void>;
}
