/**
 * The route tester: the path a sample request would take through a route and the model it would call,
 * without calling or counting anything. It runs the data plane's own walk (walk.ts) with hooks that
 * assume every model answers and every rate element admits, except those the caller names.
 */
import { uuidv7 } from "@/lib/ids";
import type { JsonObject } from "@/lib/formats/json";
import type { MetadataValue } from "@/lib/gateway/options";
import type { RouteElement, RouteStep } from "./types";
import { runRoute, type RouteInput, type RouteOutcome } from "./walk";

export interface RouteSample {
  body: JsonObject;
  headers?: Record<string, string>;
  metadata?: Record<string, MetadataValue>;
}

export interface RouteTestOptions {
  /** Model element ids assumed to fail. */
  failing?: string[];
  /** Rate element ids assumed over their limit. */
  overLimit?: string[];
}

export interface TestedModel {
  elementId: string;
  provider: string;
  model: string;
}

export interface RouteTest {
  /** The percentage split's seed: the sample's `cf-aig-event-id`, else a fresh request id. */
  seed: string;
  path: RouteStep[];
  outcome: RouteOutcome;
  /** The model that would answer; undefined when the route would fail. */
  model: TestedModel | undefined;
  /** The models tried next, in order, if that one failed (and each after it). */
  fallbacks: TestedModel[];
}

const tested = (element: Extract<RouteElement, { type: "model" }>): TestedModel => ({
  elementId: element.id,
  provider: element.properties.provider,
  model: element.properties.model,
});

export async function testRoute(route: { elements: RouteElement[] }, sample: RouteSample, options: RouteTestOptions = {}): Promise<RouteTest> {
  const headers = new Map(Object.entries(sample.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const seed = headers.get("cf-aig-event-id") ?? uuidv7();
  const input: RouteInput = { body: sample.body, header: (name) => headers.get(name.toLowerCase()), metadata: sample.metadata, seed };
  const overLimit = new Set(options.overLimit);
  const run = (failing: Set<string>) =>
    runRoute(route, input, {
      rate: (element, keyValue) =>
        Promise.resolve(
          overLimit.has(element.id)
            ? { admitted: false, detail: "assumed over the limit" }
            : { admitted: true, detail: keyValue === undefined ? `key ${element.properties.key} absent` : `key ${element.properties.key} = ${JSON.stringify(keyValue)}` },
        ),
      model: (element) => Promise.resolve(failing.has(element.id) ? { ok: false, detail: "assumed to fail" } : { ok: true, detail: "assumed to answer" }),
    });

  const failing = new Set(options.failing);
  const first = await run(failing);
  const model = first.outcome.kind === "answered" ? tested(first.outcome.element) : undefined;
  // Each answering model assumed failed in turn gives the next one tried; a route has finitely many models.
  const fallbacks: TestedModel[] = [];
  let outcome = first.outcome;
  while (outcome.kind === "answered" && !failing.has(outcome.element.id)) {
    failing.add(outcome.element.id);
    outcome = (await run(failing)).outcome;
    if (outcome.kind === "answered") fallbacks.push(tested(outcome.element));
  }
  return { seed, path: first.path, outcome: first.outcome, model, fallbacks };
}
