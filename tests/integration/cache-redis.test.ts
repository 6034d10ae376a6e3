import { randomBytes } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { RedisCacheStore } from "@/lib/cache/redis-store";
import { startFakeOpenAI, type FakeOpenAI } from "../fake-providers/openai";
import { startGatewayServer, type GatewayServer } from "../support/gateway-server";
import { describeEachDatabase } from "../support/harness";
import { bearer, chatBody, postJson } from "../support/http";
import { seedTeam, type SeededTeam } from "../support/seed";
import { storeAnswers } from "../support/wait";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const HOUR = { cacheTtl: 3600 };

function chat(gatewayUrl: string, t: SeededTeam, extra: Record<string, unknown> = {}) {
  return postJson(`${gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini", extra), bearer(t.token));
}

describeEachDatabase("response cache in Redis", (database) => {
  // This suite's own prefix, so parallel suites on the same Redis never see its entries.
  const prefix = `switchyard-test:${randomBytes(6).toString("hex")}:`;
  let fake: FakeOpenAI;
  let a: GatewayServer;
  let b: GatewayServer;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
    const stores: RedisCacheStore[] = [];
    const cache = () => {
      stores.push(new RedisCacheStore({ url: REDIS_URL, keyPrefix: prefix }));
      return stores.at(-1)!;
    };
    a = await startGatewayServer("node", { database: database(), cache });
    b = await startGatewayServer("node", { database: database(), cache });
    await Promise.all(stores.map(storeAnswers));
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await fake?.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  const calls = (t: SeededTeam) => fake.requests.filter((r) => r.headers.authorization === `Bearer ${t.providerKey}`);

  it("shares entries between two gateway instances", async () => {
    const t = await seedTeam(database().db, { serverUrl: a.url, keyBaseUrl: fake.baseUrl, settings: HOUR });
    const onB = t.gatewayUrl.replace(a.url, b.url);
    const miss = await chat(t.gatewayUrl, t);
    expect(miss.headers.get("cf-aig-cache-status")).toBe("MISS");
    const body = await miss.text();
    const hit = await chat(onB, t);
    expect(hit.headers.get("cf-aig-cache-status")).toBe("HIT");
    expect(await hit.text()).toBe(body);
    expect(calls(t)).toHaveLength(1);
  });

  it("shares streams, replayed byte for byte on the other instance", async () => {
    const t = await seedTeam(database().db, { serverUrl: b.url, keyBaseUrl: fake.baseUrl, settings: HOUR });
    const onA = t.gatewayUrl.replace(b.url, a.url);
    const miss = await chat(t.gatewayUrl, t, { stream: true });
    expect(miss.headers.get("cf-aig-cache-status")).toBe("MISS");
    const bytes = Buffer.from(await miss.arrayBuffer());
    const hit = await chat(onA, t, { stream: true });
    expect(hit.headers.get("cf-aig-cache-status")).toBe("HIT");
    expect(hit.headers.get("content-type")).toContain("text/event-stream");
    expect(Buffer.from(await hit.arrayBuffer()).equals(bytes)).toBe(true);
    expect(calls(t)).toHaveLength(1);
  });
});

describeEachDatabase("response cache with Redis out of reach", (database) => {
  let fake: FakeOpenAI;
  let down: GatewayServer;
  let silent: GatewayServer;
  /** Takes connections and never answers: a Redis that hangs. */
  let blackHole: Server;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    fake = await startFakeOpenAI();
    blackHole = createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
    const { port } = blackHole.address() as { port: number };
    // Nothing listens on port 1.
    down = await startGatewayServer("node", { database: database(), cache: () => new RedisCacheStore({ url: "redis://127.0.0.1:1" }) });
    silent = await startGatewayServer("node", { database: database(), cache: () => new RedisCacheStore({ url: `redis://127.0.0.1:${port}` }) });
  });
  afterAll(async () => {
    await down?.close();
    await silent?.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackHole?.close(resolve));
    await fake?.close();
  });

  for (const [name, server] of [
    ["down", () => down],
    ["not answering", () => silent],
  ] as const) {
    it(`answers every request as a miss when Redis is ${name}, logging no line per request`, async () => {
      const t = await seedTeam(database().db, { serverUrl: server().url, keyBaseUrl: fake.baseUrl, settings: HOUR });
      const send = async () => {
        const res = await chat(t.gatewayUrl, t);
        expect(res.status).toBe(200);
        expect(res.headers.get("cf-aig-cache-status")).toBe("MISS");
        await res.arrayBuffer();
      };
      await send();
      const errors = vi.spyOn(console, "error");
      try {
        for (let i = 0; i < 3; i++) await send();
        expect(errors.mock.calls.filter(([line]) => String(line).includes("Redis"))).toEqual([]);
      } finally {
        errors.mockRestore();
      }
      expect(fake.requests.filter((r) => r.headers.authorization === `Bearer ${t.providerKey}`)).toHaveLength(4);
    });
  }
});
