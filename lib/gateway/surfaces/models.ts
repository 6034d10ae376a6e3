import { catalogModels } from "@/lib/pricing/cost";
import type { GatewayResponse, ResponseHeaders } from "../contract";
import { methodNotAllowed } from "../errors";
import { setGatewayHeaders } from "../exchange";
import { recordExchange } from "../logging";
import type { SurfaceContext } from "./context";

/** Providers with a key of the team's usable on the gateway, and the operator's unless the gateway or the request refuses them. */
async function reachableProviders({ directory, access, exchange }: SurfaceContext): Promise<string[]> {
  const own = await directory.keyedProviders(access.team.id, access.gateway.id);
  if (access.gateway.byokOnly || exchange.options?.noWholesale) return own;
  return [...new Set([...own, ...(await directory.operatorKeyedProviders())])].sort();
}

/**
 * `compat/models` and `/ai/v1/models`: what the gateway can reach with stored keys (the team's, the operator's), as
 * `{provider}/{model}` ids — the pricing catalog's models of every provider with a key, or the
 * bare provider when the catalog has none (custom providers). `type` tells chat models from
 * embedding ones, for pickers that want only one kind. Stored keys need a token, so a request
 * without one lists nothing.
 */
export async function serveModels(ctx: SurfaceContext): Promise<GatewayResponse> {
  const { req, exchange, access } = ctx;
  if (req.method !== "GET") throw methodNotAllowed(req.method, "GET");
  const reachable = access.token ? await reachableProviders(ctx) : [];
  const data = reachable.flatMap((provider) => {
    const models = catalogModels(provider);
    if (models.length === 0) return [{ id: provider, object: "model", owned_by: provider }];
    return models.map((model) => ({
      id: `${provider}/${model.id}`,
      object: "model",
      owned_by: provider,
      type: model.embedding ? "embedding" : "chat",
    }));
  });
  const body = JSON.stringify({ object: "list", data });
  const headers: ResponseHeaders = { "content-type": "application/json" };
  setGatewayHeaders(headers, exchange);
  recordExchange(ctx.relay.logs, exchange, { statusCode: 200, responseBody: body, responseHeaders: headers });
  return { status: 200, headers, body };
}
