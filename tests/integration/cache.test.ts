import { and, eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { gateways } from "@/db/schema";
import { MemoryCacheStore } from "@/lib/cache/memory-store";
import { updateGateway } from "@/lib/services/gateways/update";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { FakeRequest } from "../fake-providers/openai";
import { describeGateway, type Harness } from "../support/harness";
import { bearer, chatBody, json, postJson } from "../support/http";
import { addCustomProvider, addGateway, type SeededTeam } from "../support/seed";

/** The stores' clock: tests move it forward instead of waiting for entries to expire. */
let now = Date.now();
const advance = (seconds: number) => {
  now += seconds * 1000;
};

const HOUR = { cacheTtl: 3600 };

/** A chat completion with the team's stored key through compat; `extra` joins the body. */
function chat(t: SeededTeam, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}, model = "openai/gpt-4o-mini") {
  return postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody(model, extra), { ...bearer(t.token), ...headers });
}

function calls(h: Harness, t: SeededTeam): FakeRequest[] {
  return h.fake.requests.filter((r) => r.headers.authorization === `Bearer ${t.providerKey}`);
}

function status(res: Response): string | null {
  return res.headers.get("cf-aig-cache-status");
}

describeGateway(
  "response cache",
  (h) => {
    it("answers a repeated request from the cache, with fresh ids, logged as cached with no tokens and no cost", async () => {
      const t = await h.seed({ settings: HOUR });
      const miss = await chat(t);
      expect(miss.status).toBe(200);
      expect(status(miss)).toBe("MISS");
      const missBody = await miss.text();

      const hit = await chat(t);
      expect(hit.status).toBe(200);
      expect(status(hit)).toBe("HIT");
      expect(hit.headers.get("content-type")).toContain("application/json");
      expect(await hit.text()).toBe(missBody);
      expect(calls(h, t)).toHaveLength(1);
      // Per-request ids are the hit's own, never the stored answer's.
      expect(hit.headers.get("cf-aig-log-id")).not.toBe(miss.headers.get("cf-aig-log-id"));
      expect(hit.headers.get("x-request-id")).toBeNull();

      const missRow = await h.logRow(miss.headers.get("cf-aig-log-id")!);
      expect(missRow).toMatchObject({ cached: false, statusCode: 200 });
      expect(missRow.tokensIn).toBeGreaterThan(0);
      expect(missRow.costMicros).toBeGreaterThan(0);
      expect(missRow.providerKeyId).not.toBeNull();
      const hitRow = await h.logRow(hit.headers.get("cf-aig-log-id")!);
      expect(hitRow).toMatchObject({ cached: true, statusCode: 200, success: true, tokensIn: 0, tokensOut: 0, tokensCached: 0, costMicros: 0 });
      expect(hitRow.responseBytes).toBe(Buffer.byteLength(missBody));
      // No key answered it: its last use stays the miss's.
      expect(hitRow.providerKeyId).toBeNull();
      expect((await h.payload(hitRow.id))?.responseBody).toBe(missBody);
    });

    it("says nothing and calls every time on a gateway without caching", async () => {
      const t = await h.seed();
      for (let i = 0; i < 2; i++) {
        const res = await chat(t);
        expect(res.status).toBe(200);
        expect(status(res)).toBeNull();
        await res.arrayBuffer();
      }
      expect(calls(h, t)).toHaveLength(2);
    });

    it("keys on the body, and never shares answers across gateways", async () => {
      const t = await h.seed({ settings: HOUR });
      await (await chat(t)).arrayBuffer();
      const other = await chat(t, {}, { temperature: 0.5 });
      expect(status(other)).toBe("MISS");
      await other.arrayBuffer();
      await addGateway(t, "other", HOUR);
      const elsewhere = await postJson(`${t.gatewayUrl.replace(/\/main$/, "/other")}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
      expect(status(elsewhere)).toBe("MISS");
      await elsewhere.arrayBuffer();
      expect(calls(h, t)).toHaveLength(3);
    });

    it("expires an entry after cf-aig-cache-ttl, on a gateway that does not cache by itself", async () => {
      const t = await h.seed();
      const ttl = { "cf-aig-cache-ttl": "60" };
      expect(status(await chat(t, ttl))).toBe("MISS");
      advance(59);
      expect(status(await chat(t, ttl))).toBe("HIT");
      advance(2);
      expect(status(await chat(t, ttl))).toBe("MISS");
      expect(calls(h, t)).toHaveLength(2);
    });

    it("skips the lookup with cf-aig-skip-cache but stores the fresh answer", async () => {
      const t = await h.seed({ settings: HOUR });
      const first = await json<{ id: string }>(await chat(t));
      const skipped = await chat(t, { "cf-aig-skip-cache": "true" });
      expect(status(skipped)).toBe("MISS");
      const fresh = await json<{ id: string }>(skipped);
      expect(fresh.id).not.toBe(first.id);
      const hit = await chat(t);
      expect(status(hit)).toBe("HIT");
      expect((await json<{ id: string }>(hit)).id).toBe(fresh.id);
      expect(calls(h, t)).toHaveLength(2);
    });

    it("honours the legacy cf-cache-ttl and cf-skip-cache", async () => {
      const t = await h.seed();
      expect(status(await chat(t, { "cf-cache-ttl": "120" }))).toBe("MISS");
      expect(status(await chat(t, { "cf-cache-ttl": "120" }))).toBe("HIT");
      expect(status(await chat(t, { "cf-cache-ttl": "120", "cf-skip-cache": "true" }))).toBe("MISS");
      expect(calls(h, t)).toHaveLength(2);
    });

    it("names the entry with cf-aig-cache-key, for 5 minutes when no TTL applies", async () => {
      const t = await h.seed();
      const key = { "cf-aig-cache-key": `greeting-${t.team.slug}` };
      const first = await chat(t, key);
      expect(status(first)).toBe("MISS");
      const body = await first.text();
      // Another body, same name: the named entry answers.
      const named = await chat(t, key, { temperature: 1 });
      expect(status(named)).toBe("HIT");
      expect(await named.text()).toBe(body);
      advance(299);
      expect(status(await chat(t, key))).toBe("HIT");
      advance(2);
      expect(status(await chat(t, key))).toBe("MISS");
      expect(calls(h, t)).toHaveLength(2);
    });

    it("replays a stream as a stream, byte for byte", async () => {
      const t = await h.seed({ settings: HOUR });
      const miss = await chat(t, {}, { stream: true });
      expect(status(miss)).toBe("MISS");
      const missBytes = Buffer.from(await miss.arrayBuffer());
      const hit = await chat(t, {}, { stream: true });
      expect(status(hit)).toBe("HIT");
      expect(hit.headers.get("content-type")).toContain("text/event-stream");
      expect(Buffer.from(await hit.arrayBuffer()).equals(missBytes)).toBe(true);
      expect(missBytes.toString()).toContain("data: [DONE]");
      expect(calls(h, t)).toHaveLength(1);
      const hitRow = await h.logRow(hit.headers.get("cf-aig-log-id")!);
      expect(hitRow).toMatchObject({ cached: true, stream: true, tokensIn: 0, costMicros: 0, responseBytes: missBytes.byteLength });
    });

    it("replays a translated stream in the client's format (Anthropic Messages from OpenAI)", async () => {
      const t = await h.seed({ settings: HOUR });
      const send = () =>
        postJson(
          `${h.url}/ai/v1/messages`,
          { model: "openai/gpt-4o-mini", max_tokens: 50, stream: true, messages: [{ role: "user", content: "Hi" }] },
          { ...bearer(t.token), "cf-aig-gateway-id": t.gateway.slug },
        );
      const miss = await send();
      expect(miss.status).toBe(200);
      expect(status(miss)).toBe("MISS");
      const missText = await miss.text();
      expect(missText).toContain("event: message_start");
      const hit = await send();
      expect(status(hit)).toBe("HIT");
      expect(await hit.text()).toBe(missText);
      expect(calls(h, t)).toHaveLength(1);
    });

    it("caches passthrough requests", async () => {
      const t = await h.seed({ settings: HOUR });
      const send = () => postJson(`${t.gatewayUrl}/openai/chat/completions`, chatBody("gpt-4o-mini"), bearer(t.token));
      const miss = await send();
      expect(status(miss)).toBe("MISS");
      const body = await miss.text();
      const hit = await send();
      expect(status(hit)).toBe("HIT");
      expect(await hit.text()).toBe(body);
      expect(calls(h, t)).toHaveLength(1);
    });

    it("never caches error answers", async () => {
      const t = await h.seed({ settings: HOUR });
      for (let i = 0; i < 2; i++) {
        const res = await chat(t, {}, {}, "openai/fake-error-500");
        expect(res.status).toBe(500);
        expect(status(res)).toBe("MISS");
        await res.arrayBuffer();
      }
      expect(calls(h, t)).toHaveLength(2);
    });

    it("never caches a stream that broke off", async () => {
      const t = await h.seed({ settings: HOUR });
      for (let i = 0; i < 2; i++) {
        const res = await chat(t, {}, { stream: true }, "openai/fake-reset-2");
        expect(status(res)).toBe("MISS");
        await res.text().catch(() => "");
      }
      expect(calls(h, t)).toHaveLength(2);
    });

    it("keeps clients' own provider keys apart", async () => {
      const t = await h.seed({ storedKey: false, settings: { authentication: false, cacheTtl: 3600 } });
      await addCustomProvider(t, "open", `${h.fake.origin}/open/v1`);
      const send = (key: string) =>
        postJson(`${t.gatewayUrl}/custom-open/chat/completions`, chatBody("m"), { authorization: `Bearer ${key}` });
      const a = `sk-a-${t.team.slug}`;
      const b = `sk-b-${t.team.slug}`;
      expect(status(await send(a))).toBe("MISS");
      expect(status(await send(a))).toBe("HIT");
      expect(status(await send(b))).toBe("MISS");
      expect(h.fake.requests.filter((r) => r.headers.authorization === `Bearer ${a}`)).toHaveLength(1);
      expect(h.fake.requests.filter((r) => r.headers.authorization === `Bearer ${b}`)).toHaveLength(1);
    });

    it("puts the gateway's cache_key_metadata values into the key", async () => {
      const t = await h.seed({ settings: HOUR });
      await changeDirectory(h.db, t.team.id, (tx) =>
        tx
          .update(gateways)
          .set({ cacheKeyMetadata: ["user"] })
          .where(and(eq(gateways.teamId, t.team.id), eq(gateways.id, t.gateway.id))),
      );
      await h.afterDirectoryCache();
      const as = (user: string, other: string) => ({ "cf-aig-metadata": JSON.stringify({ user, other }) });
      expect(status(await chat(t, as("ann", "x")))).toBe("MISS");
      // Metadata the gateway does not name stays out of the key.
      expect(status(await chat(t, as("ann", "y")))).toBe("HIT");
      expect(status(await chat(t, as("bob", "x")))).toBe("MISS");
      expect(calls(h, t)).toHaveLength(2);
    });

    it("drops a gateway's entries when its settings change, with cache_invalidate_on_update", async () => {
      const t = await h.seed({ settings: { ...HOUR, cacheInvalidateOnUpdate: true } });
      expect(status(await chat(t))).toBe("MISS");
      expect(status(await chat(t))).toBe("HIT");
      await updateGateway({ ctx: t.ctx, teamId: t.team.id, slug: t.gateway.slug, settings: { collectLogPayloads: true } });
      await h.afterDirectoryCache();
      expect(status(await chat(t))).toBe("MISS");
      expect(status(await chat(t))).toBe("HIT");
      expect(calls(h, t)).toHaveLength(2);
    });

    it("keeps a gateway's entries across a settings change without cache_invalidate_on_update", async () => {
      const t = await h.seed({ settings: HOUR });
      expect(status(await chat(t))).toBe("MISS");
      await updateGateway({ ctx: t.ctx, teamId: t.team.id, slug: t.gateway.slug, settings: { collectLogPayloads: true } });
      await h.afterDirectoryCache();
      expect(status(await chat(t))).toBe("HIT");
      expect(calls(h, t)).toHaveLength(1);
    });

    it("coalesces 20 concurrent identical streams into one upstream call, every client streamed live", async () => {
      const t = await h.seed({ settings: HOUR });
      const responses = await Promise.all(Array.from({ length: 20 }, () => chat(t, {}, { stream: true }, "openai/fake-gated")));
      // Every response has started while the one upstream stream is still held at its gate.
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(calls(h, t)).toHaveLength(1);
      expect(responses.map(status).sort()).toEqual([...Array(19).fill("HIT"), "MISS"]);
      calls(h, t)[0]!.release();
      const bodies = await Promise.all(responses.map((r) => r.text()));
      expect(new Set(bodies).size).toBe(1);
      expect(bodies[0]).toContain("data: [DONE]");
      expect(calls(h, t)).toHaveLength(1);

      const rows = (await h.logRows(t.team.id)).filter((r) => r.statusCode === 200);
      expect(rows).toHaveLength(20);
      expect(rows.filter((r) => !r.cached)).toHaveLength(1);
      expect(rows.filter((r) => r.cached).every((r) => r.costMicros === 0 && r.tokensIn === 0)).toBe(true);
    });

    it("coalesces 20 concurrent identical requests into one upstream call", async () => {
      const t = await h.seed({ settings: HOUR });
      const responses = await Promise.all(Array.from({ length: 20 }, () => chat(t)));
      const bodies = await Promise.all(responses.map((r) => r.text()));
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(new Set(bodies).size).toBe(1);
      expect(calls(h, t)).toHaveLength(1);
    });

    it("gives the followers of a failed call its error answer, and stores nothing", async () => {
      const t = await h.seed({ settings: HOUR });
      const responses = await Promise.all(Array.from({ length: 5 }, () => chat(t, {}, {}, "openai/fake-error-503")));
      expect(responses.map((r) => r.status)).toEqual(Array(5).fill(503));
      await Promise.all(responses.map((r) => r.arrayBuffer()));
      const again = await chat(t, {}, {}, "openai/fake-error-503");
      expect(again.status).toBe(503);
      expect(status(again)).toBe("MISS");
      await again.arrayBuffer();
    });
  },
  { cache: () => new MemoryCacheStore({ maxBytes: 16 * 1024 * 1024, now: () => now }) },
);
