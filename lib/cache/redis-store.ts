import { Redis } from "ioredis";
import { errorLine } from "@/lib/error-line";
import type { CacheStore } from "./store";

export interface RedisCacheStoreOptions {
  url: string;
  /** Put before every key: one deployment's (or one test's) entries apart from another's on the same Redis. */
  keyPrefix?: string;
  /** How long a command may take before it counts as a miss. */
  commandTimeoutMs?: number;
}

const DEFAULT_PREFIX = "switchyard:cache:";
const DEFAULT_COMMAND_TIMEOUT_MS = 250;

/**
 * The cache shared by every instance and worker. An outage is a miss, never an error or a wait:
 * commands are not queued while disconnected (they fail at once), each has a timeout, and ioredis
 * reconnects on its own. The outage is logged once when it starts and once when it ends.
 */
export class RedisCacheStore implements CacheStore {
  private readonly redis: Redis;
  private reachable = true;

  constructor(options: RedisCacheStoreOptions) {
    this.redis = new Redis(options.url, {
      keyPrefix: options.keyPrefix ?? DEFAULT_PREFIX,
      enableOfflineQueue: false,
      commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    this.redis.on("error", (error) => this.failed(error));
    this.redis.on("ready", () => this.answered());
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      const value = await this.redis.getBuffer(key);
      this.answered();
      return value ?? undefined;
    } catch (error) {
      this.failed(error);
      return undefined;
    }
  }

  async set(key: string, value: Buffer, ttlSeconds: number): Promise<void> {
    try {
      await this.redis.set(key, value, "EX", ttlSeconds);
      this.answered();
    } catch (error) {
      this.failed(error);
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  /** Slow commands count as an outage too, so the end of one is the next command answered. */
  private answered(): void {
    if (this.reachable) return;
    this.reachable = true;
    console.error("switchyard cache: Redis answers again");
  }

  private failed(error: unknown): void {
    if (!this.reachable) return;
    this.reachable = false;
    console.error(`switchyard cache: Redis is unreachable, requests are answered as cache misses until it is back: ${errorLine(error)}`);
  }
}
