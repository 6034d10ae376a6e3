import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it, vi } from "vitest";
import { storeAnswers } from "@/tests/support/wait";
import { RedisCacheStore } from "./redis-store";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `switchyard-test:${randomBytes(6).toString("hex")}:`;

describe("RedisCacheStore", () => {
  const stores: RedisCacheStore[] = [];
  const open = (options: Partial<ConstructorParameters<typeof RedisCacheStore>[0]> = {}) => {
    const store = new RedisCacheStore({ url: REDIS_URL, keyPrefix: prefix, ...options });
    stores.push(store);
    return store;
  };
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it("stores bytes as they are, under its prefix, with their TTL", async () => {
    const [store, same, other] = [open(), open(), open({ keyPrefix: `${prefix}other:` })];
    await Promise.all([store, same, other].map(storeAnswers));
    const value = Buffer.from([0, 1, 2, 255]);
    await store.set("k", value, 60);
    expect(await same.get("k")).toEqual(value);
    expect(await other.get("k")).toBeUndefined();
    const redis = new Redis(REDIS_URL);
    try {
      const ttl = await redis.ttl(`${prefix}k`);
      expect(ttl).toBeGreaterThan(55);
      expect(ttl).toBeLessThanOrEqual(60);
    } finally {
      redis.disconnect();
    }
  });

  it("answers a miss, not an error, when Redis is out of reach, and says so once", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const store = open({ url: "redis://127.0.0.1:1" });
      for (let i = 0; i < 5; i++) {
        expect(await store.get("k")).toBeUndefined();
        await store.set("k", Buffer.from("x"), 60);
      }
      expect(errors.mock.calls.filter(([line]) => String(line).includes("Redis is unreachable"))).toHaveLength(1);
    } finally {
      errors.mockRestore();
    }
  });
});
