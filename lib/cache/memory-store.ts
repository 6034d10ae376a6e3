import type { CacheStore } from "./store";

/** The in-memory cache's budget unless configured (SWITCHYARD_CACHE_MAX_BYTES): a few thousand typical answers. */
export const DEFAULT_CACHE_MAX_BYTES = 128 * 1024 * 1024;

export interface MemoryCacheStoreOptions {
  /** The most bytes of entries (keys included) kept; the least recently used go first. */
  maxBytes: number;
  /** Milliseconds since the epoch; tests drive expiry with their own. */
  now?: () => number;
}

interface Slot {
  value: Buffer;
  expiresAt: number;
  bytes: number;
}

/**
 * This process's cache: an LRU bounded in bytes. A Map keeps insertion order, so re-inserting a key
 * on every read makes its first key the least recently used.
 */
export class MemoryCacheStore implements CacheStore {
  private readonly slots = new Map<string, Slot>();
  private bytes = 0;
  private readonly maxBytes: number;
  private readonly now: () => number;

  constructor(options: MemoryCacheStoreOptions) {
    this.maxBytes = options.maxBytes;
    this.now = options.now ?? Date.now;
  }

  async get(key: string): Promise<Buffer | undefined> {
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    this.slots.delete(key);
    if (slot.expiresAt <= this.now()) {
      this.bytes -= slot.bytes;
      return undefined;
    }
    this.slots.set(key, slot);
    return slot.value;
  }

  async set(key: string, value: Buffer, ttlSeconds: number): Promise<void> {
    const bytes = value.byteLength + key.length * 2;
    this.remove(key);
    if (bytes > this.maxBytes) return;
    this.slots.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000, bytes });
    this.bytes += bytes;
    for (const [oldest, slot] of this.slots) {
      if (this.bytes <= this.maxBytes) break;
      this.slots.delete(oldest);
      this.bytes -= slot.bytes;
    }
  }

  /** Bytes held: what the budget counts. */
  size(): { entries: number; bytes: number } {
    return { entries: this.slots.size, bytes: this.bytes };
  }

  async close(): Promise<void> {
    this.slots.clear();
    this.bytes = 0;
  }

  private remove(key: string): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    this.slots.delete(key);
    this.bytes -= slot.bytes;
  }
}
