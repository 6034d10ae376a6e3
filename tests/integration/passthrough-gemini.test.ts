import { GoogleGenAI } from "@google/genai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { costMicros } from "@/lib/pricing/cost";
import { FAKE_GEMINI_CONTENT, FAKE_GEMINI_USAGE, startFakeGemini, type FakeGemini } from "../fake-providers/gemini";
import { describeGateway } from "../support/harness";
import { json } from "../support/http";
import { addKey, type SeededTeam } from "../support/seed";

const MODEL = "gemini-2.5-flash";
const { promptTokenCount, candidatesTokenCount, cachedContentTokenCount, thoughtsTokenCount } = FAKE_GEMINI_USAGE;

describeGateway("Google AI Studio passthrough", (h) => {
  let fake: FakeGemini;
  beforeAll(async () => {
    fake = await startFakeGemini();
  });
  afterAll(() => fake.close());

  /** A team whose stored Google key points at the fake; the GenAI SDK sends the gateway token as its API key. */
  async function seeded(apiVersion?: string): Promise<{ t: SeededTeam; key: string; ai: GoogleGenAI }> {
    const t = await h.seed({ storedKey: false });
    const key = await addKey(t, { provider: "google-ai-studio", baseUrl: fake.origin });
    const ai = new GoogleGenAI({ apiKey: t.token, httpOptions: { baseUrl: `${t.gatewayUrl}/google-ai-studio`, apiVersion } });
    return { t, key, ai };
  }

  function upstreamWith(key: string) {
    const seen = fake.requests.filter((r) => r.headers["x-goog-api-key"] === key).at(-1);
    if (!seen) throw new Error(`the fake Gemini received no request with key ${key}`);
    return seen;
  }

  /** What the fake reports, as the log counts it: output includes thoughts, input the cached tokens. */
  function thinkingUsage(thoughts: number) {
    return { input: promptTokenCount, output: candidatesTokenCount + thoughts, cached: cachedContentTokenCount };
  }

  async function logOf(team: SeededTeam) {
    const rows = await h.logRows(team.team.id);
    expect(rows).toHaveLength(1);
    return rows[0]!;
  }

  it("answers the GenAI SDK through a stored key, and logs tokens, cached tokens and cost", async () => {
    const { t, key, ai } = await seeded("v1beta");
    const reply = await ai.models.generateContent({
      model: MODEL,
      contents: "hi",
      config: { thinkingConfig: { includeThoughts: false, thinkingBudget: 100 } },
    });
    expect(reply.text).toBe(FAKE_GEMINI_CONTENT);

    const seen = upstreamWith(key);
    expect(seen.path).toBe(`/v1beta/models/${MODEL}:generateContent`);
    expect(JSON.stringify(seen.headers)).not.toContain(t.token);

    const row = await logOf(t);
    const usage = thinkingUsage(thoughtsTokenCount);
    expect(row).toMatchObject({
      provider: "google-ai-studio",
      model: MODEL,
      stream: false,
      statusCode: 200,
      tokensIn: usage.input,
      tokensOut: usage.output,
      tokensCached: usage.cached,
      costMicros: costMicros("google-ai-studio", MODEL, usage).micros,
    });
    expect(row.costMicros).toBeGreaterThan(0);
  });

  it("streams to the GenAI SDK (server-sent events) and logs the stream's usage", async () => {
    const { t, key, ai } = await seeded();
    let text = "";
    for await (const chunk of await ai.models.generateContentStream({ model: MODEL, contents: "hi" })) text += chunk.text ?? "";
    expect(text.replace(/\s+/g, " ").trim()).toBe(FAKE_GEMINI_CONTENT);
    const seen = upstreamWith(key);
    expect(seen.path).toBe(`/v1/models/${MODEL}:streamGenerateContent`);
    expect(seen.query.alt).toBe("sse");

    const row = await logOf(t);
    const usage = thinkingUsage(0);
    expect(row).toMatchObject({
      provider: "google-ai-studio",
      model: MODEL,
      stream: true,
      success: true,
      tokensIn: usage.input,
      tokensOut: usage.output,
      tokensCached: usage.cached,
      costMicros: costMicros("google-ai-studio", MODEL, usage).micros,
    });
  });

  it("reads the usage of a stream sent as a JSON array (no alt=sse) and passes it untouched", async () => {
    const { t } = await seeded();
    const res = await fetch(`${t.gatewayUrl}/google-ai-studio/v1beta/models/${MODEL}:streamGenerateContent`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": t.token },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
    });
    expect(res.status).toBe(200);
    const chunks = await json<Array<{ candidates?: Array<{ content: { parts: Array<{ text?: string }> } }> }>>(res);
    expect(Array.isArray(chunks)).toBe(true);
    const text = chunks.flatMap((c) => c.candidates?.[0]?.content.parts.map((p) => p.text ?? "") ?? []).join("");
    expect(text.replace(/\s+/g, " ").trim()).toBe(FAKE_GEMINI_CONTENT);

    const row = await logOf(t);
    expect(row).toMatchObject({ stream: true, tokensIn: promptTokenCount, tokensOut: candidatesTokenCount, tokensCached: cachedContentTokenCount });
    expect(row.costMicros).toBeGreaterThan(0);
  });

  it("logs the tokens and cost of embedContent, and passes countTokens through unbilled", async () => {
    const { t, ai } = await seeded();
    const embedded = await ai.models.embedContent({ model: "gemini-embedding-001", contents: "one two three" });
    expect(embedded.embeddings?.[0]?.values?.length).toBeGreaterThan(0);
    const counted = await ai.models.countTokens({ model: MODEL, contents: "hi there" });
    expect(counted.totalTokens).toBeGreaterThan(0);

    const rows = await h.logRows(t.team.id);
    // The SDK sends embedContent as batchEmbedContents to the Gemini API.
    const embedRow = rows.find((r) => /:(?:batchEmbedContents|embedContent)$/.test(r.path));
    expect(embedRow).toMatchObject({ provider: "google-ai-studio", model: "gemini-embedding-001", tokensIn: 3, tokensOut: 0 });
    expect(embedRow?.costMicros).toBe(costMicros("google-ai-studio", "gemini-embedding-001", { input: 3, output: 0, cached: 0 }).micros);
    const countRow = rows.find((r) => r.path.endsWith(":countTokens"));
    expect(countRow).toMatchObject({ model: MODEL, statusCode: 200, tokensIn: 0, costMicros: 0 });
  });

  it("refuses a gateway token in ?key=, never forwarding it", async () => {
    const { t } = await seeded();
    const body = JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] });
    const url = `${t.gatewayUrl}/google-ai-studio/v1beta/models/${MODEL}:generateContent`;
    const refused = await fetch(`${url}?key=${t.token}`, {
      method: "POST",
      headers: { "content-type": "application/json", "cf-aig-authorization": `Bearer ${t.token}` },
      body,
    });
    expect(refused.status).toBe(400);
    expect((await json<{ error: { message: string } }>(refused)).error.message).toMatch(/x-goog-api-key/);
    expect(fake.requests.some((r) => JSON.stringify(r.query).includes(t.token))).toBe(false);
  });
});
