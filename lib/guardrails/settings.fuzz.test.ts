import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseLlamaGuardVerdict } from "./llama-guard";
import { guardrailSettingsSchema } from "./settings";
import { GUARDRAIL_CATEGORIES } from "./types";

const category = fc.oneof(fc.constantFrom(...GUARDRAIL_CATEGORIES, "S14", "S0", "P2", "__proto__", "constructor"), fc.string());
const rules = fc.oneof(fc.dictionary(category, fc.oneof(fc.constantFrom("FLAG", "BLOCK", "block"), fc.jsonValue())), fc.jsonValue());
const evaluator = fc.oneof(
  fc.record({ kind: fc.constantFrom("llama-guard", "openai-moderation", "other"), model: fc.oneof(fc.constantFrom("groq/x", "x", "/", "custom-a/b", "fal/x"), fc.string(), fc.jsonValue()) }, { requiredKeys: [] }),
  fc.jsonValue(),
);

// Settings come from the API, the dashboard and the CLI: whatever is sent is parsed or refused with problems, never a crash.
describe("guardrail settings against any input", () => {
  it("parse to settings whose every key is a category, or are refused with problems", () => {
    fc.assert(
      fc.property(fc.oneof(fc.record({ prompt: rules, response: rules, evaluator }, { requiredKeys: [] }), fc.jsonValue()), (input) => {
        const result = guardrailSettingsSchema.safeParse(input);
        if (result.success) {
          for (const key of [...Object.keys(result.data.prompt), ...Object.keys(result.data.response)]) expect(GUARDRAIL_CATEGORIES).toContain(key);
        } else {
          expect(result.error.issues.length).toBeGreaterThan(0);
          for (const issue of result.error.issues) expect(issue.message).not.toBe("");
        }
      }),
    );
  });
});

// The evaluator's answer is a provider's text: anything at all is read or refused, never a crash.
describe("Llama Guard verdicts against any answer", () => {
  it("read to Cloudflare categories or undefined", () => {
    const answer = fc.oneof(fc.string(), fc.tuple(fc.constantFrom("safe", "unsafe", " unsafe"), fc.constantFrom("\n", "\r\n", ""), fc.array(fc.constantFrom("S1", "S14", "S15", "P1", " S2", ""), { maxLength: 4 })).map(([head, newline, codes]) => `${head}${newline}${codes.join(",")}`));
    fc.assert(
      fc.property(answer, (text) => {
        const read = parseLlamaGuardVerdict(text);
        if (read !== undefined) for (const found of read) expect(GUARDRAIL_CATEGORIES).toContain(found);
      }),
    );
  });
});
