import { parseRouteElements } from "@/lib/routes/schema";
import type { RouteElement, RouteProblem } from "@/lib/routes/types";
import { validateRoute } from "@/lib/routes/validate";
import { InvalidInputError } from "../errors";

/** A problem as one line for people: `element "split" outputs.else: …`. */
export function describeRouteProblem(problem: RouteProblem): string {
  const where = [problem.elementId === undefined ? undefined : `element "${problem.elementId}"`, problem.field].filter(Boolean).join(" ");
  return where ? `${where}: ${problem.message}` : problem.message;
}

export function describeRouteProblems(problems: RouteProblem[]): string {
  return problems.map(describeRouteProblem).join("; ");
}

export interface CheckedElements {
  elements: RouteElement[];
  /** What keeps them from being deployed (an unreachable element, a cycle, an unknown provider); empty when valid. */
  problems: RouteProblem[];
}

/**
 * Elements as sent, in either of Cloudflare's spellings, normalized. Elements that cannot be read
 * (an unknown type, a missing field, a malformed condition) are refused with each problem named;
 * elements that read but do not form a deployable route are kept with their problems, so work in
 * progress can be saved as a version.
 */
export function checkElements(input: unknown, isKnownProvider: (slug: string) => boolean): CheckedElements {
  const parsed = parseRouteElements(input);
  if ("problems" in parsed) throw new InvalidInputError(describeRouteProblems(parsed.problems));
  return { elements: parsed.elements, problems: validateRoute(parsed.elements, { isKnownProvider }) };
}
