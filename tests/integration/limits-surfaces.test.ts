import { expect, it } from "vitest";
import { PostgresCounterStore } from "@/lib/limits/postgres-store";
import { describeGateway, type Harness } from "../support/harness";
import { bearer, chatBody, json, postJson } from "../support/http";
import { addBudget, allSettled, setGateway } from "../support/limits";
import type { SeededTeam } from "../support/seed";

/** Monday 5 January 2026, 12:00:30 UTC, on the counters' clock. */
const NOW = Date.UTC(2026, 0, 5, 12, 0, 30);

/** A refusal's code and message, wherever the surface's shape puts them. */
type Read = (body: Record<string, unknown>) => { code: unknown; message: unknown };

const openAi: Read = (body) => ({ code: body.internalCode, message: (body.error as { message?: unknown }).message });

/** Every surface with a request it serves through the fake OpenAI, and where its error shape puts the refusal. */
const SURFACES: { surface: string; send: (h: Harness, t: SeededTeam) => Promise<Response>; read: Read }[] = [
  {
    surface: "compat (OpenAI)",
    send: (_h, t) => postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token)),
    read: openAi,
  },
  {
    surface: "/ai/v1/messages (Anthropic)",
    send: (h, t) =>
      postJson(`${h.url}/ai/v1/messages`, { ...chatBody("openai/gpt-4o-mini"), max_tokens: 50 }, { ...bearer(t.token), "cf-aig-gateway-id": t.gateway.slug }),
    read: (body) => {
      expect(body.type).toBe("error");
      const error = body.error as { type: string; message: string };
      expect(error.type).toBe("rate_limit_error");
      return { code: /^(Rate limited|Spend limit exceeded)/.test(error.message) ? "in message" : undefined, message: error.message };
    },
  },
  {
    surface: "/ai/v1/responses",
    send: (h, t) => postJson(`${h.url}/ai/v1/responses`, { model: "openai/gpt-4o-mini", input: "Say hello." }, { ...bearer(t.token), "cf-aig-gateway-id": t.gateway.slug }),
    read: openAi,
  },
  {
    surface: "openai passthrough",
    send: (_h, t) => postJson(`${t.gatewayUrl}/openai/chat/completions`, chatBody("gpt-4o-mini"), bearer(t.token)),
    read: openAi,
  },
  {
    surface: "the Universal endpoint (Cloudflare's envelope)",
    send: (_h, t) => postJson(t.gatewayUrl, [{ provider: "openai", endpoint: "chat/completions", headers: {}, query: chatBody("gpt-4o-mini") }], bearer(t.token)),
    read: (body) => {
      expect(body.success).toBe(false);
      const [error] = body.error as { code: number; message: string }[];
      expect(body.internalCode).toBe(error?.code);
      return { code: error?.code, message: error?.message };
    },
  },
  {
    surface: "/ai/run (Workers AI's envelope)",
    send: (h, t) =>
      postJson(`${h.url}/ai/run`, { model: "openai/gpt-4o-mini", input: { messages: [{ role: "user", content: "Say hello." }] } }, { ...bearer(t.token), "cf-aig-gateway-id": t.gateway.slug }),
    read: (body) => {
      expect(body).toMatchObject({ success: false, result: null });
      const [error] = body.errors as { code: number; message: string }[];
      return { code: error?.code, message: error?.message };
    },
  },
];

describeGateway(
  "limit refusals on every surface",
  (h) => {
    for (const { surface, send, read } of SURFACES) {
      it(`refuses over a rate limit with 429, 2003 and the rate-limit headers: ${surface}`, async () => {
        const t = await h.seed();
        await setGateway(h.db, t, { rateLimitingLimit: 1, rateLimitingInterval: 60, rateLimitingTechnique: "fixed" });
        const first = await send(h, t);
        expect(first.status, await first.clone().text()).toBe(200);
        expect(first.headers.get("x-ratelimit-remaining")).toBe("0");
        await first.text();

        const refused = await send(h, t);
        expect(refused.status).toBe(429);
        const { code, message } = read(await json(refused));
        expect(code === 2003 || code === "in message").toBe(true);
        expect(message).toBe("Rate limited: the gateway's rate limit (requests limit 1 per 60s, fixed)");
        expect(Object.fromEntries(["retry-after", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"].map((n) => [n, refused.headers.get(n)]))).toEqual({
          "retry-after": "30",
          "x-ratelimit-limit": "1",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": "30",
        });
        const row = await h.logRow(refused.headers.get("cf-aig-log-id") ?? "");
        expect([row.statusCode, row.errorCode]).toEqual([429, 2003]);
      });

      it(`refuses over budget with 429, 2045 and the budget's headers: ${surface}`, async () => {
        const t = await h.seed();
        await addBudget(h.db, t, { name: "tiny", limitMicros: 1 });
        const first = await send(h, t);
        expect(first.status, await first.clone().text()).toBe(200);
        expect(first.headers.get("cf-aig-budget-remaining")).toBe("0");
        await first.text();
        await allSettled(h.db);

        const refused = await send(h, t);
        expect(refused.status).toBe(429);
        const { code, message } = read(await json(refused));
        expect(code === 2045 || code === "in message").toBe(true);
        expect(message).toBe("Spend limit exceeded: budget 'tiny' (cost limit 0.000001 daily)");
        expect(refused.headers.get("retry-after")).toBe(String(12 * 3600 - 30));
        expect(refused.headers.get("cf-aig-budget-remaining")).toBe("0");
        const row = await h.logRow(refused.headers.get("cf-aig-log-id") ?? "");
        expect([row.statusCode, row.errorCode]).toEqual([429, 2045]);
      });
    }
  },
  { limitStore: (db) => new PostgresCounterStore(db, { now: () => NOW }) },
);
