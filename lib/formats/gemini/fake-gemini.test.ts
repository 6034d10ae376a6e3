import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ChatMessage, ChatRequest, ChatStreamEvent } from "@/lib/formats/canonical";
import type { JsonObject } from "@/lib/formats/json";
import { JsonArrayReader, SseParser } from "@/lib/formats/sse";
import { FAKE_GEMINI_CONTENT, FAKE_GEMINI_THINKING, startFakeGemini, type FakeGemini } from "@/tests/fake-providers/gemini";
import { decodeGeminiEmbeddingsResponse, encodeGeminiEmbeddingsRequest, readEmbeddingsRequest } from "./embeddings";
import { geminiCodec } from "./index";

/**
 * The codec's requests against the fake Google AI Studio, which refuses what Google refuses
 * (unknown fields, signatures it did not issue, Gemini 3 calls sent back without theirs): what the
 * encoder writes is accepted, and what comes back decodes, over several turns.
 */

let fake: FakeGemini;
beforeAll(async () => {
  fake = await startFakeGemini();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

async function call(request: ChatRequest): Promise<{ status: number; body: JsonObject; text: string }> {
  const { path, body } = geminiCodec.encodeRequest(request);
  const response = await fetch(`${fake.origin}/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-goog-api-key": "test-key" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: request.stream ? {} : (JSON.parse(text) as JsonObject), text };
}

const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
  },
};

describe("the Gemini codec against the fake Google AI Studio", () => {
  it("carries thinking, a signed function call and its result over two turns of a Gemini 3 model", async () => {
    const messages: ChatMessage[] = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Weather in Paris?" },
    ];
    const request: ChatRequest = { model: "gemini-3-pro-preview", stream: false, messages, tools: [weatherTool], reasoning: { effort: "high" } };
    const first = await call(request);
    expect(first.status).toBe(200);
    expect(fake.requests[0]!.body!.generationConfig).toEqual({ thinkingConfig: { includeThoughts: true, thinkingLevel: "HIGH" } });
    const answer = geminiCodec.decodeResponse(first.body);
    expect(answer.finish_reason).toBe("tool_calls");
    expect(answer.message.reasoning).toEqual([{ type: "thinking", text: FAKE_GEMINI_THINKING }]);
    expect(answer.message.tool_calls).toEqual([
      { id: "call_0", type: "function", function: { name: "get_weather", arguments: '{"city":"fake-city"}' }, signature: expect.any(String) },
    ]);
    expect(fake.issuedSignatures.has(answer.message.tool_calls![0]!.signature!)).toBe(true);
    expect(answer.usage).toEqual({ input: 31, output: 11 + 24, cache_read: 16, cache_write: 0, reasoning: 24 });

    const second = await call({
      ...request,
      messages: [
        ...messages,
        { role: "assistant", content: answer.message.content, tool_calls: answer.message.tool_calls!, reasoning: answer.message.reasoning! },
        { role: "tool", tool_call_id: "call_0", content: '{"temp":21}' },
      ],
    });
    expect(second.status).toBe(200);
    expect(geminiCodec.decodeResponse(second.body).message.content).toBe(FAKE_GEMINI_CONTENT);
  });

  it("is refused by Gemini 3 when a call's signature is lost, so keeping it matters", async () => {
    const turn = await call({ model: "gemini-3-pro-preview", stream: false, messages: [{ role: "user", content: "Weather?" }], tools: [weatherTool] });
    const calls = geminiCodec.decodeResponse(turn.body).message.tool_calls!;
    const lost = await call({
      model: "gemini-3-pro-preview",
      stream: false,
      tools: [weatherTool],
      messages: [
        { role: "user", content: "Weather?" },
        { role: "assistant", content: null, tool_calls: calls.map(({ signature: _signature, ...rest }) => rest) },
        { role: "tool", tool_call_id: calls[0]!.id, content: "sunny" },
      ],
    });
    expect(lost.status).toBe(400);
    expect(geminiCodec.decodeError(lost.status, JSON.parse(lost.text) as JsonObject)).toMatchObject({ status: 400, type: "INVALID_ARGUMENT" });
  });

  it.each([
    ["server-sent events", true],
    ["a JSON array", false],
  ])("decodes a stream framed as %s to the same answer as the whole response", async (_framing, sse) => {
    const request: ChatRequest = { model: "gemini-2.5-flash", stream: true, messages: [{ role: "user", content: "Hi" }], reasoning: { budget_tokens: 1024 } };
    const { path, body } = geminiCodec.encodeRequest(request);
    const response = await fetch(`${fake.origin}/${sse ? path : path.replace("?alt=sse", "")}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": "test-key" },
      body: JSON.stringify(body),
    });
    const reader = sse ? new SseParser() : new JsonArrayReader();
    const bytes = new Uint8Array(await response.arrayBuffer());
    const decoder = geminiCodec.streamDecoder();
    const events: ChatStreamEvent[] = [...reader.push(bytes), ...reader.end()].flatMap((event) => decoder.push(event));
    events.push(...decoder.end());

    const text = events.flatMap((event) => (event.type === "text" ? [event.text] : [])).join("");
    expect(text).toBe(FAKE_GEMINI_CONTENT);
    expect(events.filter((event) => event.type === "reasoning")).toEqual([{ type: "reasoning", text: FAKE_GEMINI_THINKING }]);
    // The signature came on the first text chunk: a block of its own, closed before the text.
    expect(events.filter((event) => event.type === "reasoning_end")).toEqual([{ type: "reasoning_end" }, { type: "reasoning_end", signature: expect.any(String) }]);
    expect(events.filter((event) => event.type === "finish")).toEqual([{ type: "finish", reason: "stop" }]);
    // Running totals: the last usage event is the whole answer's usage.
    expect(events.filter((event) => event.type === "usage").at(-1)).toEqual({ type: "usage", usage: { input: 31, output: 35, cache_read: 16, cache_write: 0, reasoning: 24 } });
  });

  it("embeds through batchEmbedContents", async () => {
    const request = readEmbeddingsRequest({ model: "gemini-embedding-001", input: ["one two", "three"], dimensions: 4 });
    const { path, body } = encodeGeminiEmbeddingsRequest(request);
    const response = await fetch(`${fake.origin}/${path}`, { method: "POST", headers: { "content-type": "application/json", "x-goog-api-key": "k" }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
    const answer = decodeGeminiEmbeddingsResponse((await response.json()) as JsonObject, request);
    expect(answer.data.map((item) => (item.embedding as number[]).length)).toEqual([4, 4]);
    expect(answer.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
  });
});
