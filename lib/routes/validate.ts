/**
 * Whether parsed elements (schema.ts) make a route that can be deployed: the graph (one start, no
 * dangling outputs, nothing unreachable, no cycles) and each element's properties. A path that reaches
 * `end` without passing a model is allowed: Cloudflare's `end` then answers with an error.
 */
import { fieldProblem, validateCondition } from "./conditions";
import { percentageProblems } from "./percentage";
import type { RouteElement, RouteOutput, RouteProblem } from "./types";

/** Thirty days: the longest window a limits counter is kept for. */
export const MAX_RATE_WINDOW_SECONDS = 30 * 86_400;
export const MAX_MODEL_RETRIES = 5;
/** Ten minutes to the provider's first byte. */
export const MAX_MODEL_TIMEOUT_MS = 600_000;

export interface RouteContext {
  isKnownProvider(slug: string): boolean;
}

/** Each output of an element as `[output name, target]`. */
export function outputsOf(element: RouteElement): [string, RouteOutput][] {
  return Object.entries(element.outputs as Record<string, RouteOutput | undefined>).filter(
    (entry): entry is [string, RouteOutput] => entry[1] !== undefined,
  );
}

export function validateRoute(elements: RouteElement[], context: RouteContext): RouteProblem[] {
  const problems: RouteProblem[] = [];
  const byId = new Map<string, RouteElement>();
  for (const element of elements) {
    if (byId.has(element.id)) problems.push({ elementId: element.id, field: "id", message: `another element has the id "${element.id}"` });
    else byId.set(element.id, element);
  }

  for (const element of elements) {
    for (const [name, target] of outputsOf(element)) {
      if (!byId.has(target.elementId)) {
        problems.push({ elementId: element.id, field: `outputs.${name}`, message: `leads to "${target.elementId}", which is not an element of this route` });
      } else if (byId.get(target.elementId)!.type === "start") {
        problems.push({ elementId: element.id, field: `outputs.${name}`, message: "leads back to the start element" });
      }
    }
    problems.push(...propertyProblems(element, context));
  }

  const starts = elements.filter((element) => element.type === "start");
  if (starts.length === 0) problems.push({ message: "a route needs a start element" });
  if (starts.length > 1) {
    for (const extra of starts.slice(1)) problems.push({ elementId: extra.id, field: "type", message: `a route has one start element; "${starts[0]!.id}" is already one` });
  }
  if (starts.length === 1) problems.push(...graphProblems(starts[0]!, byId));
  return problems;
}

/** Unreachable elements and cycles, from the one start. */
function graphProblems(start: RouteElement, byId: Map<string, RouteElement>): RouteProblem[] {
  const problems: RouteProblem[] = [];
  const state = new Map<string, "open" | "done">();
  const reported = new Set<string>();
  // Iterative depth-first search: a route of MAX_ROUTE_ELEMENTS must not be able to exhaust the stack.
  const stack: { element: RouteElement; outputs: [string, RouteOutput][]; next: number }[] = [];
  const enter = (element: RouteElement) => {
    state.set(element.id, "open");
    stack.push({ element, outputs: outputsOf(element), next: 0 });
  };
  enter(start);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next === frame.outputs.length) {
      state.set(frame.element.id, "done");
      stack.pop();
      continue;
    }
    const [name, target] = frame.outputs[frame.next++]!;
    const next = byId.get(target.elementId);
    if (!next || next.type === "start") continue;
    const seen = state.get(next.id);
    if (seen === undefined) enter(next);
    else if (seen === "open" && !reported.has(next.id)) {
      reported.add(next.id);
      problems.push({ elementId: frame.element.id, field: `outputs.${name}`, message: `leads back to "${next.id}": a cycle, which a request would never leave` });
    }
  }
  for (const element of byId.values()) {
    if (!state.has(element.id) && element.type !== "start") {
      problems.push({ elementId: element.id, message: `no path from the start element reaches "${element.id}"` });
    }
  }
  return problems;
}

const positiveInteger = (value: number): boolean => Number.isInteger(value) && value > 0;

function propertyProblems(element: RouteElement, context: RouteContext): RouteProblem[] {
  const problem = (field: string | undefined, message: string): RouteProblem => ({ elementId: element.id, field, message });
  switch (element.type) {
    case "conditional":
      return validateCondition(element.properties.conditions).map(({ at, message }) =>
        problem(at === "" ? "properties.conditions" : `properties.conditions.${at}`, message),
      );
    case "percentage":
      return percentageProblems(element.outputs).map(({ output, message }) => problem(output === undefined ? "outputs" : `outputs.${output}`, message));
    case "rate": {
      const problems: RouteProblem[] = [];
      const { key, limit, window } = element.properties;
      const keyProblem = fieldProblem(key);
      if (keyProblem) problems.push(problem("properties.key", `${keyProblem}; use a field like "metadata.user_id"`));
      if (!(limit > 0)) problems.push(problem("properties.limit", "must be more than 0"));
      if (element.properties.limitType === "count" && !Number.isInteger(limit)) problems.push(problem("properties.limit", "a count limit must be a whole number of requests"));
      if (!positiveInteger(window) || window > MAX_RATE_WINDOW_SECONDS) {
        problems.push(problem("properties.window", `must be a whole number of seconds from 1 to ${MAX_RATE_WINDOW_SECONDS}`));
      }
      return problems;
    }
    case "model": {
      const problems: RouteProblem[] = [];
      const { provider, timeout, retries } = element.properties;
      if (!context.isKnownProvider(provider)) problems.push(problem("properties.provider", `"${provider}" is not a provider this gateway knows`));
      if (timeout !== undefined && (!positiveInteger(timeout) || timeout > MAX_MODEL_TIMEOUT_MS)) {
        problems.push(problem("properties.timeout", `must be a whole number of milliseconds from 1 to ${MAX_MODEL_TIMEOUT_MS}`));
      }
      if (retries !== undefined && (!Number.isInteger(retries) || retries < 0 || retries > MAX_MODEL_RETRIES)) {
        problems.push(problem("properties.retries", `must be a whole number from 0 to ${MAX_MODEL_RETRIES}`));
      }
      return problems;
    }
    case "start":
    case "end":
      return [];
  }
}
