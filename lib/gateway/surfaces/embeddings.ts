import { FormatError, type EncodedRequest, type WireFormat } from "@/lib/formats/codec";
import { decodeCohereEmbeddingsResponse, encodeCohereEmbeddingsRequest } from "@/lib/formats/cohere-chat/embeddings";
import { readEmbeddingsRequest, type EmbeddingsRequest, type EmbeddingsResponse } from "@/lib/formats/embeddings";
import { decodeGeminiEmbeddingsResponse, encodeGeminiEmbeddingsRequest } from "@/lib/formats/gemini/embeddings";
import { codecFor } from "@/lib/formats/index";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";
import { openAiChatAnswer, type AnswerHandling, type WholeAnswer } from "../answer";
import type { GatewayResponse } from "../contract";
import { resolveCredential, noteCredential, type UpstreamCredential } from "../credentials";
import { formatRefusal, invalidProvider, invalidRequest, methodNotAllowed, passthroughOnlyProvider } from "../errors";
import { upstreamRequestHeaders } from "../headers";
import { parseJsonObject, parseModelName } from "../openai-body";
import { effectiveOptions } from "../plan";
import { findProvider, type ProviderTarget } from "../provider-target";
import { relay } from "../relay";
import type { SurfaceContext } from "./context";

/**
 * The REST surface's `/ai/v1/embeddings`, where `model` is `{provider}/{model}`: OpenAI's format,
 * sent as is to providers that have an OpenAI-format embeddings endpoint, and translated for those
 * whose own embeddings speak their format (`translations`).
 */
export async function serveEmbeddings(ctx: SurfaceContext): Promise<GatewayResponse> {
  const { req, exchange, access } = ctx;
  exchange.ingressFormat = "openai-chat";
  if (req.method !== "POST") throw methodNotAllowed(req.method, "POST");
  exchange.requestBody = await req.readBody(ctx.maxBodyBytes);
  const body = parseJsonObject(exchange.requestBody);
  const { provider, model } = parseModelName(body.model);
  // Logged as named even when refused below, as on the chat surfaces.
  exchange.named = { provider, model };
  const target = await findProvider(provider, access.team.id, ctx.directory);
  if (!target) throw invalidProvider(provider);
  exchange.provider = target.slug;
  exchange.model = model;
  exchange.stream = body.stream === true;
  if (target.passthroughOnly) throw passthroughOnlyProvider(target.name, target.slug);

  body.model = model;
  const route = embeddingsRoute(target);
  if (!route) {
    throw invalidRequest(`${target.name} has no OpenAI-format embeddings endpoint for "${model}"; call its own through the ${target.slug} passthrough`, "unsupported_endpoint");
  }
  const credential = await resolveCredential(target, access, ctx.clientSentKey, exchange.options, ctx.directory);
  noteCredential(exchange, credential);
  if ("path" in route) {
    const path = target.pathForModel?.(route.path, model) ?? route.path;
    return callProvider(ctx, target, credential, path, body, JSON.stringify(body), openAiChatAnswer(false));
  }
  const { translation } = route;

  let request: EmbeddingsRequest;
  try {
    request = readEmbeddingsRequest(body);
  } catch (error) {
    throw error instanceof FormatError ? formatRefusal(error) : error;
  }
  const encoded = translation.encode(request);
  const text = JSON.stringify(encoded.body);
  if (effectiveOptions(access.gateway, exchange.options).collectLogPayload) exchange.providerRequestBody = text;
  return callProvider(ctx, target, credential, encoded.path, body, text, translatedEmbeddingsAnswer(target.format, translation, request));
}

async function callProvider(
  ctx: SurfaceContext,
  target: ProviderTarget,
  first: UpstreamCredential,
  path: string,
  /** The client's request, which admission prices. */
  request: JsonObject,
  body: string,
  answer: AnswerHandling,
): Promise<GatewayResponse> {
  const { req, exchange, access } = ctx;
  const build = (credential: UpstreamCredential) => {
    const headers = upstreamRequestHeaders(req.headers);
    headers["content-type"] = "application/json";
    return credential.apply({ method: "POST", baseUrl: credential.baseUrl, path, headers, body });
  };
  const options = effectiveOptions(access.gateway, exchange.options);
  await ctx.limits.admitRequest(exchange, access, options, request);
  return ctx.cache.serve({ req, exchange, access, options, credential: first, keyHeaders: target.credentialHeaders }, async (recorder) => {
    await ctx.limits.admitSpend(exchange, access, options, request);
    return relay(ctx.relay, exchange, { credential: first, build, options, finalStep: ctx.finalStep, signal: req.signal }, answer, recorder);
  });
}

/** A provider's own embeddings endpoint, in the format of its chat: the OpenAI request out, OpenAI's list back. */
interface EmbeddingsTranslation {
  encode(request: EmbeddingsRequest): EncodedRequest;
  decode(body: JsonObject, request: EmbeddingsRequest): EmbeddingsResponse;
}

const translations: Partial<Record<WireFormat, EmbeddingsTranslation>> = {
  gemini: { encode: encodeGeminiEmbeddingsRequest, decode: decodeGeminiEmbeddingsResponse },
  "cohere-chat": { encode: encodeCohereEmbeddingsRequest, decode: decodeCohereEmbeddingsResponse },
};

/**
 * Where a provider takes OpenAI's embeddings: its OpenAI-format endpoint, or its own translated. A
 * provider calling each publisher's models in that publisher's format (Vertex AI, `chatModel`)
 * serves none of those at its base URL.
 */
function embeddingsRoute(target: ProviderTarget): { path: string } | { translation: EmbeddingsTranslation } | undefined {
  if (target.embeddingsPath !== undefined) return { path: target.embeddingsPath };
  const translation = target.chatModel === undefined ? translations[target.format] : undefined;
  return translation && { translation };
}

/**
 * The provider's embeddings answer rewritten into OpenAI's list (vectors in the encoding the
 * client asked for), with its prompt tokens as the usage; an error in OpenAI's shape with the
 * provider's status and message. Embeddings never stream, so nothing is tapped.
 */
function translatedEmbeddingsAnswer(format: WireFormat, translation: EmbeddingsTranslation, request: EmbeddingsRequest): AnswerHandling {
  const openAi = codecFor("openai-chat");
  const provider = codecFor(format);
  return {
    ...openAiChatAnswer(false),
    tap: () => undefined,
    estimateUsage: () => undefined,
    whole(status, json) {
      const body: JsonObject | undefined = isJsonObject(json) ? json : undefined;
      if (status >= 400) return { body: JSON.stringify(openAi.encodeError(provider.decodeError(status, body))) };
      const untranslatable = (detail: string): WholeAnswer => {
        const error = { status: 502, message: `Failed to get response from provider: the gateway could not translate it: ${detail}`, code: "provider_error" };
        return { body: JSON.stringify(openAi.encodeError(error)), status: 502 };
      };
      if (!body) return untranslatable("its answer is not a JSON object");
      try {
        const response = translation.decode(body, request);
        return {
          body: JSON.stringify(response),
          usage: { input: response.usage.prompt_tokens, output: 0, cached: 0 },
          model: response.model,
        };
      } catch (error) {
        if (!(error instanceof FormatError)) throw error;
        return untranslatable(`${error.message} (${error.field})`);
      }
    },
    rewrites: true,
  };
}
