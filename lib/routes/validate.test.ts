import { describe, expect, it } from "vitest";
import { apiSpelling } from "./routes.fixture";
import { parseRouteElements } from "./schema";
import type { RouteElement } from "./types";
import { validateRoute } from "./validate";

const known = new Set(["openai", "anthropic", "groq"]);
const context = { isKnownProvider: (slug: string) => known.has(slug) };

const elementsOf = (input: unknown[]): RouteElement[] => {
  const parsed = parseRouteElements(input);
  if ("problems" in parsed) throw new Error(JSON.stringify(parsed.problems));
  return parsed.elements;
};

const to = (elementId: string) => ({ elementId });
const start = (next: string) => ({ id: "start", type: "start", outputs: { next: to(next) } });
const model = (id: string, outputs: Record<string, unknown> = {}, properties: Record<string, unknown> = {}) => ({
  id,
  type: "model",
  properties: { provider: "openai", model: "gpt-4o-mini", ...properties },
  outputs,
});
const end = { id: "end", type: "end" };

describe("validateRoute", () => {
  it("accepts the support route, and a route whose path reaches end without a model", () => {
    expect(validateRoute(elementsOf(apiSpelling), context)).toEqual([]);
    expect(validateRoute(elementsOf([start("end"), end]), context)).toEqual([]);
    expect(validateRoute(elementsOf([start("m"), model("m")]), context)).toEqual([]);
  });

  it("needs exactly one start", () => {
    expect(validateRoute(elementsOf([model("m")]), context)).toEqual([{ message: "a route needs a start element" }]);
    expect(validateRoute(elementsOf([start("m"), { ...start("m"), id: "start-2" }, model("m")]), context)).toEqual([
      { elementId: "start-2", field: "type", message: 'a route has one start element; "start" is already one' },
    ]);
  });

  it("names dangling outputs, outputs back to start, and duplicate ids", () => {
    expect(validateRoute(elementsOf([start("m"), model("m", { fallback: to("nowhere") }), model("m")]), context)).toEqual([
      { elementId: "m", field: "id", message: 'another element has the id "m"' },
      { elementId: "m", field: "outputs.fallback", message: 'leads to "nowhere", which is not an element of this route' },
    ]);
    expect(validateRoute(elementsOf([start("m"), model("m", { fallback: to("start") })]), context)).toEqual([
      { elementId: "m", field: "outputs.fallback", message: "leads back to the start element" },
    ]);
  });

  it("names unreachable elements", () => {
    expect(validateRoute(elementsOf([start("a"), model("a", { success: to("end") }), model("b", { success: to("end") }), end]), context)).toEqual([
      { elementId: "b", message: 'no path from the start element reaches "b"' },
    ]);
  });

  it("names an element on a cycle, once per cycle", () => {
    expect(
      validateRoute(elementsOf([start("a"), model("a", { fallback: to("b") }), model("b", { fallback: to("c"), success: to("end") }), model("c", { fallback: to("a") }), end]), context),
    ).toEqual([{ elementId: "c", field: "outputs.fallback", message: 'leads back to "a": a cycle, which a request would never leave' }]);
    expect(validateRoute(elementsOf([start("a"), model("a", { fallback: to("a") })]), context)).toEqual([
      { elementId: "a", field: "outputs.fallback", message: expect.stringContaining("a cycle") },
    ]);
  });

  it("allows two paths joining (a diamond is no cycle)", () => {
    const diamond = [
      start("if"),
      { id: "if", type: "conditional", properties: { conditions: { stream: true } }, outputs: { true: to("a"), false: to("b") } },
      model("a", { success: to("end"), fallback: to("b") }),
      model("b", { success: to("end") }),
      end,
    ];
    expect(validateRoute(elementsOf(diamond), context)).toEqual([]);
  });

  it("checks each element's properties, naming the field", () => {
    const elements = elementsOf([
      start("if"),
      { id: "if", type: "conditional", properties: { conditions: { "metadata.plan": { $in: "free" } } }, outputs: { true: to("split"), false: to("rate") } },
      { id: "split", type: "percentage", outputs: { "60%": to("m"), "50%": to("end") } },
      { id: "rate", type: "rate", properties: { limitType: "count", key: "", limit: 0.5, window: 0 }, outputs: { success: to("m") } },
      model("m", { success: to("end") }, { provider: "nope", timeout: 0, retries: 6 }),
      end,
    ]);
    expect(validateRoute(elements, context)).toEqual([
      { elementId: "if", field: "properties.conditions.metadata.plan.$in", message: "$in takes an array of values" },
      { elementId: "split", field: "outputs", message: "its percentages add up to 110%; they must add up to at most 100%" },
      { elementId: "rate", field: "properties.key", message: expect.stringContaining("must not be empty") },
      { elementId: "rate", field: "properties.limit", message: "a count limit must be a whole number of requests" },
      { elementId: "rate", field: "properties.window", message: expect.stringContaining("whole number of seconds") },
      { elementId: "m", field: "properties.provider", message: '"nope" is not a provider this gateway knows' },
      { elementId: "m", field: "properties.timeout", message: expect.stringContaining("milliseconds") },
      { elementId: "m", field: "properties.retries", message: "must be a whole number from 0 to 5" },
    ]);
  });

  it("checks rate limits are more than zero, cost limits may be fractions", () => {
    const rate = (limitType: string, limit: number) =>
      elementsOf([start("r"), { id: "r", type: "rate", properties: { limitType, key: "metadata.user", limit, window: 60 }, outputs: { success: to("m") } }, model("m")]);
    expect(validateRoute(rate("count", 0), context)).toEqual([{ elementId: "r", field: "properties.limit", message: "must be more than 0" }]);
    expect(validateRoute(rate("cost", -1), context)).toEqual([{ elementId: "r", field: "properties.limit", message: "must be more than 0" }]);
    expect(validateRoute(rate("cost", 0.25), context)).toEqual([]);
  });

  it("names a percentage output key that is not a percentage", () => {
    const elements = elementsOf([start("p"), { id: "p", type: "percentage", outputs: { half: to("m"), else: to("m") } }, model("m")]);
    expect(validateRoute(elements, context)).toEqual([
      { elementId: "p", field: "outputs.half", message: expect.stringContaining("whole percentages") },
      { elementId: "p", field: "outputs", message: expect.stringContaining("at least one output") },
    ]);
  });

  it("handles a chain of 100 elements without deep recursion", () => {
    const chain = [start("m0"), ...Array.from({ length: 98 }, (_, index) => model(`m${index}`, { fallback: to(`m${index + 1}`) })), model("m98")];
    expect(validateRoute(elementsOf(chain), context)).toEqual([]);
  });
});
