import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileDlp } from "./scanner";
import { dlpSettingsSchema } from "./settings";
import { dlpStreamFilter } from "./stream";
import { BUILT_IN_DETECTORS } from "./types";

const compiled = compileDlp(
  dlpSettingsSchema.parse({
    enabled: true,
    policies: [{ id: "all", profiles: [...BUILT_IN_DETECTORS, "custom"], actions: { REQUEST: "REDACT", RESPONSE: "REDACT" } }],
    custom_profiles: [{ id: "custom", patterns: [{ id: "p", regex: "(?i)\\bx.{0,3}y" }], keywords: [{ id: "k", words: ["Straße", "😀 ok"] }] }],
  }),
);
const anyText = fc.string({ unit: "binary", maxLength: 200 });

describe("DLP on whatever clients and providers send", () => {
  it("scans any text and any JSON body without throwing, and redaction never keeps a match", () => {
    fc.assert(
      fc.property(anyText, fc.jsonValue(), (text, body) => {
        const result = compiled.scanText(text, "REQUEST");
        if (result.redacted !== undefined) expect(compiled.scanText(result.redacted, "REQUEST").findings.every((finding) => finding.entryId !== "credit_card")).toBe(true);
        compiled.scanJsonStrings(body, "REQUEST");
      }),
      { numRuns: 2_000 },
    );
  });

  it("streams any text, split anywhere (surrogate pairs included), to what the whole-text scan gives", () => {
    fc.assert(
      fc.property(anyText, fc.array(fc.nat(), { maxLength: 10 }), (text, cuts) => {
        const filter = dlpStreamFilter(compiled, "RESPONSE");
        let out = "";
        let at = 0;
        for (const cut of [...new Set(cuts.map((each) => each % (text.length + 1)))].sort((a, b) => a - b)) {
          out += filter.push(text.slice(at, cut)).text;
          at = cut;
        }
        out += filter.push(text.slice(at)).text + filter.end().text;
        expect(out).toBe(compiled.scanText(text, "RESPONSE").redacted ?? text);
      }),
      { numRuns: 2_000 },
    );
  });
});
