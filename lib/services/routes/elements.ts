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
 * A malformed element, as opposed to a route not finished yet: a bad condition, a limit of 0, a
 * timeout out of range. The provider is the exception: a custom provider may be added after the save.
 */
export function isMalformed(problem: RouteProblem): boolean {
  return problem.field !== undefined && problem.field.startsWith("properties.") && problem.field !== "properties.provider";
}

/**
 * Elements as sent, in either of Cloudflare's spellings, normalized. Malformed elements (an unknown
 * type, a missing field, a bad condition or property) are refused with each problem named; elements
 * that only do not form a deployable route yet (a dangling output, an unreachable element, a cycle,
 * an unknown provider) are kept with their problems, so work in progress can be saved as a version.
 */
export function checkElements(input: unknown, isKnownProvider: (slug: string) => boolean): CheckedElements {
  const parsed = parseRouteElements(input);
  if ("problems" in parsed) throw new InvalidInputError(describeRouteProblems(parsed.problems));
  const problems = validateRoute(parsed.elements, { isKnownProvider });
  const malformed = problems.filter(isMalformed);
  if (malformed.length > 0) throw new InvalidInputError(describeRouteProblems(malformed));
  return { elements: parsed.elements, problems };
}
