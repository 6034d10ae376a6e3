import { describe, expect, it } from "vitest";
import { InvalidInputError } from "@/lib/services/errors";
import { bucketStarts, resolveRange } from "./range";

const NOW = new Date("2026-11-22T10:17:30Z");

describe("resolveRange", () => {
  it("fits a bucket size to each preset, minute rollups for short ranges and hours beyond", () => {
    const fit = (range: string) => {
      const r = resolveRange({ range }, NOW);
      return { level: r.level, bucketMinutes: r.bucketMs / 60_000, points: bucketStarts(r).length, to: r.to.toISOString() };
    };
    expect(fit("1h")).toEqual({ level: "minute", bucketMinutes: 1, points: 60, to: "2026-11-22T10:18:00.000Z" });
    expect(fit("24h")).toEqual({ level: "hour", bucketMinutes: 60, points: 24, to: "2026-11-22T11:00:00.000Z" });
    expect(fit("7d")).toEqual({ level: "hour", bucketMinutes: 60, points: 168, to: "2026-11-22T11:00:00.000Z" });
    expect(fit("30d")).toEqual({ level: "day", bucketMinutes: 1440, points: 30, to: "2026-11-23T00:00:00.000Z" });
    expect(resolveRange({}, NOW).preset).toBe("24h");
  });

  it("aligns a custom range to its buckets, and reads hours for short ranges older than the minute rollups", () => {
    const recent = resolveRange({ range: "custom", from: "2026-11-22T04:00:10Z", to: "2026-11-22T09:59:00Z" }, NOW);
    expect(recent).toMatchObject({ level: "minute", bucketMs: 300_000 });
    expect([recent.from.toISOString(), recent.to.toISOString()]).toEqual(["2026-11-22T04:00:00.000Z", "2026-11-22T10:00:00.000Z"]);
    expect(resolveRange({ range: "custom", from: "2026-11-22T08:00", to: "2026-11-22T09:00" }, NOW).from.toISOString()).toBe("2026-11-22T08:00:00.000Z");
    const old = resolveRange({ range: "custom", from: "2026-11-01T04:00Z", to: "2026-11-01T05:00Z" }, NOW);
    expect(old).toMatchObject({ level: "hour", bucketMs: 3_600_000 });
  });

  it("says which param is wrong", () => {
    const bad = (input: Parameters<typeof resolveRange>[0]) => () => resolveRange(input, NOW);
    expect(bad({ range: "2d" })).toThrow(new InvalidInputError('range: expected one of 1h, 24h, 7d, 30d or custom, got "2d"'));
    expect(bad({ range: "custom", to: "2026-11-22" })).toThrow(/^from: a custom range needs from and to/);
    expect(bad({ range: "custom", from: "2026-11-22", to: "yesterday" })).toThrow(/^to: expected an ISO date/);
    expect(bad({ range: "custom", from: "2026-11-22", to: "2026-11-21" })).toThrow("from: must be before to");
    expect(bad({ range: "custom", from: "2020-01-01", to: "2026-11-21" })).toThrow(/at most 366 days/);
  });
});
