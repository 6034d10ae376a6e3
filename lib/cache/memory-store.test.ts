import { describe, expect, it } from "vitest";
import { MemoryCacheStore } from "./memory-store";

const bytes = (n: number, fill = 1) => Buffer.alloc(n, fill);

describe("MemoryCacheStore", () => {
  it("expires entries on its clock", async () => {
    let now = 1_000_000;
    const store = new MemoryCacheStore({ maxBytes: 1024, now: () => now });
    await store.set("k", bytes(10), 60);
    now += 59_999;
    expect(await store.get("k")).toEqual(bytes(10));
    now += 1;
    expect(await store.get("k")).toBeUndefined();
    expect(store.size()).toEqual({ entries: 0, bytes: 0 });
  });

  it("stays within its byte budget, dropping the least recently used first", async () => {
    const store = new MemoryCacheStore({ maxBytes: 300 });
    await store.set("a", bytes(98), 60); // 100 bytes with its key
    await store.set("b", bytes(98), 60);
    await store.set("c", bytes(98), 60);
    await store.get("a");
    await store.set("d", bytes(98), 60);
    expect(await store.get("b")).toBeUndefined();
    expect(await store.get("a")).toBeDefined();
    expect(await store.get("c")).toBeDefined();
    expect(await store.get("d")).toBeDefined();
    expect(store.size()).toEqual({ entries: 3, bytes: 300 });
  });

  it("replaces an entry without counting it twice, and never keeps one larger than the budget", async () => {
    const store = new MemoryCacheStore({ maxBytes: 100 });
    await store.set("a", bytes(50), 60);
    await store.set("a", bytes(60, 2), 60);
    expect(store.size()).toEqual({ entries: 1, bytes: 62 });
    expect(await store.get("a")).toEqual(bytes(60, 2));
    await store.set("big", bytes(200), 60);
    expect(await store.get("big")).toBeUndefined();
    expect(await store.get("a")).toEqual(bytes(60, 2));
  });
});
