import { describe, expect, it } from "vitest";
import { clientIp, SlidingWindowLimiter } from "./rate-limit";

describe("SlidingWindowLimiter", () => {
  it("limits a key after `limit` events within the window, and forgets them as they age out", () => {
    const limiter = new SlidingWindowLimiter(3, 1000);
    for (const t of [0, 100, 200]) {
      expect(limiter.isLimited("k", t)).toBe(false);
      limiter.record("k", t);
    }
    expect(limiter.isLimited("k", 300)).toBe(true);
    expect(limiter.isLimited("other", 300)).toBe(false);
    expect(limiter.isLimited("k", 1001)).toBe(false);
  });

  it("starts over after a reset", () => {
    const limiter = new SlidingWindowLimiter(1, 1000);
    limiter.record("k", 0);
    expect(limiter.isLimited("k", 1)).toBe(true);
    limiter.reset("k");
    expect(limiter.isLimited("k", 2)).toBe(false);
  });

  it("bounds its memory by forgetting everything when full", () => {
    const limiter = new SlidingWindowLimiter(1, 1000, 2);
    limiter.record("a", 0);
    limiter.record("b", 0);
    limiter.record("c", 0);
    expect(limiter.isLimited("a", 1)).toBe(false);
    expect(limiter.isLimited("c", 1)).toBe(true);
  });
});

describe("clientIp", () => {
  it("takes the first x-forwarded-for entry", () => {
    expect(clientIp(new Headers({ "x-forwarded-for": "203.0.113.7, 10.0.0.1" }))).toBe("203.0.113.7");
    expect(clientIp(new Headers({ "x-real-ip": "198.51.100.2" }))).toBe("198.51.100.2");
    expect(clientIp(new Headers())).toBe("unknown");
  });
});
