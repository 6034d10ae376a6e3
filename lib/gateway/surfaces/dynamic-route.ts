import type { WireFormat } from "@/lib/formats/codec";
import type { JsonObject } from "@/lib/formats/json";
import { worstCaseMicros } from "@/lib/limits/worst-case";
import type { RateElement } from "@/lib/limits/route-counters";
import { ROUTE_NAME, ROUTE_NAME_RULE } from "@/lib/routes/schema";
import type { DeployedRoute, RouteElement, RouteStep, RouteTrace } from "@/lib/routes/types";
import { outputsOf } from "@/lib/routes/validate";
import { runRoute, type RouteOutcome } from "@/lib/routes/walk";
import type { GatewayResponse, ResponseHeaders } from "../contract";
import {
  invalidRequest,
  isLimitRefusal,
  refusalOf,
  renderError,
  routeBroken,
  routeCalledNoModel,
  routeModelsFailed,
  routeNotDeployed,
  type GatewayError,
} from "../errors";
import { setGatewayHeaders, type Exchange } from "../exchange";
import { refusalAnswer } from "../logging";
import type { SurfaceContext } from "./context";
import { readToEnd, startStep } from "./universal";

/** The chat surface's call of one `{provider}/{model}` (chat.ts `serveChatModel`). */
export type ServeChatModel = (ctx: SurfaceContext, ingress: WireFormat, body: JsonObject) => Promise<GatewayResponse>;

type ModelElement = Extract<RouteElement, { type: "model" }>;

const DYNAMIC = "dynamic/";

/** The route `model` names as `dynamic/{name}`; undefined for any other model. */
export function dynamicRouteName(model: unknown): string | undefined {
  return typeof model === "string" && model.startsWith(DYNAMIC) ? model.slice(DYNAMIC.length) : undefined;
}

/**
 * `model: "dynamic/{name}"` (reference §5) on every chat surface: the gateway's route of that name,
 * as its deployed version was when the request arrived, walked by lib/routes (the tester's walk).
 *
 * A `model` element is called exactly as `{provider}/{model}` would be (plan, key, limits, cache,
 * translation), its `timeout` and `retries` over the request's and the gateway's. Its calls are
 * attempts of the request's one step, as a retry's are: each element tried after the first, and
 * each retry, is a row of its own with the next attempt number (`cf-aig-step` stays the Universal
 * step's). An element fails on an error status or a refusal of the gateway's (no key, timeout to
 * first byte, a limit); its answer is read to its end, so its row is whole, before the route goes
 * on. The first answer below 400 (a stream that started) is the route's, streamed as it arrives.
 *
 * `exchange.route` holds the path so far, so each row logs the path up to the element it called
 * (with that element's output once known), and the answer's row, written when its body ends, the
 * whole path. When the route fails: every model failed → 2005 with each failure (a limit's refusal
 * answers as itself, as on the Universal endpoint); a `rate` element over its limit with no
 * fallback → its 429 and 2003; no model on the path → 400.
 */
export async function serveDynamicRoute(ctx: SurfaceContext, ingress: WireFormat, body: JsonObject, name: string, serveModel: ServeChatModel): Promise<GatewayResponse> {
  const { exchange, access } = ctx;
  if (!ROUTE_NAME.test(name)) {
    throw invalidRequest(`"model" names a dynamic route as "dynamic/{name}": "${name}" is not a route name (${ROUTE_NAME_RULE})`, "invalid_model");
  }
  const route = await ctx.directory.route(access.team.id, access.gateway.id, name);
  if (!route) throw routeNotDeployed(name, access.team.slug, access.gateway.slug);

  const trace = (path: RouteStep[]): RouteTrace => ({ routeId: route.routeId, name: route.name, versionId: route.versionId, version: route.version, path });
  exchange.route = trace([]);
  const counters = ctx.limits.routeCounters(exchange);
  const requestOptions = exchange.options;
  const answers = new Map<string, GatewayResponse>();
  const failures: string[] = [];
  let lastFailure: { status: number; refusal: GatewayError | undefined } = { status: 502, refusal: undefined };
  let rateRefusal: { refusal: GatewayError; headers: Record<string, string> } | undefined;
  let calls = 0;
  /** A row after a model's: the next attempt of the step, still in the client's format. */
  const nextRow = () => {
    startStep(exchange, exchange.step);
    exchange.ingressFormat = ingress;
  };

  async function callModel(element: ModelElement, path: readonly RouteStep[]): Promise<{ ok: boolean; detail: string }> {
    const { provider, model, timeout, retries } = element.properties;
    // A client that went away is called nothing more; the walk ends through whatever fallbacks remain.
    if (ctx.req.signal.aborted) return { ok: false, detail: "the client closed the request" };
    if (calls++ > 0) nextRow();
    const step = (output?: string, detail?: string) => {
      // As the walk logs its steps: no fields that say nothing (the element in flight has neither).
      exchange.route = trace([...path, { elementId: element.id, type: "model", ...(output !== undefined && { output, detail }) }]);
    };
    step();
    exchange.options = {
      ...requestOptions,
      requestTimeoutMs: timeout ?? requestOptions?.requestTimeoutMs,
      maxAttempts: retries === undefined ? requestOptions?.maxAttempts : retries + 1,
    };
    counters.beforeModel();
    // With a fallback to go to, its last attempt keeps to its timeout, as a Universal step followed by another does.
    const modelCtx: SurfaceContext = { ...ctx, finalStep: ctx.finalStep && element.outputs.fallback === undefined };
    const called = `model element '${element.id}' (${provider}/${model})`;
    let response: GatewayResponse;
    try {
      response = await serveModel(modelCtx, ingress, { ...body, model: `${provider}/${model}` });
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      step("fallback", refusal.message);
      refusalAnswer(ctx.relay.logs, exchange, refusal, renderError(refusal, exchange.ingressFormat));
      failures.push(`${called}: ${refusal.message}`);
      lastFailure = { status: refusal.httpCode, refusal };
      return { ok: false, detail: refusal.message };
    }
    const detail = `HTTP ${response.status}`;
    if (response.status < 400) {
      step("success", detail);
      answers.set(element.id, response);
      return { ok: true, detail };
    }
    step("fallback", detail);
    await readToEnd(response.body);
    failures.push(`${called}: the provider answered ${detail}`);
    lastFailure = { status: response.status, refusal: undefined };
    return { ok: false, detail };
  }

  try {
    const run = await runRoute(
      route,
      {
        body,
        header: (header) => ctx.req.headers.get(header) ?? undefined,
        metadata: requestOptions?.metadata,
        seed: requestOptions?.eventId ?? exchange.requestId,
      },
      {
        rate: async (element, keyValue) => {
          const worstCase = element.properties.limitType === "cost" ? worstCaseAfter(route, element, exchange, body) : 0;
          const outcome = await counters.check({ routeId: route.routeId, routeName: route.name, element, keyValue, worstCaseMicros: worstCase });
          if (!outcome.admitted) rateRefusal = outcome;
          return outcome;
        },
        model: callModel,
      },
    );
    exchange.route = trace(run.path);
    const { outcome } = run;
    const answer = outcome.kind === "answered" ? answers.get(outcome.element.id) : undefined;
    // A model after one that answered (`end` answers with the last success): the others are read to their ends, for their rows.
    for (const other of answers.values()) if (other !== answer) await readToEnd(other.body);
    if (answer) return answer;
    if (outcome.kind === "failed" && outcome.reason === "model_failed") {
      // Its models' rows are the request's log: the answer goes without another row, as the Universal endpoint's does.
      const refusal = lastFailure.refusal && isLimitRefusal(lastFailure.refusal) ? lastFailure.refusal : routeModelsFailed(route.name, route.version, lastFailure.status, failures);
      const headers: ResponseHeaders = { "content-type": "application/json" };
      setGatewayHeaders(headers, exchange);
      return { status: refusal.httpCode, headers, body: renderError(refusal, exchange.ingressFormat) };
    }
    if (outcome.kind === "failed" && outcome.reason === "rate_limited" && rateRefusal) {
      exchange.limitHeaders = { ...exchange.limitHeaders, ...rateRefusal.headers };
    }
    // The route's own refusal, which the surface logs and renders; after a model's row, as a new attempt with a log id of its own.
    if (calls > 0) nextRow();
    throw routeRefusal(route, outcome, run.path, rateRefusal?.refusal);
  } finally {
    counters.finish();
  }
}

/** Why the route gave no answer, but for its models failing. */
function routeRefusal(route: DeployedRoute, outcome: RouteOutcome, path: readonly RouteStep[], rateRefusal: GatewayError | undefined): GatewayError {
  if (outcome.kind === "failed" && outcome.reason === "rate_limited" && rateRefusal) return rateRefusal;
  if (outcome.kind === "failed" && outcome.reason === "no_model") return routeCalledNoModel(route.name, route.version, describePath(path));
  return routeBroken(route.name, route.version, outcome.element?.id);
}

/** `start → plan (true) → end`: a path for people. */
function describePath(path: readonly RouteStep[]): string {
  return path.map((step) => (step.output === undefined ? step.elementId : `${step.elementId} (${step.output})`)).join(" → ");
}

/**
 * What a `cost` rate element reserves: the most any model the route may call after it could cost
 * for this request (lib/limits/worst-case.ts), since which one answers is not known yet.
 */
function worstCaseAfter(route: DeployedRoute, from: RateElement, exchange: Exchange, body: JsonObject): number {
  const byId = new Map(route.elements.map((element) => [element.id, element]));
  const seen = new Set<string>();
  const queue = [from.outputs.success.elementId];
  let worst = 0;
  while (queue.length > 0) {
    const element = byId.get(queue.pop()!);
    if (!element || seen.has(element.id)) continue;
    seen.add(element.id);
    if (element.type === "model") {
      const { provider, model } = element.properties;
      const cost = worstCaseMicros({ provider, model, bodyBytes: exchange.requestBody?.byteLength ?? 0, body, customCost: exchange.options?.customCost });
      worst = Math.max(worst, cost);
    }
    for (const [, output] of outputsOf(element)) queue.push(output.elementId);
  }
  return worst;
}
