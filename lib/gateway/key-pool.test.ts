import { describe, expect, it, vi, afterEach } from "vitest";
import type { StoredKey } from "@/lib/state/directory";
import { DEFAULT_COOL_DOWN_MS, KeyPools, MAX_COOL_DOWN_MS } from "./key-pool";

function key(id: string, weight = 1, options: { gatewayId?: string | null; alias?: string; rejected?: boolean } = {}): StoredKey {
  return { id, weight, gatewayId: options.gatewayId ?? null, alias: options.alias ?? "default", baseUrl: null, rejected: options.rejected ?? false, secret: () => id };
}

const picks = (pools: KeyPools, pool: readonly StoredKey[], n: number) => Array.from({ length: n }, () => pools.pick(pool)?.id).join("");

afterEach(() => {
  vi.useRealTimers();
});

describe("a key pool", () => {
  it("is the keys of one scope and alias, the same list each time", () => {
    const pools = new KeyPools();
    const keys = [key("a"), key("b", 1, { gatewayId: "gw" }), key("c"), key("d", 1, { alias: "backup" })];
    expect(pools.pool(keys, "default", null).map((k) => k.id)).toEqual(["a", "c"]);
    expect(pools.pool(keys, "default", "gw").map((k) => k.id)).toEqual(["b"]);
    expect(pools.pool(keys, "backup", null).map((k) => k.id)).toEqual(["d"]);
    expect(pools.pool(keys, "default", null)).toBe(pools.pool(keys, "default", null));
  });

  it("takes turns with equal weights, and interleaves unequal ones smoothly", () => {
    const pools = new KeyPools();
    expect(picks(pools, [key("a"), key("b"), key("c")], 6)).toBe("abcabc");
    expect(picks(pools, [key("a", 5), key("b"), key("c")], 7)).toBe("aabacaa");
    expect(picks(pools, [key("a", 3), key("b", 1)], 8)).toBe("aabaaaba");
  });

  it("leaves a cooling key out until its cool-down ends, or uses the one ending first when all cool", () => {
    vi.useFakeTimers({ now: 0 });
    const pools = new KeyPools();
    const [a, b] = [key("a"), key("b")];
    pools.coolDown(a, 3000);
    expect(picks(pools, [a, b], 3)).toBe("bbb");
    expect(pools.pick([a, b], true)?.id).toBe("b");
    expect(pools.askedCoolDownMs(a)).toBe(3000);
    pools.coolDown(b, undefined);
    expect(pools.askedCoolDownMs(b)).toBeUndefined();
    expect(pools.pick([a, b])?.id).toBe("a");
    expect(pools.pick([a, b], true)).toBeUndefined();
    vi.advanceTimersByTime(3000);
    expect(pools.pick([a, b], true)?.id).toBe("a");
    vi.advanceTimersByTime(DEFAULT_COOL_DOWN_MS);
    expect(new Set(picks(pools, [a, b], 4))).toEqual(new Set(["a", "b"]));
  });

  it("caps a provider's cool-down", () => {
    vi.useFakeTimers({ now: 0 });
    const pools = new KeyPools();
    const a = key("a");
    pools.coolDown(a, 24 * 3600_000);
    expect(pools.askedCoolDownMs(a)).toBe(MAX_COOL_DOWN_MS);
  });

  it("leaves rejected keys out; with every key rejected, uses them as if none were, until one is accepted again", () => {
    const pools = new KeyPools();
    const [a, b, c] = [key("a"), key("b", 1, { rejected: true }), key("c")];
    pools.reject(a);
    expect(picks(pools, [a, b, c], 3)).toBe("ccc");
    expect(pools.pick([a, b], true)).toBeUndefined();
    expect(new Set(picks(pools, [a, b], 4))).toEqual(new Set(["a", "b"]));
    pools.accepted(b);
    expect(picks(pools, [a, b], 3)).toBe("bbb");
  });

  it("answers a one-key pool with its key, unless only a usable one will do", () => {
    vi.useFakeTimers({ now: 0 });
    const pools = new KeyPools();
    const a = key("a");
    expect(pools.pick([a])).toBe(a);
    pools.coolDown(a, 1000);
    expect(pools.pick([a])).toBe(a);
    expect(pools.pick([a], true)).toBeUndefined();
    pools.reject(a);
    expect(pools.pick([a])).toBe(a);
  });
});
