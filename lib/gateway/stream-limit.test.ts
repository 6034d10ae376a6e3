import { describe, expect, it } from "vitest";
import { GatewayError } from "./errors";
import { StreamLimiter } from "./stream-limit";

describe("StreamLimiter", () => {
  it("refuses a token's stream beyond the limit with a 429 naming the limit and the setting", () => {
    const limiter = new StreamLimiter(2);
    limiter.admit("tok_a");
    limiter.admit("tok_a");
    let refusal: unknown;
    try {
      limiter.admit("tok_a");
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(GatewayError);
    expect(refusal).toMatchObject({ httpCode: 429, internalCode: 2003, code: "too_many_streams" });
    expect((refusal as GatewayError).message).toContain("2 streams");
    expect((refusal as GatewayError).message).toContain("SWITCHYARD_MAX_STREAMS_PER_TOKEN");
    // Other tokens have their own count.
    expect(() => limiter.admit("tok_b")).not.toThrow();
  });

  it("counts a release once however often it is called", () => {
    const limiter = new StreamLimiter(1);
    const release = limiter.admit("tok_a");
    release();
    release();
    expect(limiter.openStreams("tok_a")).toBe(0);
    const second = limiter.admit("tok_a");
    expect(() => limiter.admit("tok_a")).toThrow(GatewayError);
    second();
    expect(limiter.openStreams("tok_a")).toBe(0);
  });

  it("does not count with no limit, or without a gateway token", () => {
    const unlimited = new StreamLimiter(0);
    for (let i = 0; i < 1000; i++) unlimited.admit("tok_a");
    expect(unlimited.openStreams("tok_a")).toBe(0);
    const limited = new StreamLimiter(1);
    limited.admit(null);
    limited.admit(null);
    expect(() => limited.admit("tok_a")).not.toThrow();
  });
});
