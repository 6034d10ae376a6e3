import { describe, expect, it } from "vitest";
import { retryAfterMs, windowAt, type WindowSpec } from "./window";

const at = (iso: string) => Date.parse(iso);

describe("windowAt", () => {
  it("aligns fixed windows to the clock: a minute window resets on the minute", () => {
    const spec: WindowSpec = { kind: "fixed", seconds: 60 };
    expect(windowAt(spec, at("2030-05-05T10:00:59.999Z"))).toEqual({ start: at("2030-05-05T10:00:00Z"), end: at("2030-05-05T10:01:00Z"), previousWeight: 0 });
    expect(windowAt(spec, at("2030-05-05T10:01:00Z")).start).toBe(at("2030-05-05T10:01:00Z"));
  });

  it("weights a sliding window's previous one by how much of it is still covered", () => {
    const spec: WindowSpec = { kind: "sliding", seconds: 60 };
    expect(windowAt(spec, at("2030-05-05T10:01:00Z"))).toMatchObject({ start: at("2030-05-05T10:01:00Z"), previousStart: at("2030-05-05T10:00:00Z"), previousWeight: 1 });
    expect(windowAt(spec, at("2030-05-05T10:01:15Z")).previousWeight).toBe(0.75);
    expect(windowAt(spec, at("2030-05-05T10:01:59.400Z")).previousWeight).toBeCloseTo(0.01, 10);
  });

  it("keeps UTC calendar days, weeks from Monday and months", () => {
    expect(windowAt({ kind: "calendar", period: "daily" }, at("2030-05-05T23:59:59.999Z"))).toMatchObject({ start: at("2030-05-05T00:00:00Z"), end: at("2030-05-06T00:00:00Z") });
    // 2030-05-05 is a Sunday: its week began on Monday the 29th of April.
    const weekly: WindowSpec = { kind: "calendar", period: "weekly" };
    expect(windowAt(weekly, at("2030-05-05T23:59:59.999Z"))).toMatchObject({ start: at("2030-04-29T00:00:00Z"), end: at("2030-05-06T00:00:00Z") });
    expect(windowAt(weekly, at("2030-05-06T00:00:00Z")).start).toBe(at("2030-05-06T00:00:00Z"));
    const monthly: WindowSpec = { kind: "calendar", period: "monthly" };
    expect(windowAt(monthly, at("2030-12-31T23:59:59.999Z"))).toMatchObject({ start: at("2030-12-01T00:00:00Z"), end: at("2031-01-01T00:00:00Z") });
    expect(windowAt(monthly, at("2032-02-29T12:00:00Z"))).toMatchObject({ start: at("2032-02-01T00:00:00Z"), end: at("2032-03-01T00:00:00Z") });
  });

  it("never resets a lifetime counter", () => {
    expect(windowAt({ kind: "lifetime" }, at("2030-05-05T10:00:00Z"))).toEqual({ start: 0, end: Infinity, previousWeight: 0 });
  });
});

describe("retryAfterMs", () => {
  it("is the time to the window's end for fixed and calendar windows, none for lifetime", () => {
    const fixed: WindowSpec = { kind: "fixed", seconds: 60 };
    const now = at("2030-05-05T10:00:45Z");
    expect(retryAfterMs(fixed, windowAt(fixed, now), now, 10, 0, 10)).toBe(15_000);
    const daily: WindowSpec = { kind: "calendar", period: "daily" };
    const evening = at("2030-05-05T23:00:00Z");
    expect(retryAfterMs(daily, windowAt(daily, evening), evening, 5, 0, 5)).toBe(3_600_000);
    expect(retryAfterMs({ kind: "lifetime" }, windowAt({ kind: "lifetime" }, now), now, 5, 0, 5)).toBeUndefined();
  });

  it("waits for a sliding window's previous share to decay, or into the next window when the current one is full", () => {
    const spec: WindowSpec = { kind: "sliding", seconds: 100 };
    const now = at("2030-05-05T10:00:00Z") + 10_000;
    const position = windowAt(spec, now);
    // 4 now and 10 before at weight 0.9 count 13 of 10; room for one more once floor(10 w) ≤ 5, w < 0.6: after 40 s.
    expect(retryAfterMs(spec, position, now, 4, 10, 10)).toBe(30_001);
    // 10 now fill it: in the next window 10 × w < 10 as soon as w < 1, a millisecond in.
    expect(retryAfterMs(spec, position, now, 10, 0, 10)).toBe(90_001);
    // 20 now: the next window must decay them to under 10, w < 0.5, half of it.
    expect(retryAfterMs(spec, position, now, 20, 0, 10)).toBe(90_000 + 50_001);
  });
});
