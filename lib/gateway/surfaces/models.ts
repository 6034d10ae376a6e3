import { isJsonObject } from "@/lib/formats/json";
import { catalogModels } from "@/lib/pricing/cost";
import { isCustomProviderSlug } from "@/lib/providers";
import type { GatewayResponse, ResponseHeaders } from "../contract";
import { resolveCredential } from "../credentials";
import { methodNotAllowed } from "../errors";
import { setGatewayHeaders } from "../exchange";
import { recordExchange } from "../logging";
import { findProvider } from "../provider-target";
import type { SurfaceContext } from "./context";

/** Providers with a key of the team's usable on the gateway, and the operator's unless the gateway or the request refuses them. */
async function reachableProviders({ directory, access, exchange }: SurfaceContext): Promise<string[]> {
  const own = await directory.keyedProviders(access.team.id, access.gateway.id);
  if (access.gateway.byokOnly || exchange.options?.noWholesale) return own;
  return [...new Set([...own, ...(await directory.operatorKeyedProviders())])].sort();
}

interface ModelEntry {
  id: string;
  object: "model";
  owned_by: string;
  type?: "chat" | "embedding";
}

/** A self-hosted server that does not answer its model list in this long is listed as the bare provider. */
const REPORTED_MODELS_TIMEOUT_MS = 5_000;
const REPORTED_MODELS_MAX = 500;

/**
 * What a custom provider (a self-hosted server: Ollama, vLLM, …) says it serves: OpenAI's
 * `GET {base}/models`, asked with the stored key. Undefined when it cannot say.
 */
async function reportedModels(ctx: SurfaceContext, provider: string): Promise<ModelEntry[] | undefined> {
  const { access, directory, req, exchange } = ctx;
  try {
    const target = await findProvider(provider, access.team.id, directory);
    if (!target) return undefined;
    const credential = await resolveCredential(target, access, false, exchange.options, directory);
    const call = await credential.apply({ method: "GET", baseUrl: credential.baseUrl, path: "models", headers: { accept: "application/json" }, body: undefined });
    const res = await ctx.relay.upstream.call({
      ...call,
      signal: AbortSignal.any([req.signal, AbortSignal.timeout(REPORTED_MODELS_TIMEOUT_MS)]),
      headersTimeout: REPORTED_MODELS_TIMEOUT_MS,
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      return undefined;
    }
    const answer: unknown = await res.body.json();
    const listed = isJsonObject(answer) && Array.isArray(answer.data) ? answer.data : [];
    const ids = listed.flatMap((model) => (isJsonObject(model) && typeof model.id === "string" && model.id !== "" ? [model.id] : []));
    if (ids.length === 0) return undefined;
    return ids.slice(0, REPORTED_MODELS_MAX).map((id) => ({
      id: `${provider}/${id}`,
      object: "model",
      owned_by: provider,
      // Self-hosted servers do not say; their embedding models' names do (nomic-embed-text, bge-…-embed).
      type: /embed/i.test(id) ? "embedding" : "chat",
    }));
  } catch {
    // Unreachable, refused, or not JSON: the provider is still reachable for chat by a typed model id.
    return undefined;
  }
}

/**
 * `compat/models` and `/ai/v1/models`: what the gateway can reach with stored keys (the team's, the operator's), as
 * `{provider}/{model}` ids — the pricing catalog's models of every provider with a key; for a custom
 * provider, the models its server reports at `GET {base}/models`, or the bare provider when it
 * reports none. `type` tells chat models from embedding ones, for pickers that want only one kind.
 * Stored keys need a token, so a request without one lists nothing.
 */
export async function serveModels(ctx: SurfaceContext): Promise<GatewayResponse> {
  const { req, exchange, access } = ctx;
  if (req.method !== "GET") throw methodNotAllowed(req.method, "GET");
  const reachable = access.token ? await reachableProviders(ctx) : [];
  const perProvider = await Promise.all(
    reachable.map(async (provider): Promise<ModelEntry[]> => {
      const models = catalogModels(provider);
      if (models.length > 0) {
        return models.map((model) => ({ id: `${provider}/${model.id}`, object: "model", owned_by: provider, type: model.embedding ? "embedding" : "chat" }));
      }
      const reported = isCustomProviderSlug(provider) ? await reportedModels(ctx, provider) : undefined;
      return reported ?? [{ id: provider, object: "model", owned_by: provider }];
    }),
  );
  const data = perProvider.flat();
  const body = JSON.stringify({ object: "list", data });
  const headers: ResponseHeaders = { "content-type": "application/json" };
  setGatewayHeaders(headers, exchange);
  recordExchange(ctx.relay.logs, exchange, { statusCode: 200, responseBody: body, responseHeaders: headers });
  return { status: 200, headers, body };
}
