import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_OUTPUT_TOKENS, outputCap, worstCaseMicros } from "./worst-case";

// gpt-4o-mini: $0.15 in, $0.60 out per 1M tokens (micro-dollars per token); claude-opus-5: 5 and 25, maxOutput 128,000.
describe("worstCaseMicros", () => {
  it("prices the body's bytes as input and the request's cap as output", () => {
    const body = { model: "gpt-4o-mini", max_tokens: 1000 };
    expect(worstCaseMicros({ provider: "openai", model: "gpt-4o-mini", bodyBytes: 400, body, customCost: undefined })).toBe(Math.round(100 * 0.15 + 1000 * 0.6));
  });

  it("falls back to the catalog's output cap, then to the default", () => {
    expect(outputCap({ provider: "anthropic", model: "claude-opus-5", body: {} })).toBe(128_000);
    expect(outputCap({ provider: "openai", model: "gpt-4o-mini", body: {} })).toBe(DEFAULT_MAX_OUTPUT_TOKENS);
    expect(outputCap({ provider: "openai", model: null, body: undefined })).toBe(DEFAULT_MAX_OUTPUT_TOKENS);
  });

  it("reads every format's cap, the largest when several are sent", () => {
    expect(outputCap({ provider: "openai", model: "gpt-4o-mini", body: { max_completion_tokens: 7 } })).toBe(7);
    expect(outputCap({ provider: "openai", model: "gpt-4o-mini", body: { max_output_tokens: 8 } })).toBe(8);
    expect(outputCap({ provider: "google-ai-studio", model: "x", body: { generationConfig: { maxOutputTokens: 9 } } })).toBe(9);
    expect(outputCap({ provider: "aws-bedrock", model: "x", body: { inferenceConfig: { maxTokens: 10 } } })).toBe(10);
    expect(outputCap({ provider: "openai", model: "gpt-4o-mini", body: { max_tokens: 5, max_completion_tokens: 50 } })).toBe(50);
  });

  it("ignores caps that are not non-negative numbers", () => {
    expect(outputCap({ provider: "openai", model: "gpt-4o-mini", body: { max_tokens: "lots", max_output_tokens: -1 } })).toBe(DEFAULT_MAX_OUTPUT_TOKENS);
  });

  it("is 0 for a model without a price, and priced by cf-aig-custom-cost whatever the model", () => {
    expect(worstCaseMicros({ provider: "openai", model: "no-such-model", bodyBytes: 400, body: {}, customCost: undefined })).toBe(0);
    expect(worstCaseMicros({ provider: "openai", model: null, bodyBytes: 400, body: undefined, customCost: undefined })).toBe(0);
    const customCost = { perTokenIn: 0.000001, perTokenOut: 0.000002 };
    expect(worstCaseMicros({ provider: "openai", model: null, bodyBytes: 40, body: { max_tokens: 10 }, customCost })).toBe(10 * 1 + 10 * 2);
  });
});
