import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileCustomPattern } from "./detectors";
import { patternShape } from "./pattern-shape";
import { dlpSettingsSchema, selectPolicies } from "./settings";

/** Pattern-like text: regex syntax characters mixed with anything. */
const patternSource = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc
    .array(fc.oneof(fc.constantFrom(..."()[]{}|?*+.^$\\-:,<>=!PQEpxdswbBz0123456789aZ{1,3}(?:(?i)[:alpha:]\\Q\\E\\x{41}"), fc.string({ maxLength: 2 })), { maxLength: 30 })
    .map((parts) => parts.join("")),
);

describe("custom patterns from a team", () => {
  it("compile or are refused with a reason, never throw, and their shape is always measured", () => {
    fc.assert(
      fc.property(patternSource, (source) => {
        const compiled = compileCustomPattern(source);
        if (compiled.ok) {
          expect(compiled.shape.maxLength).toBeLessThanOrEqual(256);
          expect(patternShape(source)).toEqual(compiled.shape);
        } else expect(compiled.problem.length).toBeGreaterThan(0);
      }),
      { numRuns: 3_000 },
    );
  });
});

describe("dlpSettingsSchema", () => {
  it("reads any JSON as settings or as problems naming fields, never throwing", () => {
    const profile = fc.record({ id: fc.string({ maxLength: 8 }), patterns: fc.array(fc.record({ id: fc.string({ maxLength: 4 }), regex: patternSource }), { maxLength: 3 }) }, { requiredKeys: [] });
    const input = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          enabled: fc.oneof(fc.boolean(), fc.jsonValue()),
          action: fc.constantFrom("FLAG", "BLOCK", "REDACT", "flag", 1),
          profiles: fc.array(fc.constantFrom("email", "credit_card", "x", ""), { maxLength: 3 }),
          policies: fc.array(fc.record({ id: fc.string({ maxLength: 6 }), action: fc.constantFrom("FLAG", "BLOCK"), check: fc.array(fc.constantFrom("REQUEST", "RESPONSE", "BOTH")), profiles: fc.array(fc.constantFrom("email", "c", "")), actions: fc.jsonValue() }, { requiredKeys: [] }), { maxLength: 3 }),
          custom_profiles: fc.array(profile, { maxLength: 2 }),
          header_selects_policies: fc.jsonValue(),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(input, (value) => {
        const result = dlpSettingsSchema.safeParse(value);
        if (result.success) {
          expect(dlpSettingsSchema.parse(result.data)).toEqual(result.data);
          selectPolicies({ ...result.data, headerSelectsPolicies: true }, "a, ,b");
        } else expect(result.error.issues.every((issue) => issue.message.length > 0)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it("takes any cf-aig-dlp-policies header as policy ids or a problem to answer with", () => {
    const settings = dlpSettingsSchema.parse({ enabled: true, header_selects_policies: true, policies: [{ id: "a", action: "FLAG", profiles: ["email"] }] });
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (header) => {
        const selected = selectPolicies(settings, header);
        if ("problem" in selected) expect(selected.problem).toContain("cf-aig-dlp-policies");
        else expect(selected.policyIds.every((id) => id === "a")).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});
