import { describe, expect, it } from "vitest";
import { GatewayError } from "../errors";
import { MAX_STEPS, parseUniversalSteps } from "./universal-steps";

const bytes = (value: unknown) => new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));
const step = { provider: "openai", endpoint: "chat/completions", query: { model: "gpt-4o-mini", messages: [] } };

function refusal(value: unknown): GatewayError {
  try {
    parseUniversalSteps(bytes(value));
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("parseUniversalSteps", () => {
  it("takes one step object as a chain of one", () => {
    const [only, ...rest] = parseUniversalSteps(bytes(step));
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ provider: "openai", endpointPath: "chat/completions", endpointQuery: "", authorization: undefined, options: {} });
    expect(JSON.parse(new TextDecoder().decode(only!.body))).toEqual(step.query);
  });

  it("splits the endpoint's query off its path, and drops a leading slash", () => {
    const [gemini] = parseUniversalSteps(bytes([{ ...step, provider: "google-ai-studio", endpoint: "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse" }]));
    expect(gemini).toMatchObject({ endpointPath: "v1beta/models/gemini-2.5-flash:streamGenerateContent", endpointQuery: "?alt=sse" });
  });

  it("reads the step's cf-aig-* headers and config as its options, config winning", () => {
    const [parsed] = parseUniversalSteps(
      bytes([
        {
          ...step,
          headers: { "Cf-Aig-Max-Attempts": "2", "cf-aig-cache-ttl": "60", "X-Other": "kept" },
          authorization: "Bearer sk-x",
          config: { requestTimeout: 1000, maxAttempts: 3, retryDelay: 0, backoff: "linear" },
        },
      ]),
    );
    expect(parsed!.options).toEqual({ cacheTtl: 60, maxAttempts: 3, requestTimeoutMs: 1000, retryDelayMs: 0, backoff: "linear" });
    expect(parsed!.headers.get("x-other")).toBe("kept");
    expect(parsed!.authorization).toBe("Bearer sk-x");
  });

  it("refuses a bad body or step, naming the step and the field", () => {
    expect(refusal("[]").message).toContain("the array is empty");
    expect(refusal(Array.from({ length: MAX_STEPS + 1 }, () => step)).message).toContain(`at most ${MAX_STEPS}`);
    expect(refusal([step, { ...step, endpoint: "a b" }]).message).toMatch(/^Step 1: "endpoint"/);
    expect(refusal([{ ...step, config: { maxAttempts: 0 } }]).message).toContain('Step 0: "config.maxAttempts" must be a whole number of attempts from 1 to 5, got 0');
    expect(refusal([{ ...step, headers: { "cf-aig-backoff": "random" } }]).message).toContain('Step 0: "headers": Invalid cf-aig-backoff header');
    expect(refusal([{ ...step, query: [1] }]).message).toContain('"query" must be the provider\'s own request body as a JSON object, got an array');
    expect(refusal([{ ...step, authorization: "a\nb" }]).message).toContain('"authorization"');
    for (const error of [refusal("[]"), refusal([{ ...step, provider: "" }])]) expect(error.httpCode).toBe(400);
  });
});
