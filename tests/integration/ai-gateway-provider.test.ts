import { generateText, streamText } from "ai";
import { AiGatewayDoesNotExist, AiGatewayUnauthorizedError, createAiGateway } from "ai-gateway-provider";
import { createAnthropic } from "ai-gateway-provider/providers/anthropic";
import { createGoogleGenerativeAI } from "ai-gateway-provider/providers/google";
import { createOpenAI } from "ai-gateway-provider/providers/openai";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { FAKE_ANTHROPIC_CONTENT, startFakeAnthropic, type FakeAnthropic } from "../fake-providers/anthropic";
import { FAKE_GEMINI_CONTENT, startFakeGemini, type FakeGemini } from "../fake-providers/gemini";
import { describeGateway } from "../support/harness";
import { addCustomProvider, addKey, type SeededTeam } from "../support/seed";

/** Where Cloudflare's client sends every request; only this host changes, to the test's gateway. */
const CLOUDFLARE = "https://gateway.ai.cloudflare.com";

/**
 * Cloudflare's own client for the AI SDK (`ai-gateway-provider`), run as a user would against
 * Switchyard: it posts the Universal endpoint an array of steps built from the AI SDK's providers,
 * reads `cf-aig-step` to pick the model that parses the answer, and throws its own error classes on
 * 2001 and 2009 in Cloudflare's envelope.
 */
describeGateway("Cloudflare's ai-gateway-provider client", (h) => {
  let anthropic: FakeAnthropic;
  let gemini: FakeGemini;
  const realFetch = globalThis.fetch;
  beforeAll(async () => {
    [anthropic, gemini] = await Promise.all([startFakeAnthropic(), startFakeGemini()]);
  });
  afterAll(() => Promise.all([anthropic.close(), gemini.close()]));
  beforeEach(() => {
    globalThis.fetch = (input, init) => {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      return url.startsWith(CLOUDFLARE) ? realFetch(h.url + url.slice(CLOUDFLARE.length), init) : realFetch(input, init);
    };
  });
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  /** A team with stored OpenAI, Anthropic and Gemini keys at the fakes; the client holds only the gateway token. */
  async function seeded(): Promise<{ t: SeededTeam; aigateway: ReturnType<typeof createAiGateway> }> {
    const t = await h.seed();
    await Promise.all([
      addKey(t, { provider: "anthropic", baseUrl: anthropic.origin }),
      addKey(t, { provider: "google-ai-studio", baseUrl: gemini.origin }),
    ]);
    return { t, aigateway: createAiGateway({ accountId: t.team.slug, gateway: t.gateway.slug, apiKey: t.token }) };
  }

  it("gets an answer through stored keys: the client sends no provider key", async () => {
    const { t, aigateway } = await seeded();
    const openai = createOpenAI();
    const result = await generateText({ model: aigateway(openai.chat("gpt-4o-mini")), prompt: "Say hello.", maxRetries: 0 });
    expect(result.text).toBe(h.fake.content);
    expect(result.usage.inputTokens).toBe(h.fake.usage.prompt_tokens);
    const seen = h.upstreamWithKey(t.providerKey);
    expect(seen.path).toBe("/v1/chat/completions");
    expect(JSON.stringify(seen.headers)).not.toContain("CF_TEMP_TOKEN");
    expect(JSON.stringify(seen.headers)).not.toContain(t.token);
  });

  it("gets an answer from OpenAI's Responses API, the AI SDK's default", async () => {
    const { t, aigateway } = await seeded();
    const result = await generateText({ model: aigateway(createOpenAI()("gpt-4o-mini")), prompt: "Say hello.", maxRetries: 0 });
    expect(result.text).toBe(h.fake.content);
    expect(h.upstreamWithKey(t.providerKey).path).toBe("/v1/responses");
  });

  it("streams", async () => {
    const { aigateway } = await seeded();
    const result = streamText({ model: aigateway(createAnthropic()("claude-sonnet-4-5")), prompt: "Say hello.", maxRetries: 0 });
    const parts: string[] = [];
    for await (const text of result.textStream) parts.push(text);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join("")).toBe(FAKE_ANTHROPIC_CONTENT);
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
  });

  it("falls back when the first model's provider fails, and parses the answer with the model that gave it", async () => {
    const { t, aigateway } = await seeded();
    const model = aigateway([createOpenAI().chat("fake-error-500"), createAnthropic()("fake-error-529"), createGoogleGenerativeAI()("gemini-2.5-flash")]);
    const result = await generateText({ model, prompt: "Say hello.", maxRetries: 0 });
    expect(result.text).toBe(FAKE_GEMINI_CONTENT);
    const requestId = result.response.headers?.["cf-aig-request-id"];
    expect(result.response.headers?.["cf-aig-step"]).toBe("2");
    const rows = (await h.logRows(t.team.id)).filter((r) => r.requestId === requestId);
    expect(rows.map((r) => [r.step, r.provider, r.statusCode]).sort()).toEqual([
      [0, "openai", 500],
      [1, "anthropic", 529],
      [2, "google-ai-studio", 200],
    ]);

    const streamed = streamText({ model, prompt: "Say hello.", maxRetries: 0 });
    let text = "";
    for await (const part of streamed.textStream) text += part;
    expect(text).toBe(FAKE_GEMINI_CONTENT);
  });

  it("sends the client's own key when it has one", async () => {
    const { t, aigateway } = await seeded();
    // A key the client holds goes to the provider's own host, so the provider is a custom one at the fake, through compat.
    await addCustomProvider(t, "own", `${h.fake.origin}/own/v1`);
    const ownKey = `sk-client-own-${t.team.slug}`;
    const compat = createOpenAI({ baseURL: `${CLOUDFLARE}/v1/compat`, apiKey: ownKey });
    const result = await generateText({ model: aigateway(compat.chat("custom-own/my-model")), prompt: "Say hello.", maxRetries: 0 });
    expect(result.text).toBe(h.fake.content);
    const seen = h.upstreamWithKey(ownKey);
    expect(seen.path).toBe("/own/v1/chat/completions");
    expect(seen.body?.model).toBe("my-model");
  });

  it("throws AiGatewayDoesNotExist for an unknown gateway or team (2001)", async () => {
    const { t } = await seeded();
    const model = createOpenAI().chat("gpt-4o-mini");
    for (const [accountId, gateway] of [
      [t.team.slug, "nosuchgateway"],
      [`nosuchteam-${t.team.slug}`, "main"],
    ]) {
      const aigateway = createAiGateway({ accountId: accountId!, gateway: gateway!, apiKey: t.token });
      await expect(generateText({ model: aigateway(model), prompt: "hi", maxRetries: 0 })).rejects.toBeInstanceOf(AiGatewayDoesNotExist);
    }
  });

  it("throws AiGatewayUnauthorizedError for a bad or missing gateway token (2009)", async () => {
    const { t } = await seeded();
    const model = createOpenAI().chat("gpt-4o-mini");
    for (const apiKey of ["sy_notavalidtoken", ""]) {
      const aigateway = createAiGateway({ accountId: t.team.slug, gateway: t.gateway.slug, apiKey });
      await expect(generateText({ model: aigateway(model), prompt: "hi", maxRetries: 0 })).rejects.toBeInstanceOf(AiGatewayUnauthorizedError);
    }
  });
});
