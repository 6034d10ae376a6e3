import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { providers } from ".";

const FORMATS = new Set(["openai-chat", "openai-responses", "anthropic-messages", "gemini", undefined]);

/** Passthrough paths as clients send them: mostly provider-like segments, sometimes anything. */
const segment = fc.oneof(
  fc.constantFrom("v1", "v1beta", "models", "messages", "count_tokens", "chat", "completions", "responses", "embeddings", "", "%2e", ":"),
  fc.stringMatching(/^[a-z0-9.-]{0,20}(?::[A-Za-z]{0,25})?$/),
  fc.string({ unit: "binary", maxLength: 16 }),
);
const pathLike = fc.oneof(
  fc.array(segment, { maxLength: 8 }).map((segments) => segments.join("/")),
  fc.string({ unit: "binary", maxLength: 200 }),
);

describe("what providers read from a client's passthrough path", () => {
  it("is a known format or nothing, and plain facts, for any path", () => {
    fc.assert(
      fc.property(pathLike, (path) => {
        for (const spec of providers.values()) {
          expect(FORMATS.has(spec.formatOfPath(path))).toBe(true);
          const facts = spec.pathFacts?.(path) ?? {};
          if (facts.model !== undefined) expect(typeof facts.model).toBe("string");
          if (facts.stream !== undefined) expect(typeof facts.stream).toBe("boolean");
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
