/**
 * A dynamic route as Cloudflare defines it (reference §5): `{ id, name, elements }`, each element
 * `{ id, type, properties, outputs }` with outputs naming other elements. This is the normalized
 * form every version is stored in and every reader works on: `parseRouteElements` (schema.ts)
 * accepts both of Cloudflare's spellings (the API's `rate`/`window`/`conditions`, the docs'
 * `rate_limit`/`interval`/`condition`) and returns this one.
 */
export interface RouteOutput {
  elementId: string;
}

/** MongoDB-style: `{ "metadata.plan": { "$eq": "free" } }`, `{ "$or": [ … ] }` (conditions.ts). */
export type RouteCondition = { [field: string]: unknown };

export type RateLimitType = "count" | "cost";

export type RouteElement =
  | { id: string; type: "start"; properties?: undefined; outputs: { next: RouteOutput } }
  | { id: string; type: "conditional"; properties: { conditions: RouteCondition }; outputs: { true: RouteOutput; false: RouteOutput } }
  /** Outputs keyed `"10%"`… (at most 5, summing to at most 100) plus `"else"`. */
  | { id: string; type: "percentage"; properties?: undefined; outputs: Record<string, RouteOutput> }
  | {
      id: string;
      type: "rate";
      properties: {
        limitType: RateLimitType;
        /** What the counter is per: `metadata.user_id`, a body field or a header; requests without it share one counter. */
        key: string;
        /** Requests (`count`) or US dollars (`cost`) per window. */
        limit: number;
        /** Seconds. */
        window: number;
        technique: "fixed" | "sliding";
      };
      /** Without `fallback`, a request over the limit ends the route with a rate-limit error. */
      outputs: { success: RouteOutput; fallback?: RouteOutput };
    }
  | {
      id: string;
      type: "model";
      properties: {
        /** A provider slug (`openai`, `custom-acme`). */
        provider: string;
        model: string;
        /** Milliseconds to the provider's first byte. */
        timeout?: number;
        /** Retries after the first call (so `retries + 1` attempts). */
        retries?: number;
      };
      /** `success`: the model answered (its stream started); `fallback`: it failed after its retries, or timed out. */
      outputs: { success?: RouteOutput; fallback?: RouteOutput };
    }
  | { id: string; type: "end"; properties?: undefined; outputs: Record<string, never> };

export type RouteElementType = RouteElement["type"];

/** What is wrong with a route, naming the element (undefined for the route as a whole). */
export interface RouteProblem {
  elementId?: string;
  /** The offending field, as `properties.limit` or `outputs.true`. */
  field?: string;
  message: string;
}

/** A route's deployed version, as the data plane reads it from the directory. */
export interface DeployedRoute {
  routeId: string;
  name: string;
  versionId: string;
  /** 1 for the route's first version. */
  version: number;
  elements: RouteElement[];
}

/** One element a request passed through, and the output it took. */
export interface RouteStep {
  elementId: string;
  type: RouteElementType;
  /** The output taken: `next`, `true`/`false`, `"10%"`/`"else"`, `success`/`fallback`; undefined at `end`. */
  output?: string;
  /** What decided it, for people: `metadata.plan = "free"`, `bucket 37 of 100`, `7 of 10 in 60 s`, `HTTP 503`. */
  detail?: string;
}

/** The path a request took through a route: logged with the request and sent as `cf-aig-route*`. */
export interface RouteTrace {
  routeId: string;
  name: string;
  versionId: string;
  version: number;
  path: RouteStep[];
}
