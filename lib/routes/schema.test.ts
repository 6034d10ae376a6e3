import { describe, expect, it } from "vitest";
import { apiSpelling, docsSpelling } from "./routes.fixture";
import { parseRoute, parseRouteElements } from "./schema";
import type { RouteElement } from "./types";

const elementsOf = (input: unknown): RouteElement[] => {
  const parsed = parseRouteElements(input);
  if ("problems" in parsed) throw new Error(JSON.stringify(parsed.problems));
  return parsed.elements;
};

describe("parseRouteElements", () => {
  it("reads every element type into the normalized form", () => {
    const elements = elementsOf(apiSpelling);
    expect(elements.map((element) => element.type)).toEqual(["start", "conditional", "rate", "percentage", "model", "model", "model", "end"]);
    expect(elements[0]).toEqual({ id: "start", type: "start", outputs: { next: { elementId: "plan" } } });
    expect(elements[1]).toEqual(apiSpelling[1]);
    expect(elements[2]).toEqual({
      id: "per-user",
      type: "rate",
      properties: { limitType: "count", key: "metadata.user_id", limit: 10, window: 60, technique: "fixed" },
      outputs: { success: { elementId: "cheap" }, fallback: { elementId: "end" } },
    });
    expect(elements[3]).toEqual(apiSpelling[3]);
    expect(elements[5]).toEqual(apiSpelling[5]);
    expect(elements[7]).toEqual({ id: "end", type: "end", outputs: {} });
  });

  it("reads both spellings into the same elements", () => {
    expect(elementsOf(docsSpelling)).toEqual(elementsOf(apiSpelling));
    expect(JSON.stringify(elementsOf(docsSpelling))).toBe(JSON.stringify(elementsOf(apiSpelling)));
  });

  it("keeps a sliding technique and a cost limit", () => {
    const [rate] = elementsOf([
      { id: "r", type: "rate", properties: { limitType: "cost", key: "headers.x-user", limit: 0.5, window: 3600, technique: "sliding" }, outputs: { success: { elementId: "m" } } },
    ]);
    expect(rate!.properties).toEqual({ limitType: "cost", key: "headers.x-user", limit: 0.5, window: 3600, technique: "sliding" });
  });

  it("names the element and the field of each problem", () => {
    const parsed = parseRouteElements([
      { id: "a", type: "router", outputs: {} },
      { id: "b", type: "rate", properties: { limitType: "requests", key: "metadata.user", limit: "10", window: 60, interval: 60, burst: 2 }, outputs: { success: { elementId: "c" } } },
      { id: "c", type: "conditional", properties: {}, outputs: { true: { elementId: "d" } } },
      { id: "d", type: "model", properties: { provider: "openai" }, outputs: { success: { id: "e" } }, note: "x" },
      { id: "e", type: "conditional", properties: { condition: {}, conditions: {} }, outputs: { true: { elementId: "d" }, false: { elementId: "d" } } },
      { id: "f", type: "rate_limit", properties: { limitType: "count", key: "k", limit: 1, technique: "leaky" }, outputs: { success: { elementId: "d" } } },
      { id: "g", type: "start", properties: { x: 1 }, outputs: { next: { elementId: "" } } },
      { id: "h", type: "end", outputs: { next: { elementId: "a" } } },
      { type: "end" },
      "end",
    ]);
    expect(parsed).toEqual({
      problems: [
        { elementId: "a", field: "type", message: "must be one of start, conditional, percentage, rate, rate_limit, model, end" },
        { elementId: "b", field: "properties.limitType", message: 'must be "count" or "cost"' },
        { elementId: "b", field: "properties.limit", message: "expected number, received string" },
        { elementId: "b", field: "properties.burst", message: "unknown field" },
        { elementId: "b", field: "properties.interval", message: "give window or interval (the same thing), not both" },
        { elementId: "c", field: "properties.conditions", message: "is required" },
        { elementId: "c", field: "outputs.false", message: "is required" },
        { elementId: "d", field: "properties.model", message: "is required" },
        { elementId: "d", field: "outputs.success.elementId", message: "is required" },
        { elementId: "d", field: "outputs.success.id", message: "unknown field" },
        { elementId: "d", field: "note", message: "unknown field" },
        { elementId: "e", field: "properties.condition", message: "give conditions or condition (the same thing), not both" },
        { elementId: "f", field: "properties.technique", message: 'must be "fixed" or "sliding"' },
        { elementId: "f", field: "properties.window", message: "is required (seconds)" },
        { elementId: "g", field: "properties.x", message: "unknown field" },
        { elementId: "g", field: "outputs.next.elementId", message: "must not be empty" },
        { elementId: "h", field: "outputs.next", message: "unknown field" },
        { field: "elements.8.id", message: "must be a string of 1–128 characters" },
        { field: "elements.9", message: "must be an object { id, type, properties, outputs }" },
      ],
    });
  });

  it("refuses what is not a list of at most 100 elements, and numbers that are not finite", () => {
    expect(parseRouteElements({ start: {} })).toEqual({ problems: [{ field: "elements", message: "must be an array of elements" }] });
    expect(parseRouteElements(Array.from({ length: 101 }, (_, index) => ({ id: `e${index}`, type: "end" })))).toEqual({
      problems: [{ field: "elements", message: expect.stringContaining("at most 100") }],
    });
    expect(parseRouteElements([{ id: "m", type: "model", properties: { provider: "openai", model: "gpt-4o", timeout: Infinity }, outputs: {} }])).toEqual({
      problems: [{ elementId: "m", field: "properties.timeout", message: expect.any(String) }],
    });
  });
});

describe("parseRoute", () => {
  it("reads { id?, name, elements }", () => {
    expect(parseRoute({ name: "support", elements: apiSpelling })).toEqual({ route: { name: "support", elements: elementsOf(apiSpelling) } });
    expect(parseRoute({ id: "r1", name: "a_b-9", elements: docsSpelling })).toEqual({ route: { id: "r1", name: "a_b-9", elements: elementsOf(apiSpelling) } });
  });

  it("names the route's own problems with its elements'", () => {
    expect(parseRoute({ name: "Support Bot", elements: [{ id: "s", type: "start" }], gateway_id: "x" })).toEqual({
      problems: [
        { field: "name", message: "use 1–64 lowercase letters, digits, - and _" },
        { field: "gateway_id", message: "unknown field" },
        { elementId: "s", field: "outputs", message: "is required" },
      ],
    });
    expect(parseRoute({})).toEqual({
      problems: [
        { field: "name", message: "is required" },
        { field: "elements", message: "must be an array of elements" },
      ],
    });
    expect(parseRoute([])).toEqual({ problems: [{ message: expect.stringContaining("must be an object") }] });
    expect(parseRoute({ name: "x".repeat(65), elements: [] })).toEqual({ problems: [{ field: "name", message: expect.any(String) }] });
  });
});
