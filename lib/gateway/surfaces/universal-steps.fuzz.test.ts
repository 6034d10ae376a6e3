import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GatewayError } from "../errors";
import { MAX_STEPS, parseUniversalSteps } from "./universal-steps";

const field = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof(arbitrary, fc.anything({ maxDepth: 2 }));
/** Steps near the accepted form, where the parser branches, and anything at all in each field. */
const likelyStep = fc.record(
  {
    provider: field(fc.constantFrom("openai", "anthropic", "compat", "custom-x", "", "a/b", "open ai")),
    endpoint: field(fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("chat/completions", "/v1/messages", "x?alt=sse", "a#b", "../x"))),
    headers: field(fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.string({ maxLength: 20 }), fc.integer()), { maxKeys: 4 })),
    authorization: field(fc.string({ maxLength: 20 })),
    query: field(fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 })),
    config: field(
      fc.record(
        {
          requestTimeout: fc.oneof(fc.integer(), fc.double(), fc.string()),
          maxAttempts: fc.oneof(fc.integer({ min: -1, max: 7 }), fc.string()),
          retryDelay: fc.oneof(fc.integer({ min: -1, max: 6000 }), fc.double()),
          backoff: fc.oneof(fc.constantFrom("constant", "linear", "exponential", "random"), fc.integer()),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);

describe("parseUniversalSteps, fuzzed", () => {
  it("returns steps or throws a 400 GatewayError for any body, and what it accepts keeps its limits", () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(likelyStep, { maxLength: MAX_STEPS + 2 }), likelyStep, fc.anything()), (value) => {
        const raw = new TextEncoder().encode(JSON.stringify(value) ?? "");
        try {
          const steps = parseUniversalSteps(raw);
          expect(steps.length).toBeGreaterThan(0);
          expect(steps.length).toBeLessThanOrEqual(MAX_STEPS);
          for (const step of steps) {
            expect(step.endpointPath).toMatch(/^[\x21-\x7e]+$/);
            expect(step.endpointPath).not.toContain("?");
            if (step.options.maxAttempts !== undefined) expect(step.options.maxAttempts).toBeLessThanOrEqual(5);
            if (step.options.retryDelayMs !== undefined) expect(step.options.retryDelayMs).toBeLessThanOrEqual(5000);
          }
        } catch (error) {
          if (!(error instanceof GatewayError) || error.httpCode !== 400) throw error;
        }
      }),
      { numRuns: 1000 },
    );
  });
});
