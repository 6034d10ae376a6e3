import { MemoryCacheStore, DEFAULT_CACHE_MAX_BYTES } from "@/lib/cache/memory-store";
import { ResponseCache } from "@/lib/cache/response-cache";
import type { CacheStore } from "@/lib/cache/store";
import { errorLine } from "@/lib/error-line";
import type { AlertSink } from "@/lib/limits/alerts";
import { Admission } from "@/lib/limits/admission";
import type { CounterStore } from "@/lib/limits/store";
import type { LogSink } from "@/lib/logs/types";
import { GatewayMetrics } from "@/lib/metrics/gateway";
import { OtelExport } from "@/lib/otel/export";
import type { DirectoryStats, GatewayDirectory } from "@/lib/state/directory";
import { authorize, presentedCredentials } from "./auth";
import type { GatewayRequest, GatewayResponse } from "./contract";
import { internalError, refusalOf, renderEnvelope, renderError, universalRefusal, unsupportedEndpoint } from "./errors";
import { startExchange, type Exchange } from "./exchange";
import { refusalAnswer, type ExchangeSink } from "./logging";
import { parseGatewayOptions } from "./options";
import { parseGatewayPath, type GatewayRoute, type Surface } from "./paths";
import { StreamLimiter } from "./stream-limit";
import { createUpstream } from "./upstream";
import { serveChat } from "./surfaces/chat";
import { serveEmbeddings } from "./surfaces/embeddings";
import type { SurfaceContext } from "./surfaces/context";
import { serveModels } from "./surfaces/models";
import { servePassthrough } from "./surfaces/passthrough";
import { serveRun } from "./surfaces/run";
import { serveUniversal } from "./surfaces/universal";
import { fromWebRequest, toWebResponse } from "./web";

export interface GatewayDeps {
  /** What the gateway reads of teams, tokens and keys; the gateway closes it when it closes. */
  directory: GatewayDirectory;
  logs: LogSink;
  allowPrivateUpstreams: boolean;
  maxBodyBytes: number;
  /** Streams one gateway token may have open at once in this process; 0 or omitted for no limit. */
  maxStreamsPerToken?: number;
  /** Where requests are counted and timed for /metrics; a private, unread one when omitted. */
  metrics?: GatewayMetrics;
  /** Where the response cache keeps answers (the gateway closes it); this process's memory when omitted. */
  cache?: CacheStore;
  /** Where rate limits, budgets and credits are counted (lib/limits); the gateway closes it. */
  limitStore: CounterStore;
  /** Where budget alerts are recorded (`budgetAlertSink`); none are when omitted. */
  onAlert?: AlertSink;
}

export interface GatewayHandler {
  /** The core, whatever the transport (contract.ts): server.ts serves it on node:http directly. */
  serve(req: GatewayRequest): Promise<GatewayResponse>;
  /** The same on WHATWG Request and Response: Next's route handlers and the playground. */
  handle(req: Request): Promise<Response>;
  /** Counters for /metrics. */
  stats(): { directory: DirectoryStats };
  /** Closes the upstream connection pools and stops listening for directory changes. */
  close(): Promise<void>;
}

/** The data plane: one `(GatewayRequest) => Promise<GatewayResponse>` for every gateway path. */
export function createGateway(deps: GatewayDeps): GatewayHandler {
  const { directory } = deps;
  const upstream = createUpstream(deps.allowPrivateUpstreams);
  const metrics = deps.metrics ?? new GatewayMetrics();
  // Collectors are tenants' URLs: the same private-address policy as their custom providers.
  const spans = new OtelExport({ allowPrivateCollectors: deps.allowPrivateUpstreams, counts: metrics.otel });
  const logs: ExchangeSink = { enqueue: (event) => deps.logs.enqueue(event), spans };
  const relayDeps = { upstream, logs, metrics, streams: new StreamLimiter(deps.maxStreamsPerToken ?? 0) };
  const cache = new ResponseCache(deps.cache ?? new MemoryCacheStore({ maxBytes: DEFAULT_CACHE_MAX_BYTES }), logs);
  const limits = new Admission({ store: deps.limitStore, directory, onAlert: deps.onAlert });

  async function dispatch(req: GatewayRequest, route: GatewayRoute | undefined, exchange: Exchange): Promise<GatewayResponse> {
    if (!route) throw unsupportedEndpoint(req.path);
    exchange.path = route.logPath;
    // Known from the path alone, so that even an authentication failure answers in the client's shape.
    if (route.surface.kind === "chat") exchange.ingressFormat = route.surface.ingress;
    if (route.surface.kind === "run") exchange.ingressFormat = "workers-ai";
    const parsed = parseGatewayOptions(req.headers);
    if (parsed.ok) exchange.options = parsed.options;
    const presented = presentedCredentials(req.headers);
    const access = await authorize(route.scope, presented.token, parsed, directory, exchange);
    if (!parsed.ok) throw parsed.error;

    const ctx: SurfaceContext = {
      req,
      exchange,
      access,
      clientSentKey: presented.providerKey,
      directory,
      relay: relayDeps,
      cache,
      limits,
      maxBodyBytes: deps.maxBodyBytes,
      finalStep: true,
      serveSurface,
    };
    return serveSurface(ctx, route.surface);
  }

  function serveSurface(ctx: SurfaceContext, surface: Surface): Promise<GatewayResponse> {
    switch (surface.kind) {
      case "chat":
        return serveChat(ctx, surface.ingress);
      case "embeddings":
        return serveEmbeddings(ctx);
      case "models":
        return serveModels(ctx);
      case "run":
        return serveRun(ctx, surface.model);
      case "passthrough":
        return servePassthrough(ctx, surface.provider, surface.providerPath);
      case "universal":
        return serveUniversal(ctx, serveSurface);
      case "unsupported":
        throw unsupportedEndpoint(surface.what);
    }
  }

  /** The gateway's own refusal, logged; on the Universal endpoint in Cloudflare's envelope (errors.ts). */
  function refuse(error: unknown, exchange: Exchange, universal: boolean): GatewayResponse {
    let refusal = refusalOf(error);
    if (!refusal) {
      // Only the error itself: request headers and bodies may hold secrets.
      console.error(`switchyard gateway: unexpected error in request ${exchange.logId}: ${errorLine(error)}`);
      refusal = internalError();
    }
    if (universal) refusal = universalRefusal(refusal);
    return refusalAnswer(logs, exchange, refusal, universal ? renderEnvelope(refusal) : renderError(refusal, exchange.ingressFormat));
  }

  async function serve(req: GatewayRequest): Promise<GatewayResponse> {
    const exchange = startExchange(req);
    const route = parseGatewayPath(req.path);
    let response: GatewayResponse;
    try {
      response = await dispatch(req, route, exchange);
    } catch (error) {
      response = refuse(error, exchange, route?.surface.kind === "universal");
    }
    metrics.requestAnswered(response.status, exchange.provider);
    return response;
  }

  return {
    serve,
    handle: async (req) => toWebResponse(await serve(fromWebRequest(req)), req.signal),
    stats: () => ({ directory: directory.stats() }),
    close: async () => {
      await Promise.all([upstream.close(), directory.close(), cache.close(), deps.limitStore.close(), spans.close()]);
    },
  };
}
