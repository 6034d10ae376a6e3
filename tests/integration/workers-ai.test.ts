import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { costMicros } from "@/lib/pricing/cost";
import { workersAiSecret } from "@/lib/providers/workers-ai";
import { FAKE_DEFAULT_USAGE } from "../fake-providers/openai";
import { FAKE_WORKERS_AI_CONTENT, FAKE_WORKERS_AI_USAGE, startFakeWorkersAi, type FakeWorkersAi } from "../fake-providers/workers-ai";
import { describeGateway } from "../support/harness";
import { bearer, json, postJson, readSse } from "../support/http";
import { addKey, type SeededTeam } from "../support/seed";

const MODEL = "@cf/meta/llama-3.3-70b-instruct-fp8-fast";
const WEATHER = {
  type: "function" as const,
  function: { name: "get_weather", description: "The weather in a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
};
const nativeUsage = { input: FAKE_WORKERS_AI_USAGE.prompt_tokens, output: FAKE_WORKERS_AI_USAGE.completion_tokens, cached: 0 };

describeGateway("Workers AI", (h) => {
  let fake: FakeWorkersAi;
  beforeAll(async () => {
    fake = await startFakeWorkersAi();
  });
  afterAll(() => fake.close());

  /**
   * A team whose Workers AI key is the JSON credential naming the fake's account. Its base URL
   * leaves the account to the key (`{account_id}`), as Cloudflare's own URL would; only the
   * origin differs, the fake's.
   */
  async function seeded(): Promise<SeededTeam> {
    const t = await h.seed();
    await addKey(t, {
      provider: "workers-ai",
      secret: workersAiSecret(fake.accountId, fake.apiToken),
      baseUrl: `${fake.origin}/client/v4/accounts/{account_id}/ai`,
    });
    return t;
  }

  const rest = (t: SeededTeam) => ({ ...bearer(t.token), "cf-aig-gateway-id": t.gateway.slug });
  const sdk = (t: SeededTeam) => new OpenAI({ baseURL: `${h.url}/ai/v1`, apiKey: t.token, maxRetries: 0, defaultHeaders: { "cf-aig-gateway-id": t.gateway.slug } });
  const lastRequest = () => {
    const seen = fake.requests.at(-1);
    if (!seen) throw new Error("the fake Workers AI received no request");
    return seen;
  };

  for (const model of [`workers-ai/${MODEL}`, MODEL]) {
    it(`streams tool calls to the OpenAI SDK from ${model}, through Workers AI's OpenAI-compatible endpoint`, async () => {
      const t = await seeded();
      const { data: stream, response } = await sdk(t)
        .chat.completions.create({ model, messages: [{ role: "user", content: "Weather in Paris?" }], tools: [WEATHER], stream: true })
        .withResponse();
      const calls: { name: string; args: string }[] = [];
      for await (const chunk of stream) {
        for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
          calls[call.index] ??= { name: "", args: "" };
          calls[call.index]!.name += call.function?.name ?? "";
          calls[call.index]!.args += call.function?.arguments ?? "";
        }
      }
      expect(calls).toHaveLength(1);
      expect(calls[0]!.name).toBe("get_weather");
      expect(JSON.parse(calls[0]!.args)).toEqual({ city: "fake-city" });

      const seen = lastRequest();
      expect(seen.path).toBe(`/client/v4/accounts/${fake.accountId}/ai/v1/chat/completions`);
      expect(seen.headers.authorization).toBe(`Bearer ${fake.apiToken}`);
      expect(seen.body?.model).toBe(MODEL);
      const row = await h.logRow(response.headers.get("cf-aig-log-id") ?? "");
      expect(row).toMatchObject({ provider: "workers-ai", model: MODEL, stream: true, tokensOut: FAKE_DEFAULT_USAGE.completion_tokens });
    });
  }

  it("takes @cf model names on /ai/v1/embeddings and /ai/v1/responses without a provider prefix", async () => {
    const t = await seeded();
    const embedded = await sdk(t).embeddings.create({ model: "@cf/baai/bge-m3", input: "hello" });
    expect(embedded.data).toHaveLength(1);
    expect(lastRequest().path).toBe(`/client/v4/accounts/${fake.accountId}/ai/v1/embeddings`);
    expect(lastRequest().body?.model).toBe("@cf/baai/bge-m3");

    const answer = await sdk(t).responses.create({ model: MODEL, input: "Say hello." });
    expect(answer.output_text).toBe(fake.openai.content);
    expect(lastRequest().path).toBe(`/client/v4/accounts/${fake.accountId}/ai/v1/chat/completions`);
  });

  it("passes a native @cf run through to {base}/run/@cf/…, and logs its usage and cost", async () => {
    const t = await seeded();
    const res = await postJson(`${t.gatewayUrl}/workers-ai/${MODEL}`, { messages: [{ role: "user", content: "Say hello." }] }, { "cf-aig-authorization": `Bearer ${t.token}` });
    expect(res.status).toBe(200);
    const body = await json<{ result: { response: string; usage: Record<string, number> }; success: boolean }>(res);
    expect(body.success).toBe(true);
    expect(body.result.response).toBe(FAKE_WORKERS_AI_CONTENT);
    expect(lastRequest().path).toBe(`/client/v4/accounts/${fake.accountId}/ai/run/${MODEL}`);
    expect(lastRequest().headers.authorization).toBe(`Bearer ${fake.apiToken}`);

    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    expect(row).toMatchObject({
      provider: "workers-ai",
      model: MODEL,
      path: `workers-ai/${MODEL}`,
      stream: false,
      tokensIn: nativeUsage.input,
      tokensOut: nativeUsage.output,
      costMicros: costMicros("workers-ai", MODEL, nativeUsage).micros,
    });
    expect(row.costMicros).toBeGreaterThan(0);
  });

  it("passes a native @cf stream through untouched, and logs its usage", async () => {
    const t = await seeded();
    const res = await postJson(
      `${t.gatewayUrl}/workers-ai/${MODEL}`,
      { prompt: "Say hello.", stream: true },
      { "cf-aig-authorization": `Bearer ${t.token}` },
    );
    expect(res.status).toBe(200);
    const events = await readSse(res);
    expect(events.at(-1)).toBe("[DONE]");
    const text = events.slice(0, -1).map((e) => (JSON.parse(e) as { response: string }).response).join("");
    expect(text).toBe(FAKE_WORKERS_AI_CONTENT);
    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    expect(row).toMatchObject({ provider: "workers-ai", model: MODEL, stream: true, tokensIn: nativeUsage.input, tokensOut: nativeUsage.output });
    expect(row.costMicros).toBe(costMicros("workers-ai", MODEL, nativeUsage).micros);
  });

  it("answers /ai/run {model, input} for an @cf model in Workers AI's shape, tool calls included", async () => {
    const t = await seeded();
    const res = await postJson(
      `${h.url}/ai/run`,
      { model: MODEL, input: { messages: [{ role: "user", content: "Weather in Paris?" }], tools: [WEATHER] } },
      rest(t),
    );
    expect(res.status).toBe(200);
    const body = await json<{ result: { response: string; tool_calls: unknown[] }; success: boolean; errors: unknown[] }>(res);
    expect(body).toMatchObject({ success: true, errors: [] });
    expect(body.result.tool_calls).toEqual([{ name: "get_weather", arguments: { city: "fake-city" } }]);
    expect(lastRequest().path).toBe(`/client/v4/accounts/${fake.accountId}/ai/run/${MODEL}`);
    expect(lastRequest().body).toEqual({ messages: [{ role: "user", content: "Weather in Paris?" }], tools: [WEATHER] });
    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    expect(row).toMatchObject({ provider: "workers-ai", model: MODEL, tokensIn: nativeUsage.input, tokensOut: nativeUsage.output });
  });

  it("answers /client/v4/accounts/{team}/ai/run/@cf/… with the model's own input, streamed", async () => {
    const t = await seeded();
    const res = await postJson(`${h.url}/client/v4/accounts/${t.team.slug}/ai/run/${MODEL}`, { prompt: "Say hello.", stream: true }, rest(t));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = await readSse(res);
    expect(events.at(-1)).toBe("[DONE]");
    expect(JSON.parse(events.at(-2)!)).toMatchObject({ usage: FAKE_WORKERS_AI_USAGE });
  });

  it("translates /ai/run for an openai/… model, so its answer is in Workers AI's shape", async () => {
    const t = await seeded();
    const res = await postJson(`${h.url}/ai/run`, { model: "openai/gpt-4o-mini", input: { prompt: "Say hello.", max_tokens: 64 } }, rest(t));
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toEqual({
      result: {
        response: h.fake.content,
        usage: {
          prompt_tokens: FAKE_DEFAULT_USAGE.prompt_tokens,
          completion_tokens: FAKE_DEFAULT_USAGE.completion_tokens,
          total_tokens: FAKE_DEFAULT_USAGE.prompt_tokens + FAKE_DEFAULT_USAGE.completion_tokens,
        },
      },
      success: true,
      errors: [],
      messages: [],
    });
    const seen = h.upstreamWithKey(t.providerKey);
    expect(seen.path).toBe("/v1/chat/completions");
    expect(seen.body).toMatchObject({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Say hello." }], max_completion_tokens: 64 });
  });

  it("streams /ai/run/openai/… translated into Workers AI's events, tool calls included", async () => {
    const t = await seeded();
    const res = await postJson(
      `${h.url}/ai/run/openai/gpt-4o-mini`,
      { messages: [{ role: "user", content: "Weather in Paris?" }], tools: [WEATHER], stream: true },
      rest(t),
    );
    expect(res.status).toBe(200);
    const events = await readSse(res);
    expect(events.at(-1)).toBe("[DONE]");
    const data = events.slice(0, -1).map((e) => JSON.parse(e) as Record<string, unknown>);
    const calls = data.flatMap((d) => (Array.isArray(d.tool_calls) ? d.tool_calls : []));
    expect(calls).toEqual([expect.objectContaining({ name: "get_weather", arguments: { city: "fake-city" } })]);
    expect(data.at(-1)).toMatchObject({ response: "", usage: { prompt_tokens: FAKE_DEFAULT_USAGE.prompt_tokens } });
  });

  it("answers /ai/run's errors in Cloudflare's error envelope: the gateway's and the provider's", async () => {
    const t = await seeded();
    const bad = await postJson(`${h.url}/ai/run`, { model: MODEL }, rest(t));
    expect(bad.status).toBe(400);
    const refusal = await json<{ success: boolean; errors: { code: number; message: string }[] }>(bad);
    expect(refusal.success).toBe(false);
    expect(refusal.errors[0]).toMatchObject({ code: 7003, message: expect.stringContaining("input") });

    const upstream = await postJson(`${h.url}/ai/run/@cf/meta/fake-error-429`, { prompt: "hi" }, rest(t));
    expect(upstream.status).toBe(429);
    expect(await json(upstream)).toMatchObject({ success: false, errors: [{ code: 3040 }] });

    const translated = await postJson(`${h.url}/ai/run`, { model: "openai/fake-error-429", input: { prompt: "hi" } }, rest(t));
    expect(translated.status).toBe(429);
    const body = await json<{ success: boolean; errors: { message: string }[] }>(translated);
    expect(body.success).toBe(false);
    expect(body.errors[0]?.message).toContain("Rate limit");
  });

  it("answers Workers AI's rejection of a stored token with 401 and code 2009, naming the provider and alias, never the secret", async () => {
    const t = await h.seed();
    const secret = workersAiSecret(fake.accountId, "revoked-cloudflare-token");
    await addKey(t, { provider: "workers-ai", alias: "prod", secret, baseUrl: `${fake.origin}/client/v4/accounts/{account_id}/ai` });
    const headers = { ...rest(t), "cf-aig-byok-alias": "prod" };

    const native = await postJson(`${h.url}/ai/run/${MODEL}`, { prompt: "hi" }, headers);
    const nativeText = await native.text();
    expect(native.status, nativeText).toBe(401);
    const envelope = JSON.parse(nativeText) as { success: boolean; errors: { code: number; message: string }[] };
    expect(envelope.success).toBe(false);
    expect(envelope.errors[0]?.code).toBe(2009);
    expect(envelope.errors[0]?.message).toContain("workers-ai");
    expect(envelope.errors[0]?.message).toContain("prod");

    const chat = await postJson(`${h.url}/ai/v1/chat/completions`, { model: MODEL, messages: [{ role: "user", content: "hi" }] }, headers);
    const chatText = await chat.text();
    expect(chat.status, chatText).toBe(401);
    expect(JSON.parse(chatText)).toMatchObject({ internalCode: 2009 });
    for (const text of [nativeText, chatText]) expect(text).not.toContain("revoked-cloudflare-token");
    const row = await h.logRow(native.headers.get("cf-aig-log-id") ?? "");
    expect(row.statusCode).toBe(401);
  });

  it("tells a team without a Workers AI key how to store one with its account id", async () => {
    const t = await h.seed();
    const res = await postJson(`${h.url}/ai/run/${MODEL}`, { prompt: "hi" }, rest(t));
    expect(res.status).toBe(400);
    const body = await json<{ errors: { message: string }[] }>(res);
    expect(body.errors[0]?.message).toContain('{"accountId": "…", "apiToken": "…"}');
    expect(body.errors[0]?.message).not.toContain(t.token);
  });
});
