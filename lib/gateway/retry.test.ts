import { describe, expect, it } from "vitest";
import { backoffDelayMs, isRetryableStatus, retryAfterMs, retryWaitMs, waitUnlessAborted } from "./retry";

describe("the backoff schedule", () => {
  it("waits the delay each time, the delay times the retry, or doubles it, without jitter at random 0", () => {
    expect([1, 2, 3, 4].map((n) => backoffDelayMs("constant", 100, n, 0))).toEqual([100, 100, 100, 100]);
    expect([1, 2, 3, 4].map((n) => backoffDelayMs("linear", 100, n, 0))).toEqual([100, 200, 300, 400]);
    expect([1, 2, 3, 4].map((n) => backoffDelayMs("exponential", 100, n, 0))).toEqual([100, 200, 400, 800]);
  });

  it("takes up to a quarter off for jitter, never adding to what the client asked for", () => {
    expect(backoffDelayMs("exponential", 1000, 3, 0.999)).toBe(3001);
    expect(backoffDelayMs("constant", 1000, 1, 0.5)).toBe(875);
    for (let i = 0; i < 100; i++) {
      const ms = backoffDelayMs("linear", 400, 2);
      expect(ms).toBeGreaterThanOrEqual(600);
      expect(ms).toBeLessThanOrEqual(800);
    }
    expect(backoffDelayMs("exponential", 0, 5, 0.3)).toBe(0);
  });
});

describe("what is retried", () => {
  it("is a rate limit or the provider's own failure", () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([200, 400, 401, 403, 404, 408, 409, 422, 501].some(isRetryableStatus)).toBe(false);
  });
});

describe("Retry-After", () => {
  const now = Date.parse("2026-12-02T12:00:00Z");

  it("reads delta seconds and HTTP dates", () => {
    expect(retryAfterMs("3", now)).toBe(3000);
    expect(retryAfterMs(" 0 ", now)).toBe(0);
    expect(retryAfterMs("Wed, 02 Dec 2026 12:00:04 GMT", now)).toBe(4000);
    expect(retryAfterMs("Wed, 02 Dec 2026 11:59:00 GMT", now)).toBe(0);
    expect(retryAfterMs(["2", "9"], now)).toBe(2000);
  });

  it("ignores what it cannot read", () => {
    for (const value of [undefined, "", "soon", "-1", "1.5", "12 seconds"]) expect(retryAfterMs(value, now), String(value)).toBeUndefined();
  });

  it("is waited when longer than the backoff and within 5 s; beyond, the answer goes to the client", () => {
    expect(retryWaitMs(200, undefined)).toBe(200);
    expect(retryWaitMs(200, 1000)).toBe(1000);
    expect(retryWaitMs(2000, 1000)).toBe(2000);
    expect(retryWaitMs(200, 5000)).toBe(5000);
    expect(retryWaitMs(200, 5001)).toBeUndefined();
  });
});

describe("waiting for a retry", () => {
  it("ends early, saying so, when the client leaves", async () => {
    const controller = new AbortController();
    const waiting = waitUnlessAborted(60_000, controller.signal);
    controller.abort();
    expect(await waiting).toBe(false);
    expect(await waitUnlessAborted(10, controller.signal)).toBe(false);
    expect(await waitUnlessAborted(1, new AbortController().signal)).toBe(true);
  });
});
