import { parseRouteElements } from "@/lib/routes/schema";
import type { RouteElement, RouteProblem } from "@/lib/routes/types";
import { validateRoute } from "@/lib/routes/validate";

export type DraftCheck =
  /** Not JSON, or elements that cannot be read: nothing to draw or save. */
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
  return { kind: "readable", elements: parsed.elements, problems: validateRoute(parsed.elements, { isKnownProvider }) };
}
