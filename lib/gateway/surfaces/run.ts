import { isJsonObject, type JsonObject } from "@/lib/formats/json";
import { isWorkersAiModel, workersAi } from "@/lib/providers/workers-ai";
import { passthroughAnswer } from "../answer";
import type { GatewayResponse } from "../contract";
import { resolveCredential, noteCredential, type UpstreamCredential } from "../credentials";
import { invalidRequest, methodNotAllowed } from "../errors";
import { upstreamRequestHeaders } from "../headers";
import { parseJsonObject } from "../openai-body";
import { effectiveOptions } from "../plan";
import { relay } from "../relay";
import { serveChatBody } from "./chat";
import type { SurfaceContext } from "./context";

/**
 * The REST API's run surface, answered in Workers AI's shape (its `{result, success, errors,
 * messages}` envelope, its SSE stream, its errors): `/ai/run` with `{model, input}`, and
 * `/ai/run/{model}` with the model's own input as the body. A Workers AI model (`@cf/…`, also
 * `workers-ai/@cf/…`) goes to Workers AI's own run endpoint with the input as sent, whatever the
 * modality; a `{provider}/{model}` chat model reads the input as a Workers AI text-generation
 * request and goes through the chat surfaces' translation, so its answer comes back in the same shape.
 */
export async function serveRun(ctx: SurfaceContext, pathModel: string | undefined): Promise<GatewayResponse> {
  const { req, exchange } = ctx;
  exchange.ingressFormat = "workers-ai";
  if (req.method !== "POST") throw methodNotAllowed(req.method, "POST");
  exchange.requestBody = await req.readBody(ctx.maxBodyBytes);
  const body = parseJsonObject(exchange.requestBody);
  const { model, input } = pathModel === undefined ? readRunBody(body) : { model: pathModel, input: body };
  const native = model.startsWith(`${workersAi.slug}/`) ? model.slice(workersAi.slug.length + 1) : model;
  if (isWorkersAiModel(native)) {
    // The name becomes part of the upstream URL: one path of plain segments, no dot segments, no query.
    if (!WORKERS_AI_MODEL.test(native)) throw invalidRequest(`"${native}" is not a Workers AI model name: use one like "@cf/meta/llama-3.1-8b-instruct"`, "invalid_model");
    return runWorkersAi(ctx, native, input);
  }
  return serveChatBody(ctx, "workers-ai", { ...input, model });
}

const WORKERS_AI_MODEL = /^@(cf|hf)(\/[A-Za-z0-9][A-Za-z0-9._:-]*){1,4}$/;

/** `{model, input}`, nothing else. */
function readRunBody(body: JsonObject): { model: string; input: JsonObject } {
  const extra = Object.keys(body).find((key) => key !== "model" && key !== "input");
  if (extra !== undefined) throw invalidRequest(`/ai/run takes {"model", "input"}; "${extra}" belongs inside input, or nowhere`, "invalid_request");
  if (typeof body.model !== "string" || body.model === "") {
    throw invalidRequest(`"model" must name the model, like "@cf/meta/llama-3.1-8b-instruct" or "openai/gpt-4o-mini"`, "invalid_model");
  }
  if (!isJsonObject(body.input)) throw invalidRequest(`"input" must be an object: the model's input, like {"messages": [{"role": "user", "content": "Hi"}]}`, "invalid_input");
  return { model: body.model, input: body.input };
}

/** Workers AI's run endpoint, the input as sent: its answer passes through with its usage read on the side. */
async function runWorkersAi(ctx: SurfaceContext, model: string, input: JsonObject): Promise<GatewayResponse> {
  const { req, exchange, access } = ctx;
  exchange.provider = workersAi.slug;
  exchange.model = model;
  exchange.stream = input.stream === true;
  const credential = await resolveCredential(workersAi, access, ctx.clientSentKey, exchange.options, ctx.directory);
  noteCredential(exchange, credential);
  const body = JSON.stringify(input);
  const build = (key: UpstreamCredential) => {
    const headers = upstreamRequestHeaders(req.headers);
    headers["content-type"] = "application/json";
    return key.apply({ method: "POST", baseUrl: key.baseUrl, path: `run/${model}`, headers, body });
  };
  const options = effectiveOptions(access.gateway, exchange.options);
  await ctx.limits.admitRequest(exchange, access, options, input);
  return ctx.cache.serve({ req, exchange, access, options, credential, keyHeaders: workersAi.credentialHeaders }, async (recorder) => {
    await ctx.limits.admitSpend(exchange, access, options, input);
    return relay(ctx.relay, exchange, { credential, build, options, finalStep: ctx.finalStep, signal: req.signal }, passthroughAnswer("workers-ai"), recorder);
  });
}
