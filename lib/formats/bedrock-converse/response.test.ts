import { describe, expect, it } from "vitest";
import { formatError } from "@/lib/formats/testing";
import { decodeConverseError } from "./error";
import { decodeConverseResponse, encodeConverseResponse } from "./response";
import { converseUsageOf, usageFromConverse } from "./usage";

const ANSWER = {
  output: {
    message: {
      role: "assistant",
      content: [
        { reasoningContent: { reasoningText: { text: "hm", signature: "s" } } },
        { text: "Hello" },
        { toolUse: { toolUseId: "t1", name: "f", input: { a: 1 } } },
      ],
    },
  },
  stopReason: "tool_use",
  usage: { inputTokens: 10, outputTokens: 3, totalTokens: 45, cacheReadInputTokens: 30, cacheWriteInputTokens: 2 },
  metrics: { latencyMs: 5 },
};

describe("Converse answers", () => {
  it("decode text, reasoning, tool calls, the stop reason and usage (cache reads and writes counted in the input)", () => {
    const response = decodeConverseResponse(ANSWER);
    expect(response).toMatchObject({
      message: { content: "Hello", reasoning: [{ type: "thinking", text: "hm", signature: "s" }], tool_calls: [{ id: "t1", type: "function", function: { name: "f", arguments: '{"a":1}' } }] },
      finish_reason: "tool_calls",
      usage: { input: 42, output: 3, cache_read: 30, cache_write: 2, reasoning: 0 },
    });
    expect(encodeConverseResponse(response)).toEqual({ ...ANSWER, metrics: { latencyMs: 0 } });
  });

  it("refuse an answer without output", () => {
    expect(formatError(() => decodeConverseResponse({ message: "nope" })).field).toBe("output.message.content");
  });
});

describe("usage and errors", () => {
  it("read usage without the cache counts, and never throw on odd values", () => {
    expect(usageFromConverse({ inputTokens: 5, outputTokens: 2, totalTokens: 7 })).toEqual({ input: 5, output: 2, cache_read: 0, cache_write: 0, reasoning: 0 });
    expect(usageFromConverse({ inputTokens: "x", outputTokens: -1 })).toEqual({ input: 0, output: 0, cache_read: 0, cache_write: 0, reasoning: 0 });
    expect(usageFromConverse("nope")).toBeUndefined();
    expect(converseUsageOf({ input: 42, output: 3, cache_read: 30, cache_write: 2 })).toEqual(ANSWER.usage);
  });

  it("keep Bedrock's message and status, named as Bedrock names the status", () => {
    expect(decodeConverseError(429, { message: "Too many requests" })).toEqual({ status: 429, message: "Too many requests", type: "ThrottlingException" });
    expect(decodeConverseError(403, { Message: "denied" })).toEqual({ status: 403, message: "denied", type: "AccessDeniedException" });
    expect(decodeConverseError(502, undefined).message).toContain("502");
  });
});
