// Every streaming path counts tokens and cost even when the client did not ask for usage: the
// gateway asks the provider for it and takes it out of the client's stream again.
import { afterAll, beforeAll, expect, it } from "vitest";
import { workersAiSecret } from "@/lib/providers/workers-ai";
import { costMicros } from "@/lib/pricing/cost";
import { FAKE_ANTHROPIC_USAGE, startFakeAnthropic, type FakeAnthropic } from "../fake-providers/anthropic";
import { FAKE_GEMINI_USAGE, startFakeGemini, type FakeGemini } from "../fake-providers/gemini";
import { startFakeWorkersAi, type FakeWorkersAi } from "../fake-providers/workers-ai";
import { describeGateway } from "../support/harness";
import { bearer, chatBody, postJson, SseReader } from "../support/http";
import { addCustomProvider, addKey, type SeededTeam } from "../support/seed";

describeGateway("stream usage the client did not ask for", (h) => {
  let anthropic: FakeAnthropic;
  let gemini: FakeGemini;
  let workersAi: FakeWorkersAi;
  beforeAll(async () => {
    [anthropic, gemini, workersAi] = await Promise.all([startFakeAnthropic(), startFakeGemini(), startFakeWorkersAi()]);
  });
  afterAll(() => Promise.all([anthropic.close(), gemini.close(), workersAi.close()]));

  async function seeded(): Promise<SeededTeam> {
    const t = await h.seed();
    await addKey(t, { provider: "anthropic", baseUrl: anthropic.origin });
    await addKey(t, { provider: "google-ai-studio", baseUrl: gemini.origin });
    await addKey(t, {
      provider: "workers-ai",
      secret: workersAiSecret(workersAi.accountId, workersAi.apiToken),
      baseUrl: `${workersAi.origin}/client/v4/accounts/{account_id}/ai`,
    });
    await addCustomProvider(t, "selfhosted", `${h.fake.origin}/selfhosted/v1`);
    await addKey(t, { provider: "custom-selfhosted", baseUrl: `${h.fake.origin}/selfhosted/v1` });
    return t;
  }

  /** Streams `body` to `path` and reads the stream through; the log row and what the client saw. */
  async function stream(t: SeededTeam, path: string, body: Record<string, unknown>) {
    const res = await postJson(`${t.gatewayUrl}${path}`, { ...body, stream: true }, bearer(t.token));
    expect(res.status).toBe(200);
    const events = await new SseReader(res).rest();
    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    return { row, events };
  }

  const openaiUsage = () => ({ input: h.fake.usage.prompt_tokens, output: h.fake.usage.completion_tokens, cached: h.fake.usage.cached_tokens });

  it("compat → openai: tokens and cost, and no usage chunk for the client", async () => {
    const t = await seeded();
    const { row, events } = await stream(t, "/compat/chat/completions", chatBody("openai/gpt-4o-mini"));
    expect(events.filter((e) => e.includes('"usage":{'))).toEqual([]);
    expect(row).toMatchObject({ tokensIn: openaiUsage().input, tokensOut: openaiUsage().output, costMicros: costMicros("openai", "gpt-4o-mini", openaiUsage()).micros });
    expect(row.costMicros).toBeGreaterThan(0);
  });

  it("compat → anthropic: tokens and cost", async () => {
    const t = await seeded();
    const { row, events } = await stream(t, "/compat/chat/completions", chatBody("anthropic/claude-sonnet-4-5"));
    expect(events.filter((e) => e.includes('"usage":{'))).toEqual([]);
    expect(row.tokensOut).toBe(FAKE_ANTHROPIC_USAGE.output_tokens);
    expect(row.tokensIn).toBeGreaterThan(0);
    expect(row.costMicros).toBeGreaterThan(0);
  });

  it("compat → google-ai-studio: tokens and cost", async () => {
    const t = await seeded();
    const { row } = await stream(t, "/compat/chat/completions", chatBody("google-ai-studio/gemini-2.5-flash"));
    expect(row.tokensOut).toBeGreaterThan(0);
    expect(row.tokensIn).toBe(FAKE_GEMINI_USAGE.promptTokenCount);
    expect(row.costMicros).toBeGreaterThan(0);
  });

  it("compat → workers-ai: tokens and cost", async () => {
    const t = await seeded();
    const { row } = await stream(t, "/compat/chat/completions", chatBody("workers-ai/@cf/meta/llama-3.1-8b-instruct"));
    expect(row.tokensIn).toBeGreaterThan(0);
    expect(row.tokensOut).toBeGreaterThan(0);
    expect(row.costMicros).toBeGreaterThan(0);
  });

  it("compat → a custom (self-hosted) provider: tokens", async () => {
    const t = await seeded();
    const { row } = await stream(t, "/compat/chat/completions", chatBody("custom-selfhosted/llama3"));
    expect(row).toMatchObject({ tokensIn: openaiUsage().input, tokensOut: openaiUsage().output });
  });

  it("the provider's own path (/openai/chat/completions): tokens and cost", async () => {
    const t = await seeded();
    const { row } = await stream(t, "/openai/chat/completions", chatBody("gpt-4o-mini"));
    expect(row).toMatchObject({ tokensIn: openaiUsage().input, tokensOut: openaiUsage().output });
    expect(row.costMicros).toBeGreaterThan(0);
  });

  it("a custom provider's own path: tokens", async () => {
    const t = await seeded();
    const { row } = await stream(t, "/custom-selfhosted/chat/completions", chatBody("llama3"));
    expect(row).toMatchObject({ tokensIn: openaiUsage().input, tokensOut: openaiUsage().output });
  });

  it("anthropic's own path: tokens and cost", async () => {
    const t = await seeded();
    const { row } = await stream(t, "/anthropic/v1/messages", { model: "claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user", content: "hi" }] });
    expect(row.tokensOut).toBe(FAKE_ANTHROPIC_USAGE.output_tokens);
    expect(row.costMicros).toBeGreaterThan(0);
  });

  it("the REST API's /ai/v1/chat/completions: tokens and cost", async () => {
    const t = await seeded();
    const res = await postJson(`${h.url}/ai/v1/chat/completions`, { ...chatBody("openai/gpt-4o-mini"), stream: true }, { ...bearer(t.token), "cf-aig-gateway-id": t.gateway.slug });
    expect(res.status).toBe(200);
    await new SseReader(res).rest();
    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    expect(row).toMatchObject({ tokensIn: openaiUsage().input, tokensOut: openaiUsage().output });
    expect(row.costMicros).toBeGreaterThan(0);
  });

  it("a provider that streams no usage though asked (a self-hosted server): tokens estimated, not zero", async () => {
    const t = await seeded();
    for (const [path, model] of [
      ["/compat/chat/completions", "custom-selfhosted/fake-no-usage"],
      ["/custom-selfhosted/chat/completions", "fake-no-usage"],
    ] as const) {
      const { row } = await stream(t, path, chatBody(model));
      expect(row.success).toBe(true);
      expect(row.tokensIn).toBeGreaterThan(0);
      expect(row.tokensOut).toBeGreaterThan(0);
    }
    // Priced models get a cost from the estimate.
    const res = await postJson(`${t.gatewayUrl}/openai/chat/completions`, { ...chatBody("gpt-4o-mini"), stream: true }, { ...bearer(t.token), "x-fake-mode": "fake-no-usage" });
    await new SseReader(res).rest();
    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    expect(row.tokensOut).toBeGreaterThan(0);
    expect(row.costMicros).toBeGreaterThan(0);
  });
});
