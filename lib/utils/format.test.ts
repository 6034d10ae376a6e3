import { describe, expect, it } from "vitest";
import { formatCost } from "./format";

describe("formatCost", () => {
  it("shows micro-dollars in the team's display precision", () => {
    expect(formatCost(1_234_567, 2)).toBe("$1.23");
    expect(formatCost(1_234_567, 6)).toBe("$1.234567");
    expect(formatCost(12_345_678_900, 3)).toBe("$12,345.679");
    expect(formatCost(-1_500_000, 2)).toBe("-$1.50");
  });

  it("says an amount is below what the precision shows, rather than $0.00", () => {
    expect(formatCost(1_000, 2)).toBe("<$0.01");
    expect(formatCost(5_000, 2)).toBe("$0.01");
    expect(formatCost(0, 4)).toBe("$0");
  });

  it("without a precision, keeps small costs visible", () => {
    expect(formatCost(1_500)).toBe("$0.001500");
    expect(formatCost(25_000)).toBe("$0.0250");
    expect(formatCost(2_500_000)).toBe("$2.50");
  });
});
