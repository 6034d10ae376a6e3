import { describe, expect, it } from "vitest";
import { uuidv7 } from "./ids";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("uuidv7", () => {
  it("is a version 7, variant 10 UUID whose first 48 bits are the time in milliseconds", () => {
    const now = Date.UTC(2026, 11, 2, 9, 0, 0);
    const id = uuidv7(now);
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.replaceAll("-", "").slice(0, 12), 16)).toBe(now);
  });

  it("never repeats, across many refills of its entropy", () => {
    const now = Date.now();
    const ids = Array.from({ length: 5000 }, () => uuidv7(now));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 50)) expect(id).toMatch(UUID_V7);
  });
});
