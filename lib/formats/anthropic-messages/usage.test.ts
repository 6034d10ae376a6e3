import { describe, expect, it } from "vitest";
import { AnthropicUsageTotals, anthropicUsage, usageFromBody } from "./usage";

describe("usageFromBody", () => {
  it("counts cache reads and writes into the canonical input", () => {
    expect(
      usageFromBody({ usage: { input_tokens: 3, cache_read_input_tokens: 2000, cache_creation_input_tokens: 500, output_tokens: 42 } }),
    ).toEqual({ input: 2503, output: 42, cache_read: 2000, cache_write: 500, reasoning: 0 });
  });

  it("reads null cache fields as zero and thinking tokens as reasoning", () => {
    expect(
      usageFromBody({
        usage: { input_tokens: 10, cache_read_input_tokens: null, cache_creation_input_tokens: null, output_tokens: 7, output_tokens_details: { thinking_tokens: 5 } },
      }),
    ).toEqual({ input: 10, output: 7, cache_read: 0, cache_write: 0, reasoning: 5 });
  });

  it("is undefined without usage, and ignores malformed counts", () => {
    expect(usageFromBody({ id: "msg" })).toBeUndefined();
    expect(usageFromBody({ usage: { input_tokens: "many", output_tokens: -1 } })).toBeUndefined();
  });
});

describe("AnthropicUsageTotals", () => {
  it("replaces the fields a later event repeats and keeps the rest", () => {
    const totals = new AnthropicUsageTotals();
    totals.apply({ input_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 20, output_tokens: 1 });
    totals.apply({ output_tokens: 30, input_tokens: null });
    expect(totals.canonical()).toEqual({ input: 125, output: 30, cache_read: 100, cache_write: 20, reasoning: 0 });
    totals.apply({ input_tokens: 6, cache_read_input_tokens: 100, cache_creation_input_tokens: 20, output_tokens: 31 });
    expect(totals.canonical()).toEqual({ input: 126, output: 31, cache_read: 100, cache_write: 20, reasoning: 0 });
  });
});

describe("anthropicUsage", () => {
  it("takes the cached parts out of input_tokens", () => {
    expect(anthropicUsage({ input: 126, output: 31, cache_read: 100, cache_write: 20, reasoning: 0 })).toEqual({
      input_tokens: 6,
      cache_read_input_tokens: 100,
      cache_creation_input_tokens: 20,
      output_tokens: 31,
    });
    expect(anthropicUsage(undefined)).toEqual({ input_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, output_tokens: 0 });
  });
});
