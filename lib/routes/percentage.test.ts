import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { uuidv7 } from "@/lib/ids";
import { percentageBucket, percentageOutput, percentageProblems, percentOf } from "./percentage";

const to = (elementId: string) => ({ elementId });

describe("percentageBucket", () => {
  it("is a pure function of the seed and the element id, from 0 to 99", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (seed, elementId) => {
        const bucket = percentageBucket(seed, elementId);
        expect(Number.isInteger(bucket) && bucket >= 0 && bucket < 100).toBe(true);
        expect(percentageBucket(seed, elementId)).toBe(bucket);
      }),
    );
  });

  it("keeps its values from one release to the next (clients pin conversations with them)", () => {
    // Golden values: a change to the hash moves every pinned conversation to another branch.
    expect([percentageBucket("a", "split"), percentageBucket("conversation-42", "split"), percentageBucket("", "")]).toEqual([83, 44, 3]);
    expect(percentageBucket("ab", "c")).not.toBe(percentageBucket("a", "bc"));
  });

  it("spreads 10,000 request ids (UUIDv7s, near-identical) evenly, and independently per element", () => {
    const seeds = Array.from({ length: 10_000 }, () => uuidv7());
    const counts = new Array<number>(10).fill(0);
    let same = 0;
    for (const seed of seeds) {
      const bucket = percentageBucket(seed, "split");
      counts[Math.floor(bucket / 10)]!++;
      if (bucket === percentageBucket(seed, "other-split")) same++;
    }
    // Each decile expects 1,000; 5 standard deviations (±150) is far outside chance for a fair hash.
    for (const count of counts) expect(Math.abs(count - 1000)).toBeLessThan(150);
    expect(same).toBeLessThan(200);
  });
});

describe("percentageOutput", () => {
  const outputs = { "10%": to("a"), "50%": to("b"), else: to("c") };

  it("gives percentages consecutive ranges from the smallest up, whatever order they are written in (jsonb reorders keys), and else the rest", () => {
    expect(percentageOutput(outputs, 0)).toBe("10%");
    expect(percentageOutput(outputs, 9)).toBe("10%");
    expect(percentageOutput(outputs, 10)).toBe("50%");
    expect(percentageOutput(outputs, 59)).toBe("50%");
    expect(percentageOutput(outputs, 60)).toBe("else");
    expect(percentageOutput(outputs, 99)).toBe("else");
    expect(percentageOutput({ "50%": to("b"), "10%": to("a") }, 5)).toBe("10%");
    expect(percentageOutput({ "50%": to("b"), "10%": to("a") }, 10)).toBe("50%");
    expect(percentageOutput({ else: to("c"), "90%": to("a") }, 95)).toBe("else");
    expect(percentageOutput({ "90%": to("a") }, 95)).toBeUndefined();
  });

  it("splits 10,000 seeds 90/10 within tolerance", () => {
    let main = 0;
    for (let index = 0; index < 10_000; index++) {
      if (percentageOutput({ "90%": to("a"), else: to("b") }, percentageBucket(`request-${index}`, "split")) === "90%") main++;
    }
    expect(Math.abs(main - 9000)).toBeLessThan(150);
  });
});

describe("percentageProblems", () => {
  it("accepts up to 5 whole percentages summing to at most 100, with else for the rest", () => {
    expect(percentageProblems({ "100%": to("a") })).toEqual([]);
    expect(percentageProblems({ "10%": to("a"), "20%": to("a"), "30%": to("a"), "5%": to("a"), "35%": to("a") })).toEqual([]);
    expect(percentageProblems({ "90%": to("a"), else: to("b") })).toEqual([]);
  });

  it("names what is wrong", () => {
    expect(percentageProblems({ "12.5%": to("a"), "0%": to("a"), ten: to("a"), "100%": to("b") })).toEqual([
      { output: "12.5%", message: expect.stringContaining("whole percentages") },
      { output: "0%", message: expect.stringContaining("whole percentages") },
      { output: "ten", message: expect.stringContaining("whole percentages") },
    ]);
    expect(percentageProblems({ "60%": to("a"), "50%": to("b"), else: to("c") })).toEqual([{ message: expect.stringContaining("add up to 110%") }]);
    expect(percentageProblems({ "60%": to("a"), "30%": to("b") })).toEqual([{ message: expect.stringContaining('add an "else" output for the other 10%') }]);
    expect(percentageProblems({ else: to("a") })).toEqual([{ message: expect.stringContaining("at least one output") }]);
    expect(percentageProblems(Object.fromEntries([1, 2, 3, 4, 5, 6].map((n) => [`${n}%`, to("a")])))).toEqual([
      { message: expect.stringContaining("at most 5") },
      { message: expect.stringContaining("other 79%") },
    ]);
  });

  it("reads percent keys strictly", () => {
    expect([percentOf("1%"), percentOf("100%"), percentOf("07%"), percentOf("101%"), percentOf(" 5%"), percentOf("5")]).toEqual([
      1, 100, undefined, undefined, undefined, undefined,
    ]);
  });
});
