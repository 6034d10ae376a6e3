import { describe, expect, it } from "vitest";
import type { RouteElement } from "@/lib/routes/types";
import { formatElements } from "./draft";
import { layoutRoute } from "./graph-layout";
import { STARTER_ELEMENTS } from "./starter";

describe("layoutRoute", () => {
  it("puts each element in the column of its distance from start, with one labelled edge per output", () => {
    const { nodes, edges } = layoutRoute(STARTER_ELEMENTS);
    const column = Object.fromEntries(nodes.map((n) => [n.id, n.x / 240]));
    expect(column).toEqual({ start: 0, plan: 1, split: 2, cheap: 2, main: 3, challenger: 3, end: 3 });
    expect(edges.map((e) => `${e.source} -${e.label}-> ${e.target}`)).toEqual([
      "start -next-> plan",
      "plan -true-> cheap",
      "plan -false-> split",
      "split -90%-> main",
      "split -else-> challenger",
      "main -success-> end",
      "main -fallback-> cheap",
      "challenger -success-> end",
      "challenger -fallback-> cheap",
      "cheap -success-> end",
    ]);
    expect(nodes.find((n) => n.id === "main")?.summary).toBe("openai/gpt-4o");
  });

  it("marks a tested path, puts unreachable elements last, and draws no edge to a missing element", () => {
    const elements: RouteElement[] = [
      { id: "start", type: "start", outputs: { next: { elementId: "m" } } },
      { id: "m", type: "model", properties: { provider: "openai", model: "x" }, outputs: { success: { elementId: "gone" } } },
      { id: "orphan", type: "end", outputs: {} },
    ];
    const { nodes, edges } = layoutRoute(elements, [
      { elementId: "start", type: "start", output: "next" },
      { elementId: "m", type: "model", output: "success" },
    ]);
    expect(nodes.map((n) => [n.id, n.x / 240, n.onPath])).toEqual([
      ["start", 0, true],
      ["m", 1, true],
      ["orphan", 2, false],
    ]);
    expect(edges).toEqual([{ id: "start:next", source: "start", target: "m", label: "next", taken: true }]);
  });
});

describe("formatElements", () => {
  it("writes each element's keys as id, type, properties, outputs, whatever order they came in", () => {
    const stored = [{ outputs: { success: { elementId: "end" } }, properties: { model: "m", provider: "openai" }, type: "model", id: "m" }] as unknown as RouteElement[];
    expect(formatElements(stored)).toBe(JSON.stringify([{ id: "m", type: "model", properties: { model: "m", provider: "openai" }, outputs: { success: { elementId: "end" } } }], null, 2));
    expect(Object.keys(JSON.parse(formatElements([{ id: "e", type: "end", outputs: {} }]))[0])).toEqual(["id", "type", "outputs"]);
  });
});
