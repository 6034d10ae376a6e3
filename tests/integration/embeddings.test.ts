import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { costMicros } from "@/lib/pricing/cost";
import { startFakeGemini, type FakeGemini, type FakeGeminiRequest } from "../fake-providers/gemini";
import { describeGateway } from "../support/harness";
import { bearer, json, postJson } from "../support/http";
import { addKey, type SeededTeam } from "../support/seed";

/** Enough tokens (the fake counts one per word) for the cost to be at least a micro-dollar. */
const TEN_WORDS = "two three four five six seven eight nine ten eleven";

describeGateway("/ai/v1/embeddings translated to Google AI Studio's batchEmbedContents", (h) => {
  let gemini: FakeGemini;
  beforeAll(async () => {
    gemini = await startFakeGemini();
  });
  afterAll(() => gemini.close());

  /** A team whose stored Google key points at the fake, and the openai SDK on the REST surface. */
  async function seeded(): Promise<{ t: SeededTeam; key: string; rest: OpenAI }> {
    const t = await h.seed();
    const key = await addKey(t, { provider: "google-ai-studio", baseUrl: gemini.origin });
    return { t, key, rest: new OpenAI({ baseURL: `${h.url}/ai/v1`, apiKey: t.token, maxRetries: 0 }) };
  }

  const upstreamWith = (key: string) => gemini.requests.filter((r) => r.headers["x-goog-api-key"] === key);

  /** The vectors the fake gives for the request the gateway made, asked of it directly. */
  async function vectorsFor(seen: FakeGeminiRequest, key: string): Promise<number[][]> {
    const res = await fetch(`${gemini.origin}${seen.path}`, { method: "POST", headers: { "content-type": "application/json", "x-goog-api-key": key }, body: seen.rawBody });
    const answer = await json<{ embeddings: { values: number[] }[] }>(res);
    return answer.embeddings.map((e) => e.values);
  }

  it("answers the openai SDK's embeddings.create (base64 on the wire) with Gemini's vectors, and logs tokens and cost", async () => {
    const { t, key, rest } = await seeded();
    const { data: answer, response } = await rest.embeddings
      .create({ model: "google-ai-studio/gemini-embedding-001", input: ["one", TEN_WORDS], dimensions: 4 })
      .withResponse();

    const [seen, ...more] = upstreamWith(key);
    expect(more).toHaveLength(0);
    expect(seen!.path).toBe("/v1beta/models/gemini-embedding-001:batchEmbedContents");
    expect(seen!.body).toEqual({
      requests: [
        { model: "models/gemini-embedding-001", content: { parts: [{ text: "one" }] }, outputDimensionality: 4 },
        { model: "models/gemini-embedding-001", content: { parts: [{ text: TEN_WORDS }] }, outputDimensionality: 4 },
      ],
    });
    expect(JSON.stringify(seen!.headers)).not.toContain(t.token);

    // The SDK asked for base64 and decoded the float32 bytes: Gemini's numbers as float32.
    const expected = (await vectorsFor(seen!, key)).map((values) => values.map(Math.fround));
    expect(answer.object).toBe("list");
    expect(answer.model).toBe("gemini-embedding-001");
    expect(answer.data.map((d) => d.index)).toEqual([0, 1]);
    expect(answer.data.map((d) => d.embedding)).toEqual(expected);
    expect(answer.usage).toEqual({ prompt_tokens: 11, total_tokens: 11 });

    const row = await h.logRow(response.headers.get("cf-aig-log-id")!);
    expect(row).toMatchObject({ provider: "google-ai-studio", model: "gemini-embedding-001", statusCode: 200, tokensIn: 11, tokensOut: 0, stream: false });
    expect(row.costMicros).toBe(costMicros("google-ai-studio", "gemini-embedding-001", { input: 11, output: 0, cached: 0 }).micros);
    expect(row.costMicros).toBeGreaterThan(0);
    const payload = await h.payload(row.id);
    expect(JSON.parse(payload!.providerRequestBody!)).toEqual(seen!.body);
    expect(JSON.parse(payload!.requestBody!)).toMatchObject({ model: "google-ai-studio/gemini-embedding-001", encoding_format: "base64" });
  });

  it("takes Cloudflare's google/… author name and float vectors as asked", async () => {
    const { key, rest } = await seeded();
    const answer = await rest.embeddings.create({ model: "google/text-embedding-004", input: "hello world", encoding_format: "float" });
    const [seen] = upstreamWith(key);
    expect(seen!.path).toBe("/v1beta/models/text-embedding-004:batchEmbedContents");
    expect(answer.data).toHaveLength(1);
    expect(answer.data[0]!.embedding).toEqual((await vectorsFor(seen!, key))[0]);
    expect(answer.usage.prompt_tokens).toBe(2);
  });

  it("refuses what Gemini cannot embed with a 400 naming the field, before calling it", async () => {
    const { t, key } = await seeded();
    for (const [body, field] of [
      [{ input: [[1, 2, 3]] }, "input"],
      [{ input: "a", encoding_format: "int8" }, "encoding_format"],
      [{ input: "a", dimensions: 0 }, "dimensions"],
      [{ input: "a", stream: true }, "stream"],
    ] as const) {
      const res = await postJson(`${h.url}/ai/v1/embeddings`, { model: "google-ai-studio/gemini-embedding-001", ...body }, bearer(t.token));
      expect(res.status).toBe(400);
      const { error } = await json<{ error: { message: string; param: string | null } }>(res);
      expect(error.param).toBe(field);
      expect(error.message).toContain(field);
    }
    expect(upstreamWith(key)).toHaveLength(0);
  });

  it("gives Gemini's error back in OpenAI's shape, with its status and message", async () => {
    const { t, key, rest } = await seeded();
    const failure = await rest.embeddings.create({ model: "google-ai-studio/fake-error-429", input: "a" }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    const error = failure as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(429);
    expect(error.message).toContain("You exceeded your current quota");
    expect(upstreamWith(key)).toHaveLength(1);
    const rows = await h.logRows(t.team.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ provider: "google-ai-studio", statusCode: 429, success: false });
  });

  it("still refuses a provider with no embeddings at all", async () => {
    const { t } = await seeded();
    await addKey(t, { provider: "anthropic", baseUrl: gemini.origin });
    const res = await postJson(`${h.url}/ai/v1/embeddings`, { model: "anthropic/claude-haiku-4-5", input: "a" }, bearer(t.token));
    expect(res.status).toBe(400);
    expect((await json<{ error: { code: string } }>(res)).error.code).toBe("unsupported_endpoint");
  });
});
