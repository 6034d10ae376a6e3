import { parseRouteElements } from "@/lib/routes/schema";
import type { RouteElement, RouteProblem } from "@/lib/routes/types";
import { validateRoute } from "@/lib/routes/validate";
import { isMalformed } from "@/lib/services/routes/elements";

export type DraftCheck =
  /** Not JSON, or malformed elements (elements.ts's isMalformed): nothing to draw or save. */
  | { kind: "unreadable"; problems: string[] | RouteProblem[] }
  /** Readable elements, with what keeps them from being deployed (empty when they can be). */
  | { kind: "readable"; elements: RouteElement[]; problems: RouteProblem[] };

/** The editor's text checked as the services check a save, on every keystroke. */
export function checkDraft(text: string, isKnownProvider: (slug: string) => boolean): DraftCheck {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { kind: "unreadable", problems: [`Not JSON: ${error instanceof Error ? error.message : String(error)}`] };
  }
  const parsed = parseRouteElements(json);
  if ("problems" in parsed) return { kind: "unreadable", problems: parsed.problems };
  const problems = validateRoute(parsed.elements, { isKnownProvider });
  const malformed = problems.filter(isMalformed);
  if (malformed.length > 0) return { kind: "unreadable", problems: malformed };
  return { kind: "readable", elements: parsed.elements, problems };
}

/**
 * Elements as the editor shows them: each as `id, type, properties, outputs`, the order people write
 * them in (the database's jsonb keeps no key order).
 */
export function formatElements(elements: RouteElement[]): string {
  const ordered = elements.map(({ id, type, properties, outputs }) => ({ id, type, ...(properties === undefined ? {} : { properties }), outputs }));
  return JSON.stringify(ordered, null, 2);
}
