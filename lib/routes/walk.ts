/**
 * One request's walk through a route, shared by the data plane (whose hooks count and call providers)
 * and the tester (whose hooks assume answers): the same code decides the path in both, so the tester
 * shows what routing does.
 */
import { evaluateCondition, readField, type ConditionInput } from "./conditions";
import { percentageBucket, percentageOutput } from "./percentage";
import type { RouteElement, RouteOutput, RouteStep } from "./types";

export interface RouteInput extends ConditionInput {
  /** Splits percentages: the request's `cf-aig-event-id` when the client sent one, else its request id. */
  seed: string;
}

type RateElement = Extract<RouteElement, { type: "rate" }>;
type ModelElement = Extract<RouteElement, { type: "model" }>;

export interface RouteHooks {
  /** Counts the request against the element's limit; `keyValue` is the key field's value (undefined: absent). */
  rate(element: RateElement, keyValue: string | undefined): Promise<{ admitted: boolean; detail?: string }>;
  /**
   * Calls the model; `ok` when it answered (its stream started). `path` is the walk so far, up to
   * this element: the data plane logs it with each model call's row.
   */
  model(element: ModelElement, path: readonly RouteStep[]): Promise<{ ok: boolean; detail?: string }>;
}

export type RouteOutcome =
  | { kind: "answered"; element: ModelElement }
  | {
      kind: "failed";
      /**
       * `rate_limited`: over a rate element's limit with no fallback; `model_failed`: the last model
       * called failed; `no_model`: the path reached its end without calling a model; `invalid_route`:
       * an output leads nowhere or the walk went round (validation keeps both out of deployed routes).
       */
      reason: "rate_limited" | "model_failed" | "no_model" | "invalid_route";
      element?: RouteElement;
    };

export interface RouteRun {
  path: RouteStep[];
  outcome: RouteOutcome;
}

/** The rate element's key as its counter names it: strings as they are, other values as JSON. */
function keyValueOf(element: RateElement, input: ConditionInput): string | undefined {
  const value = readField(element.properties.key, input);
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** A step as logged: without the fields that say nothing. */
function step(element: RouteElement, output: string | undefined, detail: string | undefined): RouteStep {
  return { elementId: element.id, type: element.type, ...(output !== undefined && { output }), ...(detail !== undefined && { detail }) };
}

export async function runRoute(route: { elements: RouteElement[] }, input: RouteInput, hooks: RouteHooks): Promise<RouteRun> {
  const byId = new Map(route.elements.map((element) => [element.id, element]));
  const path: RouteStep[] = [];
  let answered: ModelElement | undefined;
  let failedModel: ModelElement | undefined;
  const finish = (): RouteRun => {
    if (answered) return { path, outcome: { kind: "answered", element: answered } };
    if (failedModel) return { path, outcome: { kind: "failed", reason: "model_failed", element: failedModel } };
    return { path, outcome: { kind: "failed", reason: "no_model" } };
  };

  let element: RouteElement | undefined = route.elements.find((candidate) => candidate.type === "start");
  // A valid route is acyclic, so no walk passes more elements than it has.
  for (let steps = 0; element !== undefined && steps <= route.elements.length; steps++) {
    let output: string | undefined;
    let detail: string | undefined;
    switch (element.type) {
      case "start":
        output = "next";
        break;
      case "conditional": {
        const result = evaluateCondition(element.properties.conditions, input);
        output = String(result.matched);
        detail = result.detail;
        break;
      }
      case "percentage": {
        const bucket = percentageBucket(input.seed, element.id);
        output = percentageOutput(element.outputs, bucket);
        detail = `bucket ${bucket} of 100`;
        break;
      }
      case "rate": {
        const result = await hooks.rate(element, keyValueOf(element, input));
        output = result.admitted ? "success" : "fallback";
        detail = result.detail;
        if (!result.admitted && !element.outputs.fallback) {
          path.push(step(element, output, detail));
          return { path, outcome: { kind: "failed", reason: "rate_limited", element } };
        }
        break;
      }
      case "model": {
        const result = await hooks.model(element, path);
        output = result.ok ? "success" : "fallback";
        detail = result.detail;
        if (result.ok) answered = element;
        else failedModel = element;
        if (!(element.outputs as Record<string, RouteOutput | undefined>)[output]) {
          path.push(step(element, output, detail));
          return result.ok ? finish() : { path, outcome: { kind: "failed", reason: "model_failed", element } };
        }
        break;
      }
      case "end":
        path.push(step(element, undefined, undefined));
        return finish();
    }
    path.push(step(element, output, detail));
    const target: RouteOutput | undefined = output === undefined ? undefined : (element.outputs as Record<string, RouteOutput | undefined>)[output];
    const next: RouteElement | undefined = target && byId.get(target.elementId);
    if (!next) return { path, outcome: { kind: "failed", reason: "invalid_route", element } };
    element = next;
  }
  return { path, outcome: { kind: "failed", reason: "invalid_route", element } };
}
