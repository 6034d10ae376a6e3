import { looksLikeSwitchyardToken } from "@/lib/crypto/gateway-token";
import type { GatewayResponse } from "../contract";
import { resolveCredential, noteCredential, type UpstreamCredential } from "../credentials";
import { invalidProvider, invalidRequest, methodNotAllowed } from "../errors";
import { upstreamRequestHeaders } from "../headers";
import { askForStreamUsage, assertJsonDepth, tryParseJsonObject } from "../openai-body";
import { assertPlainProviderPath } from "../paths";
import { effectiveOptions } from "../plan";
import { findProvider } from "../provider-target";
import { passthroughAnswer } from "../answer";
import { relay } from "../relay";
import type { SurfaceContext } from "./context";

/**
 * `/v1/{team}/{gateway}/{provider}/{path…}`: any method, path and query forwarded unchanged to
 * the provider's base URL, the body as sent — except that a streaming chat completion is asked
 * to report usage, which is stripped again when the client did not ask for it. Usage is read in
 * the format the provider's path speaks (`formatOfPath`).
 */
export async function servePassthrough(ctx: SurfaceContext, provider: string, providerPath: string): Promise<GatewayResponse> {
  const { req, exchange, access } = ctx;
  if (!PASSTHROUGH_METHODS.has(req.method)) throw methodNotAllowed(req.method, PASSTHROUGH_ALLOW);
  const target = await findProvider(provider, access.team.id, ctx.directory);
  if (!target) throw invalidProvider(provider);
  exchange.provider = target.slug;
  assertPlainProviderPath(providerPath);
  const queryKey = target.credentialQuery === undefined ? null : new URLSearchParams(req.query).get(target.credentialQuery);
  // Google's `?key=`: a gateway token there would be forwarded and written into URLs and logs.
  if (queryKey !== null && looksLikeSwitchyardToken(queryKey)) throw gatewayTokenInQuery(target.credentialHeaders[0] ?? "");

  const facts = target.pathFacts?.(providerPath) ?? {};
  if (facts.model !== undefined) exchange.model = facts.model;
  if (facts.stream) exchange.stream = true;

  const raw = await req.readBody(ctx.maxBodyBytes);
  exchange.requestBody = raw;
  let body: Uint8Array | string | undefined = raw;
  let stripUsageChunk = false;
  const isJson = raw !== undefined && req.headers.get("content-type")?.includes("json") === true;
  // It may be re-encoded below, so it must not be deep enough to overflow the stack.
  if (isJson) assertJsonDepth(raw);
  const json = isJson ? tryParseJsonObject(raw) : undefined;
  if (json) {
    if (typeof json.model === "string") exchange.model = json.model;
    if (json.stream === true) exchange.stream = true;
    if (providerPath.endsWith("chat/completions") && askForStreamUsage(json)) {
      body = JSON.stringify(json);
      stripUsageChunk = true;
    }
  }

  const clientSentKey = ctx.clientSentKey || queryKey !== null;
  const routed = target.passthroughTarget?.(providerPath);
  const credential = await resolveCredential(target, access, clientSentKey, exchange.options, ctx.directory, "as-sent", routed?.baseUrl);
  noteCredential(exchange, credential);
  const build = (key: UpstreamCredential) =>
    key.apply({
      method: req.method,
      baseUrl: key.baseUrl,
      path: (routed?.path ?? withoutDuplicateVersion(key.baseUrl, providerPath)) + req.query,
      headers: upstreamRequestHeaders(req.headers),
      body,
    });
  const options = effectiveOptions(access.gateway, exchange.options);
  await ctx.limits.admitRequest(exchange, access, options, json);
  return ctx.cache.serve({ req, exchange, access, options, credential, keyHeaders: target.credentialHeaders }, async (recorder) => {
    await ctx.limits.admitSpend(exchange, access, options, json);
    return relay(
      ctx.relay,
      exchange,
      { credential, build, options, finalStep: ctx.finalStep, signal: req.signal },
      passthroughAnswer(target.formatOfPath(providerPath), stripUsageChunk),
      recorder,
    );
  });
}

function gatewayTokenInQuery(keyHeader: string) {
  return invalidRequest(
    "A gateway token was sent in the URL's query, where it would reach the provider and every log of the URL: " +
      `send it in the ${keyHeader} header (the provider's SDK does, given the token as its API key) or in cf-aig-authorization instead`,
    "gateway_token_in_query",
  );
}

/**
 * What providers' HTTP APIs use, and the methods the Next route handlers export (app/v1), so both
 * entries refuse the same ones; WebDAV's and other rare methods are not forwarded.
 */
const PASSTHROUGH_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const PASSTHROUGH_ALLOW = [...PASSTHROUGH_METHODS].join(", ");

/** Clients written for Cloudflare send `…/openai/v1/chat/completions` too; the base URL already ends in `/v1`. */
function withoutDuplicateVersion(baseUrl: string, path: string): string {
  if (!baseUrl.endsWith("/v1") && !baseUrl.endsWith("/v1/")) return path;
  if (path === "v1") return "";
  return path.startsWith("v1/") ? path.slice(3) : path;
}
