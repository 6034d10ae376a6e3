import { presentedCredentials } from "../auth";
import { isBodySource, type GatewayRequest, type GatewayResponse, type ResponseHeaders } from "../contract";
import { allStepsFailed, isLimitRefusal, methodNotAllowed, refusalOf, renderEnvelope, renderError, type GatewayError } from "../errors";
import { nextAttempt, setGatewayHeaders, type Exchange } from "../exchange";
import { bearerValue } from "../headers";
import { refusalAnswer } from "../logging";
import { gatewaySurface, type Surface } from "../paths";
import { findProvider } from "../provider-target";
import type { SurfaceContext } from "./context";
import { parseUniversalSteps, type UniversalStep } from "./universal-steps";

/** How a step is served: the dispatch of index.ts, by the surface its `{provider}/{endpoint}` names. */
export type ServeSurface = (ctx: SurfaceContext, surface: Surface) => Promise<GatewayResponse>;

/**
 * Cloudflare's Universal endpoint, `POST /v1/{team}/{gateway}` (reference §1.6): steps tried in
 * order, each served by the surface `/v1/{team}/{gateway}/{provider}/{endpoint}` would be, with the
 * step's `query` as the body and its headers over the request's. A step fails on an error status
 * or a refusal of the gateway's (no key, connection, timeout to first byte, key rejected); its
 * answer is read to its end, so its log row is whole, before the next step starts. The first step
 * that succeeds answers, streamed as it arrives, with `cf-aig-step`; when none does, Cloudflare's
 * envelope with 2005 names each step's failure, unless the last was refused by a limit (2003, 2045,
 * 2021): that refusal answers, with its headers, for the client to know when to come back.
 */
export async function serveUniversal(ctx: SurfaceContext, serveSurface: ServeSurface): Promise<GatewayResponse> {
  const { req, exchange } = ctx;
  if (req.method !== "POST") throw methodNotAllowed(req.method, "POST");
  const steps = parseUniversalSteps(await req.readBody(ctx.maxBodyBytes));
  const requestOptions = exchange.options;
  const failures: string[] = [];
  let lastStatus = 502;
  let lastRefusal: GatewayError | undefined;
  for (const [index, step] of steps.entries()) {
    if (index > 0) startStep(exchange, index);
    const rest = `${step.provider}/${step.endpointPath}`;
    exchange.path = rest;
    exchange.requestBody = step.body;
    // Step over request: the step's `cf-aig-*` headers and config win, the gateway's settings fill the rest.
    exchange.options = { ...requestOptions, ...step.options };
    let response: GatewayResponse;
    try {
      const stepCtx = await stepContext(ctx, step, rest, index === steps.length - 1);
      response = await serveSurface(stepCtx, gatewaySurface(rest));
    } catch (error) {
      const refusal = stepRefusal(error);
      // Its row, as the step's surface would have answered it alone.
      refusalAnswer(ctx.relay.logs, exchange, refusal, renderError(refusal, exchange.ingressFormat));
      failures.push(`step ${index} (${step.provider}): ${refusal.message}`);
      lastStatus = refusal.httpCode;
      lastRefusal = refusal;
      if (req.signal.aborted) break;
      continue;
    }
    if (response.status < 400) return response;
    await readToEnd(response.body);
    failures.push(`step ${index} (${step.provider}): the provider answered HTTP ${response.status}`);
    lastStatus = response.status;
    lastRefusal = undefined;
    if (req.signal.aborted) break;
  }
  const refusal = lastRefusal && isLimitRefusal(lastRefusal) ? lastRefusal : allStepsFailed(lastStatus, failures);
  const headers: ResponseHeaders = { "content-type": "application/json" };
  setGatewayHeaders(headers, exchange);
  return { status: refusal.httpCode, headers, body: renderEnvelope(refusal) };
}

/**
 * The next step's first row: what the step before learnt (provider, model, key, format) is its own.
 * A dynamic route's next model element too, as the next attempt of the same step (dynamic-route.ts).
 */
export function startStep(exchange: Exchange, index: number): void {
  nextAttempt(exchange, index);
  exchange.provider = null;
  exchange.model = null;
  exchange.stream = false;
  exchange.providerKeyId = null;
  exchange.keySource = null;
  exchange.ingressFormat = undefined;
  exchange.providerRequestBody = undefined;
  exchange.cached = false;
}

/**
 * The request a step's surface sees: `/v1/{team}/{gateway}/{provider}/{endpoint}` with the
 * step's body, and its headers over the request's. The gateway token was the request's; a step's
 * `authorization` goes in the provider's key header, under the step's own `headers`.
 */
async function stepContext(ctx: SurfaceContext, step: UniversalStep, rest: string, finalStep: boolean): Promise<SurfaceContext> {
  const { req, access } = ctx;
  const headers = new Headers();
  req.headers.forEach((value, name) => headers.set(name, value));
  if (step.authorization !== undefined) {
    const keyHeader = await providerKeyHeader(ctx, step.provider);
    headers.set(keyHeader, keyHeader === "authorization" ? `Bearer ${bearerValue(step.authorization)}` : bearerValue(step.authorization));
  }
  step.headers.forEach((value, name) => headers.set(name, value));
  headers.set("content-type", "application/json");
  headers.delete("content-length");
  const stepRequest: GatewayRequest = {
    method: "POST",
    path: `/v1/${access.team.slug}/${access.gateway.slug}/${rest}`,
    query: step.endpointQuery,
    headers,
    signal: req.signal,
    readBody: () => Promise.resolve(step.body),
  };
  return { ...ctx, req: stepRequest, clientSentKey: presentedCredentials(headers).providerKey, finalStep };
}

/** Where the provider reads its key; `compat` and unknown providers take `Authorization`, which the chat surface moves. */
async function providerKeyHeader(ctx: SurfaceContext, provider: string): Promise<string> {
  const target = provider === "compat" ? undefined : await findProvider(provider, ctx.access.team.id, ctx.directory);
  return target?.credentialHeaders[0] ?? "authorization";
}

/** A step's failure as the gateway's refusal; anything else is a fault of ours and ends the request. */
function stepRefusal(error: unknown): GatewayError {
  const refusal = refusalOf(error);
  if (!refusal) throw error;
  return refusal;
}

/** Reads a failed step's relayed answer to its end (nobody receives it): its row is written when it ends. */
export function readToEnd(body: GatewayResponse["body"]): Promise<void> {
  if (!isBodySource(body)) return Promise.resolve();
  return new Promise((resolve) => body.start({ write: () => true, end: resolve, abort: () => resolve() }));
}
