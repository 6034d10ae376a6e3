import type { ChatRequest } from "@/lib/formats/canonical";
import { FormatError, type Codec, type EncodedRequest, type WireFormat } from "@/lib/formats/codec";
import { codecFor } from "@/lib/formats/index";
import type { JsonObject } from "@/lib/formats/json";
import { maxOutputTokens } from "@/lib/pricing/cost";
import { nativePath, type ChatCall } from "@/lib/providers/types";
import { passthroughAnswer, translatedAnswer, type AnswerHandling } from "../answer";
import type { GatewayResponse } from "../contract";
import { resolveCredential, noteCredential, type UpstreamCredential } from "../credentials";
import { inlineImageUrls } from "../inline-images";
import { formatRefusal, invalidProvider, invalidRequest, methodNotAllowed, passthroughOnlyProvider } from "../errors";
import { upstreamRequestHeaders } from "../headers";
import { askForStreamUsage, parseJsonObject, parseModelName } from "../openai-body";
import { effectiveOptions, type Attempt, type RequestPlan } from "../plan";
import { findProvider } from "../provider-target";
import { relay } from "../relay";
import type { BodyRecorder } from "@/lib/cache/flight";
import { answerChecks } from "../content-controls/answer-checks";
import { contentControlsFor, type ContentControls } from "../content-controls/controls";
import { checkRequest } from "../content-controls/request-checks";
import type { SurfaceContext } from "./context";
import { dynamicRouteName, serveDynamicRoute } from "./dynamic-route";

/**
 * The chat surfaces, one per ingress format, where `model` is `{provider}/{model}`:
 * `compat/chat/completions` and `/ai/v1/chat/completions` (OpenAI Chat), `/ai/v1/messages`
 * (Anthropic Messages), `/ai/v1/responses` (OpenAI Responses). Each reaches every provider: as
 * sent when the provider speaks the client's format, translated through the canonical form otherwise.
 * Gemini and Bedrock's Converse cannot fetch image URLs: the gateway sends them their bytes (inline-images.ts).
 */
export async function serveChat(ctx: SurfaceContext, ingress: WireFormat): Promise<GatewayResponse> {
  const { req, exchange } = ctx;
  exchange.ingressFormat = ingress;
  if (req.method !== "POST") throw methodNotAllowed(req.method, "POST");
  exchange.requestBody = await req.readBody(ctx.maxBodyBytes);
  return serveChatBody(ctx, ingress, parseJsonObject(exchange.requestBody));
}

/**
 * A chat request already read, in `ingress`'s shape with `model` naming the provider, or a dynamic
 * route as `dynamic/{name}` (`/ai/run` builds one).
 */
export async function serveChatBody(ctx: SurfaceContext, ingress: WireFormat, body: JsonObject): Promise<GatewayResponse> {
  const controls = contentControlsFor(ctx);
  // Once per request, before any model of a route is called, and before the cache: a redacted body
  // is what is looked up, and what every provider gets.
  if (controls) body = await checkRequest(controls, ingress, body);
  const route = dynamicRouteName(body.model);
  const serveModel = (modelCtx: SurfaceContext, modelIngress: WireFormat, modelBody: JsonObject) => serveChatModel(modelCtx, modelIngress, modelBody, controls);
  if (route !== undefined) return serveDynamicRoute(ctx, ingress, body, route, serveModel);
  return serveModel(ctx, ingress, body);
}

/** One `{provider}/{model}`: plan, limits, cache, call (a dynamic route's model elements each come here). */
async function serveChatModel(ctx: SurfaceContext, ingress: WireFormat, body: JsonObject, controls: ContentControls | undefined): Promise<GatewayResponse> {
  const plan = await planChat(ctx, ingress, body);
  const attempt = plan.attempts[0]!;
  // Before anything is translated or fetched (images for Gemini): a hit needs none of it.
  const { req, exchange } = ctx;
  const cacheable = { req, exchange, access: plan.access, options: plan.options, credential: attempt.credential, keyHeaders: attempt.provider.credentialHeaders };
  await ctx.limits.admitRequest(exchange, plan.access, plan.options, body);
  return ctx.cache.serve(cacheable, async (recorder) => {
    await ctx.limits.admitSpend(exchange, plan.access, plan.options, body);
    return runAttempt(ctx, plan, attempt, body, recorder, controls);
  });
}

/** Resolves the request into its plan: the provider and model `model` names, its key, the format to call it in. */
async function planChat(ctx: SurfaceContext, ingress: WireFormat, body: JsonObject): Promise<RequestPlan> {
  const { exchange, access } = ctx;
  const { provider, model } = parseModelName(body.model);
  // Logged as named even when refused below (`nosuchprovider/foo`): the row says what was asked for.
  exchange.named = { provider, model };
  const target = await findProvider(provider, access.team.id, ctx.directory);
  if (!target) throw invalidProvider(provider);
  exchange.provider = target.slug;
  exchange.model = model;
  if (target.passthroughOnly) throw passthroughOnlyProvider(target.name, target.slug);
  const called = target.chatModel ? target.chatModel(model) : { format: target.format, model };
  if (!called) throw invalidRequest(`${target.name} has no model "${model}"`, "unknown_model");
  const options = effectiveOptions(access.gateway, exchange.options);
  const credential = await resolveCredential(target, access, ctx.clientSentKey, exchange.options, ctx.directory);
  noteCredential(exchange, credential);
  const egress = nativePath(target, ingress) !== undefined || called.format === ingress ? ingress : called.format;
  const attempt: Attempt = { provider: target, model, wireModel: called.model, credential, egress };
  return { access, ingress, options, attempts: [attempt] };
}

/** encode → apply credential → call → decode, for one attempt. */
async function runAttempt(
  ctx: SurfaceContext,
  plan: RequestPlan,
  attempt: Attempt,
  body: JsonObject,
  recorder: BodyRecorder | undefined,
  controls: ContentControls | undefined,
): Promise<GatewayResponse> {
  const { req, exchange } = ctx;
  const checks = controls && answerChecks(controls, codecFor(plan.ingress));
  let outgoingBody: JsonObject;
  let path: string | undefined;
  let answer: AnswerHandling;
  let stripUsageChunk = false;
  if (attempt.egress === plan.ingress) {
    // No translation: the client's body goes as sent but for the model's provider prefix, and the
    // answer's bytes come back untouched with usage read on the side.
    body.model = attempt.wireModel;
    exchange.stream = body.stream === true;
    // Checked answers are read as canonical events: the client's format on both sides, as the client asked before the gateway asks for usage.
    const codec = checks && codecFor(plan.ingress);
    const request = codec && decodeClientRequest(codec, body, attempt);
    if (plan.ingress === "openai-chat") stripUsageChunk = askForStreamUsage(body);
    outgoingBody = body;
    path = nativePath(attempt.provider, attempt.egress);
    answer = codec ? translatedAnswer(codec, codec, request!, checks) : passthroughAnswer(attempt.egress, stripUsageChunk);
  } else {
    const ingress = codecFor(plan.ingress);
    const egress = codecFor(attempt.egress);
    let request = decodeClientRequest(ingress, body, attempt);
    if (attempt.egress === "gemini" || attempt.egress === "bedrock-converse") {
      request = await inlineImageUrls(request, { upstream: ctx.relay.upstream, signal: req.signal, timeoutMs: plan.options.requestTimeoutMs });
    }
    const encoded = encodeProviderRequest(egress, request, attempt);
    exchange.stream = request.stream;
    if (attempt.egress === "openai-chat") askForStreamUsage(encoded.body);
    outgoingBody = encoded.body;
    path = attempt.egress === "openai-chat" ? (attempt.provider.chatCompletionsPath ?? encoded.path) : encoded.path;
    answer = translatedAnswer(ingress, egress, request, checks);
  }
  if (path !== undefined) path = attempt.provider.pathForModel?.(path, attempt.model) ?? path;
  const call: ChatCall = { format: attempt.egress, model: attempt.wireModel, stream: exchange.stream === true, path, body: outgoingBody };
  const translated = attempt.egress !== plan.ingress;
  return relay(
    ctx.relay,
    exchange,
    {
      credential: attempt.credential,
      // Shaped per key: Vertex AI's path names the key's project and region.
      async build(credential) {
        const shaped = shapeChatCall(credential, call);
        if (shaped.path === undefined) throw invalidRequest(`${attempt.provider.name} cannot be called in the ${attempt.egress} format from this surface`, "unsupported_format");
        const text = JSON.stringify(shaped.body);
        if (translated && plan.options.collectLogPayload) exchange.providerRequestBody = text;
        const headers = upstreamRequestHeaders(req.headers);
        headers["content-type"] = "application/json";
        return credential.apply({ method: "POST", baseUrl: credential.baseUrl, path: shaped.path.replace(/^\/+/, ""), headers, body: text });
      },
      options: plan.options,
      finalStep: ctx.finalStep,
      signal: req.signal,
    },
    answer,
    recorder,
  );
}

/** The call's path and body as the provider and the key want them (`ProviderSpec.shapeChatCall`). */
function shapeChatCall(credential: UpstreamCredential, call: ChatCall): { path: string | undefined; body: JsonObject } {
  try {
    return credential.shapeChat(call);
  } catch (error) {
    throw error instanceof FormatError ? formatRefusal(error) : error;
  }
}

function decodeClientRequest(ingress: Codec, body: JsonObject, attempt: Attempt): ChatRequest {
  try {
    return { ...ingress.decodeRequest({ ...body, model: attempt.wireModel }), model: attempt.wireModel };
  } catch (error) {
    throw error instanceof FormatError ? formatRefusal(error) : error;
  }
}

/**
 * The canonical request in the provider's format. Anthropic refuses a request without
 * `max_tokens`: the catalog's maximum output of the model fills it when the client gave none (the
 * codec's own default when the catalog does not know the model).
 */
function encodeProviderRequest(egress: Codec, request: ChatRequest, attempt: Attempt): EncodedRequest {
  const filled =
    attempt.egress === "anthropic-messages" && request.max_tokens === undefined
      ? { ...request, max_tokens: maxOutputTokens(attempt.provider.slug, attempt.model) }
      : request;
  try {
    return egress.encodeRequest(filled);
  } catch (error) {
    throw error instanceof FormatError ? formatRefusal(error) : error;
  }
}
