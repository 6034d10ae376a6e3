import { describe, expect, it } from "vitest";
import { usageFromOpenAiBody } from "./usage";

describe("usageFromOpenAiBody", () => {
  it("reads a chat completion's usage with cached prompt tokens", () => {
    const body = {
      id: "chatcmpl-1",
      object: "chat.completion",
      usage: {
        prompt_tokens: 1200,
        completion_tokens: 300,
        total_tokens: 1500,
        prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 128 },
      },
    };
    expect(usageFromOpenAiBody(body)).toEqual({ input: 1200, output: 300, cached: 1024 });
  });

  it("reads a stream's final usage chunk", () => {
    const chunk = { object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: 9, completion_tokens: 12 } };
    expect(usageFromOpenAiBody(chunk)).toEqual({ input: 9, output: 12, cached: 0 });
  });

  it("reads DeepSeek's cache-hit field", () => {
    const body = { usage: { prompt_tokens: 100, completion_tokens: 5, prompt_cache_hit_tokens: 64, prompt_cache_miss_tokens: 36 } };
    expect(usageFromOpenAiBody(body)).toEqual({ input: 100, output: 5, cached: 64 });
  });

  it("reads embeddings usage as input only", () => {
    expect(usageFromOpenAiBody({ object: "list", usage: { prompt_tokens: 8, total_tokens: 8 } })).toEqual({
      input: 8,
      output: 0,
      cached: 0,
    });
    expect(usageFromOpenAiBody({ usage: { total_tokens: 21 } })).toEqual({ input: 21, output: 0, cached: 0 });
  });

  it("tolerates missing and malformed fields", () => {
    expect(usageFromOpenAiBody({ usage: { completion_tokens: 4 } })).toEqual({ input: 0, output: 4, cached: 0 });
    expect(usageFromOpenAiBody({ usage: { prompt_tokens: "7", completion_tokens: -1, total_tokens: null } })).toBeUndefined();
    expect(usageFromOpenAiBody({ usage: { prompt_tokens: 5, prompt_tokens_details: { cached_tokens: 9 } } })).toEqual({
      input: 5,
      output: 0,
      cached: 5,
    });
  });

  it("returns undefined when there is no usage", () => {
    for (const body of [undefined, null, 42, "text", [], {}, { usage: null }, { usage: [] }, { usage: {} }]) {
      expect(usageFromOpenAiBody(body)).toBeUndefined();
    }
  });
});
