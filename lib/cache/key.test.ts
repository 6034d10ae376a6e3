import { describe, expect, it } from "vitest";
import type { Gateway } from "@/db/schema";
import { cacheKeyOf, type CacheKeyInput } from "./key";

const gateway = { id: "gw1", cacheInvalidateOnUpdate: false, updatedAt: new Date(1000) } as Gateway;

function headers(values: Record<string, string>): CacheKeyInput["requestHeaders"] {
  return { get: (name) => values[name] ?? null, forEach: (fn) => Object.entries(values).forEach(([k, v]) => fn(v, k)) };
}

const base: CacheKeyInput = {
  teamId: "team1",
  gateway,
  options: { cacheKey: undefined, cacheKeyMetadata: [], metadata: undefined },
  method: "POST",
  provider: "openai",
  endpoint: "compat/chat/completions",
  model: "gpt-4o-mini",
  credentialIdentity: "stored:team:openai:default",
  requestHeaders: headers({}),
  keyHeaders: ["authorization"],
  body: Buffer.from('{"model":"openai/gpt-4o-mini"}'),
};

describe("cacheKeyOf", () => {
  it("is stable, and namespaced by team and gateway", () => {
    expect(cacheKeyOf(base)).toBe(cacheKeyOf({ ...base }));
    expect(cacheKeyOf(base).startsWith("team1:gw1:0:")).toBe(true);
  });

  it("differs whenever any part of the request differs", () => {
    const keys = new Set([
      cacheKeyOf(base),
      cacheKeyOf({ ...base, provider: "anthropic" }),
      cacheKeyOf({ ...base, endpoint: "ai/v1/chat/completions" }),
      cacheKeyOf({ ...base, model: "gpt-4o" }),
      cacheKeyOf({ ...base, method: "GET" }),
      cacheKeyOf({ ...base, credentialIdentity: "stored:gw1:openai:default" }),
      cacheKeyOf({ ...base, body: Buffer.from('{"model":"openai/gpt-4o-mini" }') }),
      cacheKeyOf({ ...base, credentialIdentity: null, requestHeaders: headers({ authorization: "Bearer sk-a" }) }),
      cacheKeyOf({ ...base, credentialIdentity: null, requestHeaders: headers({ authorization: "Bearer sk-b" }) }),
      cacheKeyOf({ ...base, teamId: "team2" }),
      cacheKeyOf({ ...base, gateway: { ...gateway, id: "gw2" } }),
    ]);
    expect(keys.size).toBe(11);
  });

  it("never holds a client's key", () => {
    const key = cacheKeyOf({ ...base, credentialIdentity: null, requestHeaders: headers({ authorization: "Bearer sk-secret" }) });
    expect(key).not.toContain("sk-secret");
  });

  it("takes the values of the gateway's metadata keys, and only those", () => {
    const withMetadata = (metadata: Record<string, string>) =>
      cacheKeyOf({ ...base, options: { cacheKey: undefined, cacheKeyMetadata: ["user"], metadata } });
    expect(withMetadata({ user: "ann", other: "1" })).toBe(withMetadata({ user: "ann", other: "2" }));
    expect(withMetadata({ user: "ann" })).not.toBe(withMetadata({ user: "bob" }));
    expect(withMetadata({ user: "ann" })).not.toBe(cacheKeyOf(base));
  });

  it("is the client's named entry with cf-aig-cache-key, whatever the request", () => {
    const named = (input: Partial<CacheKeyInput>) => cacheKeyOf({ ...base, ...input, options: { ...base.options, cacheKey: "mine" } });
    expect(named({})).toBe(named({ body: Buffer.from("other"), model: "other" }));
    expect(named({}).startsWith("team1:gw1:0:")).toBe(true);
    expect(named({ teamId: "team2" })).not.toBe(named({}));
  });

  it("moves to a new generation when the gateway changes, with cache_invalidate_on_update", () => {
    const invalidating = { ...gateway, cacheInvalidateOnUpdate: true };
    const before = cacheKeyOf({ ...base, gateway: invalidating });
    const after = cacheKeyOf({ ...base, gateway: { ...invalidating, updatedAt: new Date(2000) } });
    expect(before).not.toBe(after);
    expect(cacheKeyOf({ ...base, gateway: { ...gateway, updatedAt: new Date(2000) } })).toBe(cacheKeyOf(base));
  });
});
