import { describe, expect, it } from "vitest";
import type { ChatResponse } from "@/lib/formats/canonical";
import { geminiCodec } from "./index";

const usageMetadata = {
  promptTokenCount: 120,
  candidatesTokenCount: 30,
  thoughtsTokenCount: 50,
  cachedContentTokenCount: 100,
  totalTokenCount: 200,
};

describe("decodeResponse", () => {
  it("reads text, thoughts with their signature, and usage with cached and thought tokens", () => {
    const response = geminiCodec.decodeResponse({
      candidates: [
        {
          content: {
            role: "model",
            parts: [
              { text: "Considering the question", thought: true },
              { text: "The answer ", thoughtSignature: "sig-1" },
              { text: "is 42." },
            ],
          },
          finishReason: "STOP",
          index: 0,
        },
      ],
      usageMetadata,
      modelVersion: "gemini-2.5-flash",
      responseId: "resp-1",
      createTime: "2025-06-01T00:00:00Z",
    });
    expect(response).toEqual({
      id: "resp-1",
      model: "gemini-2.5-flash",
      created: Date.parse("2025-06-01T00:00:00Z") / 1000,
      // The signature came on the text part: it stays apart, to go back on the text part.
      message: {
        content: "The answer is 42.",
        reasoning: [
          { type: "thinking", text: "Considering the question" },
          { type: "thinking", text: "", signature: "sig-1" },
        ],
      },
      finish_reason: "stop",
      usage: { input: 120, output: 80, cache_read: 100, cache_write: 0, reasoning: 50 },
    });
  });

  it("reads parallel function calls, with made-up ids where Gemini gives none, as tool_calls", () => {
    const response = geminiCodec.decodeResponse({
      candidates: [
        {
          content: {
            role: "model",
            parts: [
              { functionCall: { name: "weather", args: { city: "Paris" } }, thoughtSignature: "call-sig" },
              { functionCall: { name: "weather", args: { city: "Rome" } } },
            ],
          },
          finishReason: "STOP",
        },
      ],
    });
    expect(response.finish_reason).toBe("tool_calls");
    expect(response.message).toEqual({
      content: null,
      tool_calls: [
        { id: "call_0", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' }, signature: "call-sig" },
        { id: "call_1", type: "function", function: { name: "weather", arguments: '{"city":"Rome"}' } },
      ],
    });
  });

  it.each([
    ["MAX_TOKENS", "length"],
    ["SAFETY", "content_filter"],
    ["RECITATION", "content_filter"],
    ["BLOCKLIST", "content_filter"],
    ["PROHIBITED_CONTENT", "content_filter"],
    ["SPII", "content_filter"],
    ["OTHER", "stop"],
  ])("maps finishReason %s to %s", (finishReason, expected) => {
    expect(geminiCodec.decodeResponse({ candidates: [{ content: { parts: [{ text: "x" }] }, finishReason }] }).finish_reason).toBe(expected);
  });

  it("passes over parts translated requests never ask for (code execution, generated media), as passthrough answers hold", () => {
    const response = geminiCodec.decodeResponse({
      candidates: [
        {
          content: {
            parts: [
              { executableCode: { language: "PYTHON", code: "print(1)" } },
              { codeExecutionResult: { outcome: "OUTCOME_OK", output: "1" } },
              { inlineData: { mimeType: "image/png", data: "AA==" } },
              { text: "Done." },
            ],
          },
          finishReason: "STOP",
        },
      ],
    });
    expect(response.message).toEqual({ content: "Done." });
  });

  it("reads a prompt blocked before any candidate as a content-filtered empty answer", () => {
    const response = geminiCodec.decodeResponse({ promptFeedback: { blockReason: "SAFETY" }, usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 } });
    expect(response.message.content).toBeNull();
    expect(response.finish_reason).toBe("content_filter");
    expect(response.usage).toEqual({ input: 9, output: 0, cache_read: 0, cache_write: 0, reasoning: 0 });
  });
});

describe("encodeResponse", () => {
  it("writes a GenerateContentResponse that decodes back to the same answer", () => {
    const response: ChatResponse = {
      id: "chatcmpl-1",
      model: "claude-sonnet-4-5",
      created: 1_750_000_000,
      message: {
        content: "Calling the tool",
        reasoning: [{ type: "thinking", text: "I should check", signature: "anthropic-sig" }],
        tool_calls: [{ id: "toolu_1", type: "function", function: { name: "weather", arguments: '{"city":"Oslo"}' } }],
      },
      finish_reason: "tool_calls",
      usage: { input: 100, output: 40, cache_read: 60, cache_write: 20, reasoning: 10 },
    };
    const body = geminiCodec.encodeResponse(response);
    expect(body).toEqual({
      candidates: [
        {
          content: {
            role: "model",
            parts: [
              { text: "I should check", thought: true, thoughtSignature: "anthropic-sig" },
              { text: "Calling the tool" },
              { functionCall: { id: "toolu_1", name: "weather", args: { city: "Oslo" } } },
            ],
          },
          finishReason: "STOP",
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 30, thoughtsTokenCount: 10, cachedContentTokenCount: 60, totalTokenCount: 140 },
      modelVersion: "claude-sonnet-4-5",
      responseId: "chatcmpl-1",
    });
    const decoded = geminiCodec.decodeResponse(body);
    expect(decoded.message).toEqual(response.message);
    expect(decoded.finish_reason).toBe("tool_calls");
    // Gemini has no cache writes: they stay in the input, not apart.
    expect(decoded.usage).toEqual({ input: 100, output: 40, cache_read: 60, cache_write: 0, reasoning: 10 });
  });

  it.each([
    ["stop", "STOP"],
    ["length", "MAX_TOKENS"],
    ["content_filter", "SAFETY"],
  ] as const)("maps finish_reason %s to %s", (finish_reason, expected) => {
    const body = geminiCodec.encodeResponse({ id: "", model: "", created: 0, message: { content: "x" }, finish_reason });
    expect((body.candidates as { finishReason: string }[])[0]!.finishReason).toBe(expected);
  });
});

describe("usageFromBody", () => {
  it("reads usageMetadata without decoding the rest, and nothing when there is none", () => {
    expect(geminiCodec.usageFromBody({ candidates: "ignored", usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, toolUsePromptTokenCount: 2 } })).toEqual({
      input: 12,
      output: 5,
      cache_read: 0,
      cache_write: 0,
      reasoning: 0,
    });
    expect(geminiCodec.usageFromBody({ candidates: [] })).toBeUndefined();
    expect(geminiCodec.usageFromBody({ usageMetadata: { promptTokenCount: "x", cachedContentTokenCount: 5 } })).toEqual({
      input: 0,
      output: 0,
      cache_read: 0,
      cache_write: 0,
      reasoning: 0,
    });
  });
});

describe("errors", () => {
  it("decodes Google's error shape and keeps the status name", () => {
    expect(
      geminiCodec.decodeError(429, { error: { code: 429, message: "Resource has been exhausted (e.g. check quota).", status: "RESOURCE_EXHAUSTED" } }),
    ).toEqual({ status: 429, message: "Resource has been exhausted (e.g. check quota).", type: "RESOURCE_EXHAUSTED" });
    expect(geminiCodec.decodeError(503, undefined)).toEqual({ status: 503, message: "Google AI Studio answered HTTP 503." });
  });

  it.each([
    [400, "INVALID_ARGUMENT"],
    [401, "UNAUTHENTICATED"],
    [403, "PERMISSION_DENIED"],
    [404, "NOT_FOUND"],
    [429, "RESOURCE_EXHAUSTED"],
    [500, "INTERNAL"],
    [503, "UNAVAILABLE"],
  ])("encodes HTTP %i as %s, whatever another format called it", (status, name) => {
    expect(geminiCodec.encodeError({ status, message: "m", type: "invalid_request_error" })).toEqual({ error: { code: status, message: "m", status: name } });
  });

  it("ends a failed stream with a data event holding the error object", () => {
    const events = geminiCodec.streamErrorEvents({ status: 529, message: "Overloaded", type: "overloaded_error" });
    expect(events).toEqual([{ data: JSON.stringify({ error: { code: 529, message: "Overloaded", status: "INTERNAL" } }) }]);
  });
});
