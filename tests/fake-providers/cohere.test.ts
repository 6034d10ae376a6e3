import { CohereClientV2, CohereError, type Cohere } from "cohere-ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_COHERE_CONTENT, FAKE_COHERE_STREAM_ERROR, FAKE_COHERE_THINKING, FAKE_COHERE_TOOL_PLAN, FAKE_COHERE_USAGE, startFakeCohere, type FakeCohere } from "./cohere";

const weather: Cohere.ToolV2 = {
  type: "function",
  function: { name: "get_weather", description: "Weather in a city", parameters: { type: "object", properties: { city: { type: "string" }, days: { type: "integer" } }, required: ["city"] } },
};
const time: Cohere.ToolV2 = { type: "function", function: { name: "get_time", parameters: { type: "object", properties: { zone: { type: "string" } } } } };

// The fake must speak Cohere's wire format well enough for the official SDK, or gateway tests prove nothing.
describe("fake Cohere provider", () => {
  let fake: FakeCohere;
  let co: CohereClientV2;
  beforeAll(async () => {
    fake = await startFakeCohere();
    co = new CohereClientV2({ token: "cohere-test-key", environment: fake.origin, maxRetries: 0 });
  });
  afterAll(() => fake.close());

  const collect = async (stream: AsyncIterable<Cohere.V2ChatStreamResponse>) => {
    const events: Cohere.V2ChatStreamResponse[] = [];
    for await (const event of stream) events.push(event);
    return events;
  };

  it("answers v2 chat with text, billed units and tokens, and records what it received", async () => {
    const res = await co.chat({ model: "command-a-03-2025", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "hi" }], temperature: 0.2, p: 0.5, k: 10 });
    expect(res.finishReason).toBe("COMPLETE");
    expect(res.message.content).toEqual([{ type: "text", text: FAKE_COHERE_CONTENT }]);
    expect(res.usage?.billedUnits).toEqual({ inputTokens: 21, outputTokens: 9 });
    expect(res.usage?.tokens).toEqual({ inputTokens: 187, outputTokens: 11 });
    const seen = fake.requests.at(-1)!;
    expect(seen.path).toBe("/v2/chat");
    expect(seen.headers.authorization).toBe("Bearer cohere-test-key");
    expect(seen.body).toMatchObject({ temperature: 0.2, p: 0.5, k: 10 });
  });

  it("streams named events the SDK reads: text by the word, then message-end with the finish reason and usage", async () => {
    const events = await collect(await co.chatStream({ model: "command-r", messages: [{ role: "user", content: "hi" }] }));
    expect(events[0]?.type).toBe("message-start");
    const text = events.flatMap((e) => (e.type === "content-delta" ? [e.delta?.message?.content?.text ?? ""] : [])).join("");
    expect(text).toBe(FAKE_COHERE_CONTENT);
    const end = events.at(-1);
    expect(end?.type).toBe("message-end");
    if (end?.type !== "message-end") throw new Error("no message-end");
    expect(end.delta?.finishReason).toBe("COMPLETE");
    expect(end.delta?.usage?.billedUnits?.inputTokens).toBe(FAKE_COHERE_USAGE.billed_units.input_tokens);
    expect(fake.requests.at(-1)!.body?.stream).toBe(true);
  });

  it("plans and calls every tool, streaming the arguments in pieces, and answers text after the results", async () => {
    const res = await co.chat({ model: "command-a-03-2025", messages: [{ role: "user", content: "weather and time?" }], tools: [weather, time] });
    expect(res.finishReason).toBe("TOOL_CALL");
    expect(res.message.toolPlan).toBe(FAKE_COHERE_TOOL_PLAN);
    expect(res.message.toolCalls?.map((c) => [c.function?.name, JSON.parse(c.function?.arguments ?? "")])).toEqual([
      ["get_weather", { city: "fake-city", days: 1 }],
      ["get_time", { zone: "fake-zone" }],
    ]);

    const events = await collect(await co.chatStream({ model: "command-a-03-2025", messages: [{ role: "user", content: "weather?" }], tools: [weather] }));
    const plan = events.flatMap((e) => (e.type === "tool-plan-delta" ? [e.delta?.message?.toolPlan ?? ""] : [])).join("");
    expect(plan).toBe(FAKE_COHERE_TOOL_PLAN);
    const start = events.find((e) => e.type === "tool-call-start");
    if (start?.type !== "tool-call-start") throw new Error("no tool-call-start");
    const deltas = events.flatMap((e) => (e.type === "tool-call-delta" ? [e.delta?.message?.toolCalls?.function?.arguments ?? ""] : []));
    expect(deltas.length).toBeGreaterThan(1);
    expect(JSON.parse(deltas.join(""))).toEqual({ city: "fake-city", days: 1 });
    const id = start.delta!.message!.toolCalls!.id;

    const after = await co.chat({
      model: "command-a-03-2025",
      tools: [weather],
      messages: [
        { role: "user", content: "weather?" },
        { role: "assistant", toolPlan: FAKE_COHERE_TOOL_PLAN, toolCalls: [{ id, type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }] },
        { role: "tool", toolCallId: id, content: [{ type: "document", document: { data: { temperature: "4C" } } }] },
      ],
    });
    expect(after.finishReason).toBe("COMPLETE");
    expect(after.message.content?.[0]).toMatchObject({ type: "text" });
  });

  it("thinks when asked, and cites the first document", async () => {
    const res = await co.chat({
      model: "command-a-reasoning-08-2025",
      messages: [{ role: "user", content: "hi" }],
      thinking: { type: "enabled", tokenBudget: 2000 },
      documents: [{ data: { title: "Greeting", snippet: "Hello is a greeting." } }],
    });
    expect(res.message.content?.[0]).toEqual({ type: "thinking", thinking: FAKE_COHERE_THINKING });
    expect(res.message.citations?.[0]).toMatchObject({ start: 0, end: 5, text: "Hello", sources: [{ type: "document", document: { title: "Greeting" } }] });
    const events = await collect(await co.chatStream({ model: "command-a-reasoning-08-2025", messages: [{ role: "user", content: "hi" }], thinking: { type: "enabled" }, documents: ["Hello is a greeting."] }));
    expect(events.flatMap((e) => (e.type === "content-delta" ? [e.delta?.message?.content?.thinking ?? ""] : [])).join("")).toBe(FAKE_COHERE_THINKING);
    expect(events.some((e) => e.type === "citation-start")).toBe(true);
  });

  it("refuses what Cohere refuses with its {message} shape, which the SDK raises with the status", async () => {
    const refused = (call: Promise<unknown>) => call.then(() => undefined, (error: unknown) => error as CohereError);
    const noKey = await fetch(`${fake.origin}/v2/chat`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ message: "invalid api token" });
    const rateLimited = await refused(co.chat({ model: "command-r/fake-error-429", messages: [{ role: "user", content: "hi" }] }));
    expect(rateLimited?.statusCode).toBe(429);
    expect(JSON.stringify(rateLimited?.body)).toContain("Trial key");
    const badToken = await refused(co.chat({ model: "command-r/fake-error-401", messages: [{ role: "user", content: "hi" }] }));
    expect(badToken?.statusCode).toBe(401);
    const badChoice = await refused(co.chat({ model: "command-r", messages: [{ role: "user", content: "hi" }], toolChoice: "REQUIRED" }));
    expect(badChoice?.statusCode).toBe(400);
    expect(JSON.stringify(badChoice?.body)).toContain("tool_choice requires tools");
  });

  it("ends a stream that fails mid-way with message-end ERROR and the error's words", async () => {
    const events = await collect(await co.chatStream({ model: "command-r/fake-stream-error", messages: [{ role: "user", content: "hi" }] }));
    const end = events.at(-1);
    if (end?.type !== "message-end") throw new Error("no message-end");
    expect(end.delta).toMatchObject({ finishReason: "ERROR", error: FAKE_COHERE_STREAM_ERROR });
  });

  it("embeds texts and inputs (v2 embed), with billed units in meta", async () => {
    const res = await co.embed({ model: "embed-v4.0", texts: ["one two", "three"], inputType: "search_document", embeddingTypes: ["float", "int8"], outputDimension: 8 });
    expect(res.embeddings.float?.length).toBe(2);
    expect(res.embeddings.float?.[0]?.length).toBe(8);
    expect(res.embeddings.int8?.length).toBe(2);
    expect(res.meta?.billedUnits?.inputTokens).toBe(3);
    const inputs = await co.embed({ model: "embed-v4.0", inputs: [{ content: [{ type: "text", text: "four five six" }] }], inputType: "search_query", embeddingTypes: ["float"] });
    expect(inputs.meta?.billedUnits?.inputTokens).toBe(3);
    // The SDK will not send it without input_type; a translating gateway might.
    const refused = await fetch(`${fake.origin}/v2/embed`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer k" },
      body: JSON.stringify({ model: "embed-v4.0", texts: ["x"] }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ message: expect.stringContaining("input_type") });
  });
});
