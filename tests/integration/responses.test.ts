import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { FAKE_ANTHROPIC_CONTENT, FAKE_ANTHROPIC_USAGE, startFakeAnthropic, type FakeAnthropic } from "../fake-providers/anthropic";
import { FAKE_GEMINI_CONTENT, FAKE_GEMINI_USAGE, startFakeGemini, type FakeGemini } from "../fake-providers/gemini";
import { describeGateway } from "../support/harness";
import { addKey, type SeededTeam } from "../support/seed";

const CLAUDE = "claude-sonnet-4-5";
const GEMINI = "gemini-2.5-flash";

describeGateway("POST /ai/v1/responses with the openai SDK, translated", (h) => {
  let anthropic: FakeAnthropic;
  let gemini: FakeGemini;
  beforeAll(async () => {
    [anthropic, gemini] = await Promise.all([startFakeAnthropic(), startFakeGemini()]);
  });
  afterAll(() => Promise.all([anthropic.close(), gemini.close()]));

  async function seeded(): Promise<{ t: SeededTeam; anthropicKey: string; geminiKey: string; client: OpenAI }> {
    const t = await h.seed();
    const anthropicKey = await addKey(t, { provider: "anthropic", baseUrl: anthropic.origin });
    const geminiKey = await addKey(t, { provider: "google-ai-studio", baseUrl: gemini.origin });
    return { t, anthropicKey, geminiKey, client: new OpenAI({ baseURL: `${h.url}/ai/v1`, apiKey: t.token, maxRetries: 0 }) };
  }

  it("answers from anthropic/…: the instructions become Anthropic's system, max_tokens comes from the catalog, usage is logged", async () => {
    const { anthropicKey, client } = await seeded();
    const { data: response, response: http } = await client.responses
      .create({ model: `anthropic/${CLAUDE}`, instructions: "Be brief.", input: "hi" })
      .withResponse();
    expect(response.output_text).toBe(FAKE_ANTHROPIC_CONTENT);
    expect(response.usage?.output_tokens).toBe(FAKE_ANTHROPIC_USAGE.output_tokens);

    const seen = anthropic.requests.filter((r) => r.headers["x-api-key"] === anthropicKey).at(-1)!;
    expect(seen.path).toBe("/v1/messages");
    expect(seen.body).toMatchObject({ model: CLAUDE, system: "Be brief.", messages: [{ role: "user" }] });
    expect(seen.body?.max_tokens).toBeGreaterThan(0);

    const row = await h.logRow(http.headers.get("cf-aig-log-id")!);
    expect(row).toMatchObject({
      provider: "anthropic",
      model: CLAUDE,
      ingressFormat: "openai-responses",
      statusCode: 200,
      tokensIn: FAKE_ANTHROPIC_USAGE.input_tokens,
      tokensOut: FAKE_ANTHROPIC_USAGE.output_tokens,
    });
    expect(row.costMicros).toBeGreaterThan(0);
    const payload = await h.payload(row.id);
    expect(JSON.parse(payload!.providerRequestBody!)).toMatchObject({ model: CLAUDE, system: "Be brief." });
  });

  it("streams from anthropic/… as Responses events, logging the summed usage", async () => {
    const { client } = await seeded();
    const { data: stream, response: http } = await client.responses
      .create({ model: `anthropic/${CLAUDE}`, input: "hi", stream: true })
      .withResponse();
    let text = "";
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      if (event.type === "response.output_text.delta") text += event.delta;
      if (event.type === "response.completed") completed = event.response;
    }
    expect(text).toBe(FAKE_ANTHROPIC_CONTENT);
    expect(completed?.usage?.output_tokens).toBe(FAKE_ANTHROPIC_USAGE.output_tokens);
    const row = await h.logRow(http.headers.get("cf-aig-log-id")!);
    expect(row).toMatchObject({ stream: true, statusCode: 200, tokensIn: FAKE_ANTHROPIC_USAGE.input_tokens, tokensOut: FAKE_ANTHROPIC_USAGE.output_tokens });
  });

  it("calls tools on anthropic/… and returns them as function_call items", async () => {
    const { client } = await seeded();
    const response = await client.responses.create({
      model: `anthropic/${CLAUDE}`,
      input: "weather?",
      tools: [{ type: "function", name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } }, strict: false }],
    });
    const call = response.output.find((item) => item.type === "function_call");
    expect(call).toMatchObject({ type: "function_call", name: "get_weather" });
    expect(JSON.parse((call as OpenAI.Responses.ResponseFunctionToolCall).arguments)).toEqual({ city: "fake-city" });
  });

  it("answers and streams from google-ai-studio/…, with the key in x-goog-api-key", async () => {
    const { geminiKey, client } = await seeded();
    const { data: response, response: http } = await client.responses.create({ model: `google-ai-studio/${GEMINI}`, input: "hi" }).withResponse();
    expect(response.output_text).toBe(FAKE_GEMINI_CONTENT);
    const seen = gemini.requests.filter((r) => r.headers["x-goog-api-key"] === geminiKey).at(-1)!;
    expect(seen.path).toBe(`/v1beta/models/${GEMINI}:generateContent`);
    const row = await h.logRow(http.headers.get("cf-aig-log-id")!);
    expect(row).toMatchObject({ provider: "google-ai-studio", tokensIn: FAKE_GEMINI_USAGE.promptTokenCount, tokensCached: FAKE_GEMINI_USAGE.cachedContentTokenCount });

    const stream = await client.responses.create({ model: `google-ai-studio/${GEMINI}`, input: "hi", stream: true });
    let text = "";
    for await (const event of stream) if (event.type === "response.output_text.delta") text += event.delta;
    expect(text).toBe(FAKE_GEMINI_CONTENT);
  });

  it("sends an openai/… request to OpenAI's own /responses as sent, without translation", async () => {
    const { t, client } = await seeded();
    const { data: response, response: http } = await client.responses.create({ model: "openai/gpt-4o-mini", input: "hi", store: false }).withResponse();
    expect(response.output_text).toBe(h.fake.content);
    const seen = h.upstreamWithKey(t.providerKey);
    expect(seen.path).toMatch(/\/responses$/);
    expect(seen.body).toEqual({ model: "gpt-4o-mini", input: "hi", store: false });
    const row = await h.logRow(http.headers.get("cf-aig-log-id")!);
    expect(row).toMatchObject({ provider: "openai", ingressFormat: "openai-responses", statusCode: 200 });
    expect(row.tokensOut).toBeGreaterThan(0);
    expect((await h.payload(row.id))?.providerRequestBody).toBeNull();
  });

  it("translates a provider's error into OpenAI's shape, keeping its status and message", async () => {
    const { client } = await seeded();
    const failed = await client.responses.create({ model: "anthropic/fake-error-429", input: "hi" }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(OpenAI.RateLimitError);
    expect((failed as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
  });
});
