import { isBodySource, type GatewayRequest, type GatewayResponse } from "../contract";
import { refusalOf, renderError } from "../errors";
import { startExchange } from "../exchange";
import { refusalAnswer } from "../logging";
import { gatewaySurface } from "../paths";
import type { SurfaceContext } from "../surfaces/context";
import type { CallThroughGateway } from "@/lib/guardrails/evaluator";

/**
 * The gateway calling itself for the request `ctx` serves (a guardrail evaluation): the path is
 * served as `/v1/{team}/{gateway}/{path}` would be, with the same access and the team's own keys,
 * as its own exchange, logged in its own row (with its own cost) linked by `parent_request_id`.
 * Such an exchange runs no content controls of its own (content-controls/controls.ts), so an
 * evaluation is never evaluated. Its answer is read to its end and parsed.
 */
export function callThroughGateway(ctx: SurfaceContext): CallThroughGateway {
  const parent = ctx.exchange;
  const { team, gateway } = ctx.access;
  return async ({ path, body }, signal) => {
    const bytes = new TextEncoder().encode(JSON.stringify(body));
    const req: GatewayRequest = {
      method: "POST",
      path: `/v1/${team.slug}/${gateway.slug}/${path}`,
      query: "",
      headers: new Headers({ "content-type": "application/json" }),
      signal,
      readBody: () => Promise.resolve(bytes),
    };
    const exchange = startExchange(req);
    exchange.path = path;
    exchange.teamId = parent.teamId;
    exchange.gateway = parent.gateway;
    exchange.tokenId = parent.tokenId;
    exchange.options = {};
    exchange.parentRequestId = parent.requestId;
    const surface = gatewaySurface(path);
    if (surface.kind === "chat") exchange.ingressFormat = surface.ingress;
    let response: GatewayResponse;
    try {
      response = await ctx.serveSurface({ ...ctx, req, exchange, clientSentKey: false, finalStep: true }, surface);
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      response = refusalAnswer(ctx.relay.logs, exchange, refusal, renderError(refusal, exchange.ingressFormat));
    }
    const text = await readText(response.body);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, logId: exchange.logId };
  };
}

/** A response body read to its end (a relayed one logs its row when it ends). */
function readText(body: GatewayResponse["body"]): Promise<string> {
  if (body === undefined) return Promise.resolve("");
  if (typeof body === "string") return Promise.resolve(body);
  if (!isBodySource(body)) return Promise.resolve(new TextDecoder().decode(body));
  const chunks: Uint8Array[] = [];
  return new Promise((resolve, reject) =>
    body.start({
      write: (chunk) => chunks.push(chunk) > 0,
      end: () => resolve(Buffer.concat(chunks).toString("utf8")),
      abort: reject,
    }),
  );
}
