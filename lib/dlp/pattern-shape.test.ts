import { describe, expect, it } from "vitest";
import { patternShape } from "./pattern-shape";

describe("patternShape", () => {
  it("measures the longest match in UTF-16 units, erring long", () => {
    const cases: [string, number][] = [
      ["EMP-\\d{6}", 10],
      ["(?:ab|abcd)?x{2,3}", 7],
      ["[a-z]{1,4}|\\w", 4],
      [".{3}", 6],
      ["[^a]", 2],
      ["\\p{Greek}\\pL", 4],
      ["😀{2}", 4],
      ["(?i)secret(?P<n>\\d{1,3})", 9],
      ["\\Qa.b\\E{2}", 6],
      ["\\x{1F600}\\x41\\101", 4],
      ["a{2,}", Infinity],
      ["a+|b", Infinity],
      ["^a$\\b", 1],
      ["[[:alpha:]-]{5}", 5],
      ["a{,2}", 5],
    ];
    for (const [source, maxLength] of cases) expect(patternShape(source).maxLength, source).toBe(maxLength);
  });

  it("says whether a match may hold whitespace, erring towards yes", () => {
    const cases: [string, boolean][] = [
      ["EMP-\\d{6}", false],
      ["[A-Z0-9_-]{4}", false],
      ["a b", true],
      ["a\\sb", true],
      ["a.b", true],
      ["[^x]", true],
      ["[\\t]", true],
      ["[ -~]", true],
      ["[!-~]", false],
      ["\\S{3}", false],
      ["\\D", true],
      ["[[:space:]]", true],
      ["[[:alnum:]]", false],
      ["(?:a b){0}c", false],
      ["\\x20", true],
      ["\\Q a\\E", true],
    ];
    for (const [source, mayMatchSpace] of cases) expect(patternShape(source).mayMatchSpace, source).toBe(mayMatchSpace);
  });
});
