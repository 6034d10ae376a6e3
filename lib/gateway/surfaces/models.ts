import catalog from "@/lib/pricing/catalog.json" with { type: "json" };
import { methodNotAllowed } from "../errors";
import { setGatewayHeaders } from "../exchange";
import { recordExchange } from "../logging";
import type { SurfaceContext } from "./context";

const catalogModels = catalog.providers as Record<string, Record<string, unknown> | undefined>;

/**
 * `compat/models`: what the gateway can reach with its stored keys, as `{provider}/{model}` ids —
 * the pricing catalog's models of each provider, or the bare provider when the catalog has none
 * (custom providers). Stored keys need a token, so a request without one lists nothing.
 */
export async function serveModels(ctx: SurfaceContext): Promise<Response> {
  const { req, exchange, access } = ctx;
  if (req.method !== "GET") throw methodNotAllowed(req.method, "GET");
  const reachable = access.token ? await ctx.directory.keyedProviders(access.team.id, access.gateway.id) : [];
  const data = reachable.flatMap((provider) => {
    const models = catalogModels[provider];
    const ids = models ? Object.keys(models).map((model) => `${provider}/${model}`) : [provider];
    return ids.map((id) => ({ id, object: "model", owned_by: provider }));
  });
  const body = JSON.stringify({ object: "list", data });
  const headers = new Headers({ "content-type": "application/json" });
  setGatewayHeaders(headers, exchange);
  recordExchange(ctx.relay.logs, exchange, { statusCode: 200, responseBody: body, responseHeaders: headers });
  return new Response(body, { status: 200, headers });
}
