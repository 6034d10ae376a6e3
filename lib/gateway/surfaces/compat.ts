import { readRequestBody } from "../body";
import { resolveCredential } from "../credentials";
import { invalidProvider, methodNotAllowed } from "../errors";
import { upstreamRequestHeaders } from "../headers";
import { askForStreamUsage, parseJsonObject, parseModelName } from "../openai-body";
import { findProvider } from "../provider-target";
import { relay } from "../relay";
import type { SurfaceContext } from "./context";

/**
 * OpenAI-format endpoints where `model` is `{provider}/{model}`: `compat/chat/completions` and the
 * REST surface's `/ai/v1/chat/completions` and `/ai/v1/embeddings`.
 */
export async function serveUnified(ctx: SurfaceContext, endpoint: "chat" | "embeddings"): Promise<Response> {
  const { req, exchange, access } = ctx;
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
  const stripUsageChunk = endpoint === "chat" && askForStreamUsage(body);
  const credential = await resolveCredential(target, access, ctx.clientSentKey, exchange.options?.byokAlias, ctx.directory);
  exchange.providerKeyId = credential.storedKeyId;
  // Providers of other formats are reached through translation (the gateway core's), not here.
  const path = (endpoint === "chat" ? target.chatCompletionsPath : target.embeddingsPath) ?? "";
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
    stripUsageChunk,
  );
}
