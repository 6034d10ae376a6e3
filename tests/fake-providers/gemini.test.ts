import { FunctionCallingConfigMode, GoogleGenAI, Type, type FunctionDeclaration } from "@google/genai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_GEMINI_CONTENT, FAKE_GEMINI_THINKING, FAKE_GEMINI_USAGE, startFakeGemini, type FakeGemini } from "./gemini";

const weather: FunctionDeclaration = {
  name: "get_weather",
  description: "Weather in a city",
  parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING }, days: { type: Type.INTEGER } }, required: ["city"] },
};
const time: FunctionDeclaration = { name: "get_time", parametersJsonSchema: { type: "object", properties: { zone: { type: "string" } } } };

// The fake must speak Gemini's wire format well enough for the official SDK, or gateway tests prove nothing.
describe("fake Gemini provider", () => {
  let fake: FakeGemini;
  let ai: GoogleGenAI;
  beforeAll(async () => {
    fake = await startFakeGemini();
    // The passthrough paths are v1beta's; the 3.x SDK defaults to v1 (see the last test).
    ai = new GoogleGenAI({ apiKey: "gemini-test-key", httpOptions: { baseUrl: fake.origin, apiVersion: "v1beta" } });
  });
  afterAll(() => fake.close());

  const post = (path: string, body: object, headers: Record<string, string> = { "x-goog-api-key": "k" }) =>
    fetch(`${fake.origin}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const hi = [{ role: "user", parts: [{ text: "hi" }] }];

  it("answers generateContent with text and usage, cached tokens included, and records what it received", async () => {
    const res = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "hi",
      config: { systemInstruction: "Be brief.", temperature: 0.2, maxOutputTokens: 100 },
    });
    expect(res.text).toBe(FAKE_GEMINI_CONTENT);
    expect(res.candidates?.[0]?.finishReason).toBe("STOP");
    const { promptTokenCount, candidatesTokenCount, cachedContentTokenCount } = FAKE_GEMINI_USAGE;
    expect(res.usageMetadata).toMatchObject({ promptTokenCount, candidatesTokenCount, cachedContentTokenCount, totalTokenCount: promptTokenCount + candidatesTokenCount });
    expect(res.usageMetadata?.thoughtsTokenCount).toBeUndefined();
    const seen = fake.requests.at(-1)!;
    expect(seen.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(seen.headers["x-goog-api-key"]).toBe("gemini-test-key");
    expect(seen.body).toMatchObject({ systemInstruction: { parts: [{ text: "Be brief." }] }, generationConfig: { temperature: 0.2, maxOutputTokens: 100 } });
  });

  it("streams server-sent events the SDK reads, usage so far on each chunk and all of it on the last", async () => {
    const chunks = [];
    for await (const chunk of await ai.models.generateContentStream({ model: "gemini-2.5-flash", contents: "hi" })) chunks.push(chunk);
    expect(chunks.map((c) => c.text).join("")).toBe(FAKE_GEMINI_CONTENT);
    expect(chunks.length).toBe(FAKE_GEMINI_CONTENT.split(" ").length);
    expect(chunks[0]?.usageMetadata?.candidatesTokenCount).toBeUndefined();
    expect(chunks.at(-1)?.usageMetadata?.candidatesTokenCount).toBe(FAKE_GEMINI_USAGE.candidatesTokenCount);
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe("STOP");
    const seen = fake.requests.at(-1)!;
    expect(seen.method).toBe("POST");
    expect(seen.query.alt).toBe("sse");
  });

  it("streams a JSON array without alt=sse, and takes the key in the query", async () => {
    const res = await post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?key=k", { contents: hi }, {});
    expect(res.headers.get("content-type")).toContain("application/json");
    const text = await res.text();
    expect(text.startsWith("[{")).toBe(true);
    const chunks = JSON.parse(text) as Array<{ candidates: Array<{ content: { parts: Array<{ text: string }> } }> }>;
    expect(chunks.map((c) => c.candidates[0]!.content.parts[0]!.text).join("")).toBe(FAKE_GEMINI_CONTENT);
  });

  it("calls every declared function in parallel, or those allowed, and answers text after the responses", async () => {
    const res = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "weather and time?", config: { tools: [{ functionDeclarations: [weather, time] }] } });
    expect(res.functionCalls?.map((c) => [c.name, c.args])).toEqual([
      ["get_weather", { city: "fake-city", days: 1 }],
      ["get_time", { zone: "fake-zone" }],
    ]);
    const allowed = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "time?",
      config: {
        tools: [{ functionDeclarations: [weather, time] }],
        toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: ["get_time"] } },
      },
    });
    expect(allowed.functionCalls?.map((c) => c.name)).toEqual(["get_time"]);
    const after = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: [
        { role: "user", parts: [{ text: "weather and time?" }] },
        res.candidates![0]!.content!,
        { role: "user", parts: res.functionCalls!.map((c) => ({ functionResponse: { name: c.name, response: { output: "ok" } } })) },
      ],
      config: { tools: [{ functionDeclarations: [weather, time] }] },
    });
    expect(after.text).toBe(FAKE_GEMINI_CONTENT);
  });

  it("thinks: thought parts with includeThoughts, thoughtsTokenCount, a signature it checks on the next turn", async () => {
    const res = await ai.models.generateContent({
      model: "gemini-3-flash",
      contents: "weather?",
      config: { tools: [{ functionDeclarations: [weather] }], thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 } },
    });
    const parts = res.candidates![0]!.content!.parts!;
    expect(parts[0]).toEqual({ text: FAKE_GEMINI_THINKING, thought: true });
    expect(parts[1]?.functionCall?.name).toBe("get_weather");
    expect(parts[1]?.thoughtSignature).toMatch(/\S+/);
    expect(res.usageMetadata?.thoughtsTokenCount).toBe(FAKE_GEMINI_USAGE.thoughtsTokenCount);

    const next = (modelParts: typeof parts) =>
      ai.models.generateContent({
        model: "gemini-3-flash",
        contents: [
          { role: "user", parts: [{ text: "weather?" }] },
          { role: "model", parts: modelParts },
          { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { output: "sunny" } } }] },
        ],
        config: { tools: [{ functionDeclarations: [weather] }], thinkingConfig: { includeThoughts: true } },
      });
    await expect(next(parts)).resolves.toMatchObject({ responseId: expect.any(String) });
    await expect(next(parts.map((p) => ({ ...p, thoughtSignature: p.thoughtSignature && "forged" })))).rejects.toMatchObject({ status: 400 });
    // Gemini 3 requires the signature back on the call.
    await expect(next(parts.map(({ thoughtSignature: _, ...p }) => p))).rejects.toMatchObject({ status: 400 });

    const streamed = [];
    for await (const chunk of await ai.models.generateContentStream({ model: "gemini-2.5-flash", contents: "hi", config: { thinkingConfig: { includeThoughts: true } } })) {
      streamed.push(...(chunk.candidates?.[0]?.content?.parts ?? []));
    }
    expect(streamed[0]).toEqual({ text: FAKE_GEMINI_THINKING, thought: true });
    expect(streamed[1]?.thoughtSignature).toMatch(/\S+/);
  });

  it("embeds through batchEmbedContents (what the SDK calls) and embedContent, with usage", async () => {
    const res = await ai.models.embedContent({ model: "gemini-embedding-001", contents: ["one two", "three"], config: { outputDimensionality: 4 } });
    expect(res.embeddings?.map((e) => e.values?.length)).toEqual([4, 4]);
    expect(fake.requests.at(-1)?.path).toBe("/v1beta/models/gemini-embedding-001:batchEmbedContents");
    const single = await post("/v1beta/models/gemini-embedding-001:embedContent", { content: { parts: [{ text: "one two three" }] } });
    expect(await single.json()).toMatchObject({ embedding: { values: expect.any(Array) }, usageMetadata: { promptTokenCount: 3 } });
  });

  it("counts tokens", async () => {
    const res = await ai.models.countTokens({ model: "gemini-2.5-flash", contents: "hi" });
    expect(res.totalTokens).toBe(FAKE_GEMINI_USAGE.promptTokenCount);
  });

  it("refuses what Google refuses: no key (403), unknown fields, a role other than user and model", async () => {
    const noKey = await post("/v1beta/models/gemini-2.5-flash:generateContent", { contents: hi }, {});
    expect(noKey.status).toBe(403);
    expect(await noKey.json()).toMatchObject({ error: { code: 403, status: "PERMISSION_DENIED" } });
    const unknown = await post("/v1beta/models/gemini-2.5-flash:generateContent", { contents: hi, generationConfig: { max_tokens: 5 } });
    expect(await unknown.json()).toMatchObject({ error: { code: 400, status: "INVALID_ARGUMENT", message: expect.stringContaining('Unknown name "maxTokens"') } });
    const snake = await post("/v1beta/models/gemini-2.5-flash:generateContent", { contents: hi, generation_config: { max_output_tokens: 2 } });
    expect(await snake.json()).toMatchObject({ candidates: [{ finishReason: "MAX_TOKENS" }] });
    const role = await post("/v1beta/models/gemini-2.5-flash:generateContent", { contents: [{ role: "assistant", parts: [{ text: "x" }] }, ...hi] });
    expect(role.status).toBe(400);
  });

  it.each([
    [429, "RESOURCE_EXHAUSTED"],
    [500, "INTERNAL"],
    [503, "UNAVAILABLE"],
  ])("fake-error-%i answers in Google's error shape, which the SDK raises", async (status, name) => {
    const call = ai.models.generateContent({ model: `fake-error-${status}`, contents: "hi" });
    await expect(call).rejects.toMatchObject({ status });
    const raw = await post(`/v1beta/models/fake-error-${status}:generateContent`, { contents: hi });
    expect(await raw.json()).toMatchObject({ error: { code: status, status: name, message: expect.any(String) } });
  });

  it("fake-slow streams the chunks it was asked for; fake-reset cuts the connection mid-chunk", async () => {
    const texts = [];
    for await (const chunk of await ai.models.generateContentStream({ model: "fake-slow-3-5", contents: "hi" })) texts.push(chunk.text);
    expect(texts).toEqual(["word0 ", "word1 ", "word2 "]);
    const reading = (async () => {
      for await (const chunk of await ai.models.generateContentStream({ model: "fake-reset-2", contents: "hi" })) void chunk;
    })();
    await expect(reading).rejects.toThrow();
    expect(await fake.requests.at(-1)!.responded).toBe(false);
  });

  it("serves the 3.x SDK's default API version, v1, too", async () => {
    const v1 = new GoogleGenAI({ apiKey: "gemini-test-key", httpOptions: { baseUrl: fake.origin } });
    expect((await v1.models.generateContent({ model: "gemini-2.5-flash", contents: "hi" })).text).toBe(FAKE_GEMINI_CONTENT);
    expect(fake.requests.at(-1)?.path).toBe("/v1/models/gemini-2.5-flash:generateContent");
  });
});
