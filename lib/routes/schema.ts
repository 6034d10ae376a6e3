/**
 * Reads a route as people and Cloudflare's tools write it, in either of Cloudflare's spellings
 * (reference §5): the API's `type: "rate"`, `window`, `conditions`, or one docs revision's
 * `type: "rate_limit"`, `interval`, `condition`. Both give the same normalized elements (types.ts).
 * This checks shapes and types only; what makes a route deployable (one start, no cycles, ranges,
 * known providers, valid conditions) is validate.ts's.
 */
import { z } from "zod";
import { isJsonObject } from "@/lib/formats/json";
import type { RouteElement, RouteProblem } from "./types";

/** A route is called as model `dynamic/{name}`, so its name is one path segment of plain characters. */
export const ROUTE_NAME = /^[a-z0-9_-]{1,64}$/;
export const ROUTE_NAME_RULE = "use 1–64 lowercase letters, digits, - and _";
export const MAX_ROUTE_ELEMENTS = 100;
export const MAX_ELEMENT_ID_LENGTH = 128;

export interface ParsedRoute {
  id?: string;
  name: string;
  elements: RouteElement[];
}

const ELEMENT_TYPES = ["start", "conditional", "percentage", "rate", "rate_limit", "model", "end"];

const output = z.strictObject({ elementId: z.string().min(1, "must not be empty") });
const noProperties = z.strictObject({}).optional().transform(() => undefined);
const finite = z.number().refine(Number.isFinite, "must be a finite number");

/** Runs a spelling check even when another field is wrong, so one answer lists every problem. */
const reportWithOtherProblems = { when: ({ value }: { value: unknown }) => isJsonObject(value) };

const start = z.strictObject({
  id: z.string(),
  type: z.literal("start"),
  properties: noProperties,
  outputs: z.strictObject({ next: output }),
});

const conditional = z.strictObject({
  id: z.string(),
  type: z.literal("conditional"),
  properties: z
    .strictObject({ conditions: z.record(z.string(), z.unknown()).optional(), condition: z.record(z.string(), z.unknown()).optional() })
    .superRefine((properties, context) => {
      if (properties.conditions !== undefined && properties.condition !== undefined) {
        context.addIssue({ code: "custom", path: ["condition"], message: "give conditions or condition (the same thing), not both" });
      } else if (properties.conditions === undefined && properties.condition === undefined) {
        context.addIssue({ code: "custom", path: ["conditions"], message: "is required" });
      }
    }, reportWithOtherProblems)
    .transform((properties) => ({ conditions: (properties.conditions ?? properties.condition)! })),
  outputs: z.strictObject({ true: output, false: output }),
});

const percentage = z.strictObject({
  id: z.string(),
  type: z.literal("percentage"),
  properties: noProperties,
  outputs: z.record(z.string(), output),
});

const rate = z.strictObject({
  id: z.string(),
  type: z.enum(["rate", "rate_limit"]).transform(() => "rate" as const),
  properties: z
    .strictObject({
      limitType: z.enum(["count", "cost"], 'must be "count" or "cost"'),
      key: z.string(),
      limit: finite,
      window: finite.optional(),
      interval: finite.optional(),
      technique: z.enum(["fixed", "sliding"], 'must be "fixed" or "sliding"').default("fixed"),
    })
    .superRefine((properties, context) => {
      if (properties.window !== undefined && properties.interval !== undefined) {
        context.addIssue({ code: "custom", path: ["interval"], message: "give window or interval (the same thing), not both" });
      } else if (properties.window === undefined && properties.interval === undefined) {
        context.addIssue({ code: "custom", path: ["window"], message: "is required (seconds)" });
      }
    }, reportWithOtherProblems)
    .transform(({ limitType, key, limit, window, interval, technique }) => ({ limitType, key, limit, window: (window ?? interval)!, technique })),
  outputs: z.strictObject({ success: output, fallback: output.optional() }),
});

const model = z.strictObject({
  id: z.string(),
  type: z.literal("model"),
  properties: z.strictObject({
    provider: z.string().min(1, "must not be empty"),
    model: z.string().min(1, "must not be empty"),
    timeout: finite.optional(),
    retries: finite.optional(),
  }),
  outputs: z.strictObject({ success: output.optional(), fallback: output.optional() }),
});

const end = z.strictObject({
  id: z.string(),
  type: z.literal("end"),
  properties: noProperties,
  outputs: z.strictObject({}).optional().transform(() => ({})),
});

const SCHEMAS: Record<string, z.ZodType<RouteElement, unknown>> = {
  start,
  conditional,
  percentage,
  rate,
  rate_limit: rate,
  model,
  end,
} as Record<string, z.ZodType<RouteElement, unknown>>;

/** The problems in zod's issues, each naming `elementId` and the field (`properties.limit`). */
function problemsOf(error: z.ZodError, elementId: string | undefined, prefix: string): RouteProblem[] {
  const field = (path: PropertyKey[]): string | undefined => {
    const text = [prefix, ...path.map(String)].filter((part) => part !== "").join(".");
    return text === "" ? undefined : text;
  };
  return error.issues.flatMap((issue): RouteProblem[] => {
    const problem = (path: PropertyKey[], message: string): RouteProblem => ({ ...(elementId !== undefined && { elementId }), field: field(path), message });
    if (issue.code === "unrecognized_keys") return issue.keys.map((key) => problem([...issue.path, key], "unknown field"));
    const message =
      issue.code === "invalid_type" && issue.message.endsWith("received undefined")
        ? "is required"
        : issue.message.replace(/^Invalid input: /, "");
    return [problem(issue.path, message)];
  });
}

function parseElement(input: unknown, index: number): { element: RouteElement } | { problems: RouteProblem[] } {
  const at = `elements.${index}`;
  if (!isJsonObject(input)) return { problems: [{ field: at, message: "must be an object { id, type, properties, outputs }" }] };
  const id = input.id;
  if (typeof id !== "string" || id === "" || id.length > MAX_ELEMENT_ID_LENGTH) {
    return { problems: [{ field: `${at}.id`, message: `must be a string of 1–${MAX_ELEMENT_ID_LENGTH} characters` }] };
  }
  const type = input.type;
  const schema = typeof type === "string" && Object.hasOwn(SCHEMAS, type) ? SCHEMAS[type] : undefined;
  if (!schema) {
    return { problems: [{ elementId: id, field: "type", message: `must be one of ${ELEMENT_TYPES.join(", ")}` }] };
  }
  const result = schema.safeParse(input);
  return result.success ? { element: result.data } : { problems: problemsOf(result.error, id, "") };
}

/** The normalized elements, or every problem found, each naming its element (or `elements.N` without an id) and field. */
export function parseRouteElements(input: unknown): { elements: RouteElement[] } | { problems: RouteProblem[] } {
  if (!Array.isArray(input)) return { problems: [{ field: "elements", message: "must be an array of elements" }] };
  if (input.length > MAX_ROUTE_ELEMENTS) {
    return { problems: [{ field: "elements", message: `has ${input.length} elements; a route has at most ${MAX_ROUTE_ELEMENTS}` }] };
  }
  const elements: RouteElement[] = [];
  const problems: RouteProblem[] = [];
  input.forEach((item, index) => {
    const parsed = parseElement(item, index);
    if ("element" in parsed) elements.push(parsed.element);
    else problems.push(...parsed.problems);
  });
  return problems.length > 0 ? { problems } : { elements };
}

const routeShape = z.strictObject({
  id: z.string().min(1, "must not be empty").optional(),
  name: z.string().regex(ROUTE_NAME, ROUTE_NAME_RULE),
  // Checked by parseRouteElements, which names each element.
  elements: z.unknown().optional(),
});

/** A whole route `{ id?, name, elements }`, as Cloudflare's API creates one and the CLI imports one. */
export function parseRoute(input: unknown): { route: ParsedRoute } | { problems: RouteProblem[] } {
  if (!isJsonObject(input)) return { problems: [{ message: "a route must be an object { name, elements }" }] };
  const shape = routeShape.safeParse(input);
  const problems = shape.success ? [] : problemsOf(shape.error, undefined, "");
  const elements = parseRouteElements(input.elements);
  if ("problems" in elements) problems.push(...elements.problems);
  if (!shape.success || "problems" in elements) return { problems };
  return { route: { ...(shape.data.id !== undefined && { id: shape.data.id }), name: shape.data.name, elements: elements.elements } };
}
