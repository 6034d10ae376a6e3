import { readRequestBody } from "../body";
import { resolveCredential } from "../credentials";
import { invalidProvider, invalidRequest, methodNotAllowed } from "../errors";
import { upstreamRequestHeaders } from "../headers";
import { parseJsonObject, parseModelName } from "../openai-body";
import { findProvider } from "../provider-target";
import { relay } from "../relay";
import type { SurfaceContext } from "./context";

/**
 * The REST surface's `/ai/v1/embeddings`, where `model` is `{provider}/{model}`: OpenAI's format,
 * sent as is to providers that have an OpenAI-format embeddings endpoint.
 */
export async function serveEmbeddings(ctx: SurfaceContext): Promise<Response> {
  const { req, exchange, access } = ctx;
  exchange.ingressFormat = "openai-chat";
  if (req.method !== "POST") throw methodNotAllowed(req.method, "POST");
  exchange.requestBody = await readRequestBody(req, ctx.maxBodyBytes);
  const body = parseJsonObject(exchange.requestBody);
  const { provider, model } = parseModelName(body.model);
  const target = await findProvider(provider, access.team.id, ctx.directory);
  if (!target) throw invalidProvider(provider);
  exchange.provider = target.slug;
  exchange.model = model;
  exchange.stream = body.stream === true;

  body.model = model;
  const credential = await resolveCredential(target, access, ctx.clientSentKey, exchange.options?.byokAlias, ctx.directory);
  exchange.providerKeyId = credential.storedKeyId;
  if (target.embeddingsPath === undefined) {
    throw invalidRequest(`${target.name} has no OpenAI-format embeddings endpoint; call its own through the ${target.slug} passthrough`, "unsupported_endpoint");
  }
  const path = target.embeddingsPath;
  const outgoing = credential.apply({ method: "POST", path, headers: upstreamRequestHeaders(req.headers) });
  return relay(
    ctx.relay,
    exchange,
    {
      baseUrl: credential.baseUrl,
      path: outgoing.path,
      method: "POST",
      headers: outgoing.headers,
      body: JSON.stringify(body),
      signal: req.signal,
      headersTimeout: exchange.options?.requestTimeoutMs,
    },
    false,
  );
}
