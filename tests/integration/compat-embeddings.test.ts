import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { costMicros } from "@/lib/pricing/cost";
import { startFakeGemini, type FakeGemini } from "../fake-providers/gemini";
import { describeGateway } from "../support/harness";
import { addKey, type SeededTeam } from "../support/seed";

const TEN_WORDS = "two three four five six seven eight nine ten eleven";
/** A hundred words: text-embedding-3-small's price makes that a few micro-dollars. */
const HUNDRED_WORDS = Array.from({ length: 10 }, () => TEN_WORDS).join(" ");

describeGateway("/compat/embeddings, as /ai/v1/embeddings on the gateway's own URL", (h) => {
  let gemini: FakeGemini;
  beforeAll(async () => {
    gemini = await startFakeGemini();
  });
  afterAll(() => gemini.close());

  /** A team with OpenAI (the harness's fake) and Google AI Studio keys, and the openai SDK on the gateway's compat URL. */
  async function seeded(): Promise<{ t: SeededTeam; compat: OpenAI }> {
    const t = await h.seed();
    await addKey(t, { provider: "google-ai-studio", baseUrl: gemini.origin });
    return { t, compat: new OpenAI({ baseURL: `${t.gatewayUrl}/compat`, apiKey: t.token, maxRetries: 0 }) };
  }

  it("routes openai/… to OpenAI's embeddings as sent, and logs tokens and cost", async () => {
    const { t, compat } = await seeded();
    const { data: answer, response } = await compat.embeddings
      .create({ model: "openai/text-embedding-3-small", input: ["one", HUNDRED_WORDS], encoding_format: "float" })
      .withResponse();
    expect(answer.data.map((d) => d.index)).toEqual([0, 1]);
    expect(answer.data[0]!.embedding).toHaveLength(8);
    expect(answer.usage).toEqual({ prompt_tokens: 101, total_tokens: 101 });
    const seen = h.upstreamWithKey(t.providerKey);
    expect(seen.path).toBe("/v1/embeddings");
    expect(seen.body).toMatchObject({ model: "text-embedding-3-small", input: ["one", HUNDRED_WORDS] });

    const row = await h.logRow(response.headers.get("cf-aig-log-id")!);
    expect(row).toMatchObject({ gatewayId: t.gateway.id, provider: "openai", model: "text-embedding-3-small", path: "compat/embeddings", statusCode: 200, tokensIn: 101 });
    expect(row.costMicros).toBe(costMicros("openai", "text-embedding-3-small", { input: 101, output: 0, cached: 0 }).micros);
    expect(row.costMicros).toBeGreaterThan(0);
  });

  it("translates google-ai-studio/… to Gemini's batchEmbedContents, base64 as the SDK asks", async () => {
    const { compat } = await seeded();
    const { data: answer, response } = await compat.embeddings
      .create({ model: "google-ai-studio/gemini-embedding-001", input: TEN_WORDS, dimensions: 4 })
      .withResponse();
    expect(answer.data).toHaveLength(1);
    expect(answer.data[0]!.embedding).toHaveLength(4);
    const row = await h.logRow(response.headers.get("cf-aig-log-id")!);
    expect(row).toMatchObject({ provider: "google-ai-studio", model: "gemini-embedding-001", tokensIn: 10 });
    expect(row.costMicros).toBeGreaterThan(0);
  });

  it("refuses a model without a provider, and an unknown provider, in OpenAI's error shape", async () => {
    const { compat } = await seeded();
    for (const [model, mentions] of [
      ["text-embedding-3-small", "{provider}/{model}"],
      ["nosuchprovider/x", "nosuchprovider"],
    ] as const) {
      const error = await compat.embeddings.create({ model, input: "hi" }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as InstanceType<typeof OpenAI.BadRequestError>).message).toContain(mentions);
    }
  });
});
