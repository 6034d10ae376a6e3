import { describe, expect, it } from "vitest";
import { providers } from "@/lib/providers";
import catalog from "./catalog.json" with { type: "json" };
import { catalogModels, costMicros, findPrice, maxOutputTokens, parseCustomCost, type ModelPrice } from "./cost";

const usage = (input: number, output: number, cached = 0) => ({ input, output, cached });

describe("costMicros", () => {
  it("prices a known model from the catalog", () => {
    // gpt-4o-mini: $0.15 in, $0.60 out per 1M tokens.
    expect(costMicros("openai", "gpt-4o-mini", usage(1_000_000, 500_000))).toEqual({
      micros: 450_000,
      custom: false,
      known: true,
    });
    // 1234 × 0.15 + 567 × 0.60 = 525.3 micro-dollars.
    expect(costMicros("openai", "gpt-4o-mini", usage(1234, 567)).micros).toBe(525);
  });

  it("resolves dated snapshots and aliases to their base model", () => {
    const base = costMicros("openai", "gpt-4o-mini", usage(1000, 1000)).micros;
    for (const model of ["gpt-4o-mini-2024-07-18", "GPT-4o-Mini", "gpt-4o-mini-latest", "gpt-4o-mini-20240718"]) {
      expect(costMicros("openai", model, usage(1000, 1000))).toEqual({ micros: base, custom: false, known: true });
    }
    expect(findPrice("openai", "gpt-4.1-2025-04-14")).toEqual(findPrice("openai", "gpt-4.1"));
    expect(findPrice("mistral", "mistral-large-latest")).toEqual(findPrice("mistral", "mistral-large-2512"));
    expect(findPrice("groq", "moonshotai/kimi-k2-instruct-0905")).toBeDefined();
  });

  it("prefers an exact snapshot entry over its base model", () => {
    expect(findPrice("openai", "gpt-4o-2024-05-13")).toEqual({ input: 5, output: 15 });
    expect(findPrice("openai", "gpt-4o-2024-08-06")).toEqual(findPrice("openai", "gpt-4o"));
  });

  it("prices cached tokens at the cached rate without counting them twice", () => {
    // gpt-4o: $2.50 in, $1.25 cached, $10 out. 1000 in of which 400 cached, 100 out.
    expect(costMicros("openai", "gpt-4o", usage(1000, 100, 400)).micros).toBe(600 * 2.5 + 400 * 1.25 + 100 * 10);
    // No cached price: cached tokens cost the input price, so the total equals the uncached cost.
    expect(costMicros("perplexity-ai", "sonar", usage(1000, 0, 400)).micros).toBe(1000);
    // More cached than input (a provider bug) is capped at the input.
    expect(costMicros("openai", "gpt-4o", usage(100, 0, 500)).micros).toBe(125);
  });

  it("prices Anthropic's cache writes and reads each once, at their own rates", () => {
    // claude-sonnet-4-5: $3 in, $3.75 cache write, $0.30 cache read, $15 out. 1000 prompt tokens:
    // 200 read from the cache, 300 written to it, 500 uncached.
    const usage = { input: 1000, output: 100, cached: 200, cacheWrite: 300 };
    expect(costMicros("anthropic", "claude-sonnet-4-5-20250929", usage).micros).toBe(500 * 3 + 300 * 3.75 + 200 * 0.3 + 100 * 15);
    // Writes beyond what the prompt holds are capped, as cached tokens are.
    expect(costMicros("anthropic", "claude-sonnet-4-5", { input: 100, output: 0, cached: 60, cacheWrite: 500 }).micros).toBe(
      Math.round(40 * 3.75 + 60 * 0.3),
    );
  });

  it("prices Gemini's cached tokens", () => {
    // gemini-2.5-flash: $0.30 in, $0.03 cached, $2.50 out.
    expect(costMicros("google-ai-studio", "gemini-2.5-flash", usage(1000, 100, 400)).micros).toBe(Math.round(600 * 0.3 + 400 * 0.03 + 100 * 2.5));
  });

  it("uses a custom cost instead of the catalog", () => {
    const custom = { perTokenIn: 0.000001, perTokenOut: 0.000002 };
    expect(costMicros("openai", "gpt-4o", usage(1000, 500, 400), custom)).toEqual({
      micros: 2000,
      custom: true,
      known: true,
    });
    // Unknown models are priced too.
    expect(costMicros("custom-llm", "my-model", usage(10, 10), custom).micros).toBe(30);
  });

  it("prices cache reads with a custom cost only when per_cache_read_token is given", () => {
    const withCacheRead = { perTokenIn: 0.000001, perTokenOut: 0, perCacheReadToken: 0.0000001 };
    expect(costMicros("openai", "gpt-4o", usage(1000, 0, 400), withCacheRead).micros).toBe(640);
    const writeOnly = { perTokenIn: 0.000001, perTokenOut: 0, perCacheWriteToken: 0.000005 };
    expect(costMicros("openai", "gpt-4o", usage(1000, 0, 400), writeOnly).micros).toBe(1000);
    // per_cache_write_token prices the cache writes a usage report carries.
    expect(costMicros("anthropic", "claude-haiku-4-5", { input: 1000, output: 0, cached: 0, cacheWrite: 100 }, writeOnly).micros).toBe(900 + 500);
  });

  it("returns zero and known false for an unknown model or provider", () => {
    expect(costMicros("openai", "gpt-unknown", usage(1000, 1000))).toEqual({ micros: 0, custom: false, known: false });
    expect(costMicros("nope", "gpt-4o", usage(1000, 1000))).toEqual({ micros: 0, custom: false, known: false });
  });
});

describe("maxOutputTokens", () => {
  it("knows the documented output limits, snapshots included", () => {
    expect(maxOutputTokens("anthropic", "claude-haiku-4-5-20251001")).toBe(64000);
    expect(maxOutputTokens("google-ai-studio", "gemini-2.5-pro")).toBe(65536);
    expect(maxOutputTokens("anthropic", "claude-unknown")).toBeUndefined();
  });
});

describe("catalogModels", () => {
  it("lists a provider's models and marks the embedding ones", () => {
    const models = catalogModels("google-ai-studio");
    expect(models).toContainEqual({ id: "gemini-2.5-flash", embedding: false });
    expect(models).toContainEqual({ id: "gemini-embedding-001", embedding: true });
    expect(catalogModels("nope")).toEqual([]);
  });
});

describe("parseCustomCost", () => {
  it("reads the snake_case header fields", () => {
    expect(
      parseCustomCost('{"per_token_in":0.000001,"per_token_out":0.000003,"per_cache_read_token":1e-7,"per_cache_write_token":0}'),
    ).toEqual({ perTokenIn: 0.000001, perTokenOut: 0.000003, perCacheReadToken: 1e-7, perCacheWriteToken: 0 });
    expect(parseCustomCost('{"per_token_in":0,"per_token_out":0}')).toEqual({
      perTokenIn: 0,
      perTokenOut: 0,
      perCacheReadToken: undefined,
      perCacheWriteToken: undefined,
    });
  });

  it.each([
    ["not json", /not valid JSON/],
    ["[1,2]", /must be a JSON object/],
    ["null", /must be a JSON object/],
    ['{"per_token_in":0.1}', /per_token_in and per_token_out are both required/],
    ['{"per_token_out":0.1}', /per_token_in and per_token_out are both required/],
    ['{"per_token_in":-1,"per_token_out":0.1}', /per_token_in must be a non-negative number.*got -1/],
    ['{"per_token_in":"0.1","per_token_out":0.1}', /per_token_in must be a non-negative number.*got "0.1"/],
    ['{"per_token_in":0.1,"per_token_out":0.1,"per_cache_read_token":true}', /per_cache_read_token must be/],
  ])("rejects %s with a message that says what to fix", (header, message) => {
    expect(() => parseCustomCost(header)).toThrow(message);
  });
});

describe("the catalog", () => {
  const priced = catalog.providers as Record<string, Record<string, ModelPrice>>;

  it("states its unit and date", () => {
    expect(catalog.unit).toBe("USD per 1M tokens");
    expect(catalog.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("covers every built-in provider, with prices of its own or its publishers'", () => {
    const publishers = catalog.publishers as Record<string, Record<string, string>>;
    for (const slug of providers.keys()) {
      const sources = publishers[slug] ? Object.values(publishers[slug]) : [slug];
      for (const source of sources) expect(Object.keys(priced[source] ?? {}).length, `${slug} (${source})`).toBeGreaterThan(0);
    }
  });

  it("prices a publisher's model at a reseller as the publisher's provider prices it", () => {
    expect(findPrice("google-vertex-ai", "google/gemini-2.5-flash")).toEqual(findPrice("google-ai-studio", "gemini-2.5-flash"));
    expect(findPrice("google-vertex-ai", "anthropic/claude-sonnet-4-5")).toEqual(findPrice("anthropic", "claude-sonnet-4-5"));
    expect(findPrice("google-vertex-ai", "google/gemini-2.5-flash")).toBeDefined();
    expect(findPrice("google-vertex-ai", "anthropic/claude-sonnet-4-5")).toBeDefined();
    expect(findPrice("google-vertex-ai", "gemini-2.5-flash")).toBeUndefined();
    expect(findPrice("google-vertex-ai", "meta/llama-4")).toBeUndefined();
  });

  it("holds lower-case ids and sane prices", () => {
    for (const [provider, models] of Object.entries(priced)) {
      for (const [model, price] of Object.entries(models)) {
        expect(model, `${provider}/${model}`).toBe(model.toLowerCase());
        for (const value of [price.input, price.output, price.cachedInput ?? 0, price.cacheWrite ?? 0]) {
          expect(Number.isFinite(value) && value >= 0, `${provider}/${model}`).toBe(true);
        }
        expect(price.cachedInput ?? price.input, `${provider}/${model}`).toBeLessThanOrEqual(price.input);
        expect(price.cacheWrite ?? price.input, `${provider}/${model}`).toBeGreaterThanOrEqual(price.input);
        if (price.maxOutput !== undefined) expect(Number.isInteger(price.maxOutput) && price.maxOutput > 0, `${provider}/${model}`).toBe(true);
      }
    }
  });
});
