import { FunctionCallingConfigMode, GoogleGenAI, Type, type GenerateContentResponse } from "@google/genai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatResponse, ChatStreamEvent } from "@/lib/formats/canonical";
import { sendJson, startFakeServer, type FakeServer, type RecordedRequest } from "@/tests/fake-providers/http";
import { geminiCodec } from "./index";

/**
 * The codec against Google's own client: what `@google/genai` sends decodes as intended, and what
 * the codec encodes (whole answers and streams) is what the SDK reads. A local server stands in
 * for Google and answers with whatever the test set up.
 */

let answer: { whole?: ChatResponse; events?: ChatStreamEvent[] } = {};
let server: FakeServer<RecordedRequest>;

beforeAll(async () => {
  server = await startFakeServer(
    (base) => ({ ...base, mode: "" }),
    async (request, res) => {
      if (request.query.alt === "sse") {
        const encoder = geminiCodec.streamEncoder();
        const events = [...(answer.events ?? []).flatMap((event) => encoder.push(event)), ...encoder.end()];
        res.writeHead(200, { "content-type": "text/event-stream" });
        for (const event of events) res.write(`data: ${event.data}\r\n\r\n`);
        res.end();
        return;
      }
      sendJson(res, 200, geminiCodec.encodeResponse(answer.whole!));
    },
  );
});

afterAll(() => server.close());

function client() {
  // The SDK defaults to v1 (this codec's encoder targets v1beta, as the gateway's routes do); the bodies are the same.
  return new GoogleGenAI({ apiKey: "test-key", httpOptions: { baseUrl: server.origin, apiVersion: "v1beta" } });
}

/** The answer's text, read from its parts (the SDK's `text` getter warns when there are calls beside it). */
function textOf(response: GenerateContentResponse): string {
  const parts = response.candidates?.[0]?.content?.parts ?? [];
  return parts.map((part) => (part.thought ? "" : (part.text ?? ""))).join("");
}

function lastRequest() {
  const request = server.requests.at(-1)!;
  const [, model, method] = /^\/v1beta\/models\/([^:]+):(\w+)$/.exec(request.path) ?? [];
  return { request, model, stream: method === "streamGenerateContent" };
}

describe("@google/genai against the Gemini codec", () => {
  it("decodes the SDK's request with config, tools and history, and the SDK reads the encoded answer", async () => {
    answer = {
      whole: {
        id: "resp-1",
        model: "gemini-2.5-flash",
        created: 0,
        message: {
          content: "It is sunny.",
          reasoning: [{ type: "thinking", text: "Check the weather", signature: "c2lnLTE=" }],
          tool_calls: [{ id: "call_0", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' }, signature: "Y2FsbA==" }],
        },
        finish_reason: "tool_calls",
        usage: { input: 40, output: 25, cache_read: 16, cache_write: 0, reasoning: 5 },
      },
    };
    const response = await client().models.generateContent({
      model: "gemini-2.5-flash",
      contents: [
        { role: "user", parts: [{ text: "Weather in Paris?" }, { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } }] },
        { role: "model", parts: [{ text: "Let me check." }] },
        { role: "user", parts: [{ text: "Please." }] },
      ],
      config: {
        systemInstruction: "Be brief.",
        temperature: 0.3,
        maxOutputTokens: 200,
        stopSequences: ["END"],
        thinkingConfig: { thinkingBudget: 512, includeThoughts: true },
        tools: [
          {
            functionDeclarations: [
              { name: "get_weather", description: "Weather by city", parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } }, required: ["city"] } },
            ],
          },
        ],
        toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.AUTO } },
      },
    });

    const { request, model, stream } = lastRequest();
    expect(request.headers["x-goog-api-key"]).toBe("test-key");
    expect(geminiCodec.decodeRequest(request.body!, { model, stream })).toEqual({
      model: "gemini-2.5-flash",
      stream: false,
      messages: [
        { role: "system", content: [{ type: "text", text: "Be brief." }] },
        {
          role: "user",
          content: [
            { type: "text", text: "Weather in Paris?" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          ],
        },
        { role: "assistant", content: "Let me check." },
        { role: "user", content: "Please." },
      ],
      temperature: 0.3,
      max_tokens: 200,
      stop: ["END"],
      reasoning: { include_thoughts: true, budget_tokens: 512 },
      tools: [
        {
          type: "function",
          function: { name: "get_weather", description: "Weather by city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
        },
      ],
      tool_choice: "auto",
    });

    expect(textOf(response)).toBe("It is sunny.");
    expect(response.functionCalls).toEqual([{ name: "get_weather", args: { city: "Paris" } }]);
    expect(response.candidates?.[0]?.content?.parts?.[0]).toEqual({ text: "Check the weather", thought: true, thoughtSignature: "c2lnLTE=" });
    expect(response.candidates?.[0]?.content?.parts?.[2]?.thoughtSignature).toBe("Y2FsbA==");
    expect(response.usageMetadata).toMatchObject({ promptTokenCount: 40, candidatesTokenCount: 20, thoughtsTokenCount: 5, cachedContentTokenCount: 16, totalTokenCount: 65 });
  });

  it("streams: the SDK asks with alt=sse and reads the encoded chunks, function call and usage included", async () => {
    answer = {
      events: [
        { type: "start", id: "msg_1", model: "claude-sonnet-4-5", created: 0 },
        { type: "usage", usage: { input: 12, cache_read: 4 } },
        { type: "text", text: "Hello" },
        { type: "text", text: " there" },
        { type: "tool_call_start", index: 0, id: "toolu_1", name: "lookup" },
        { type: "tool_call_delta", index: 0, arguments: '{"q":' },
        { type: "tool_call_delta", index: 0, arguments: '"x"}' },
        { type: "finish", reason: "tool_calls" },
        { type: "usage", usage: { output: 9 } },
      ],
    };
    const stream = await client().models.generateContentStream({ model: "gemini-2.5-flash", contents: "Say hello" });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    const { request, model, stream: streamed } = lastRequest();
    expect(request.query.alt).toBe("sse");
    expect(geminiCodec.decodeRequest(request.body!, { model, stream: streamed })).toEqual({
      model: "gemini-2.5-flash",
      stream: true,
      messages: [{ role: "user", content: "Say hello" }],
    });
    expect(chunks.map(textOf).join("")).toBe("Hello there");
    const last = chunks.at(-1)!;
    expect(last.functionCalls).toEqual([{ id: "toolu_1", name: "lookup", args: { q: "x" } }]);
    expect(last.candidates?.[0]?.finishReason).toBe("STOP");
    expect(last.usageMetadata).toMatchObject({ promptTokenCount: 12, candidatesTokenCount: 9, cachedContentTokenCount: 4, totalTokenCount: 21 });
  });
});
