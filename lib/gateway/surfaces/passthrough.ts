import { readRequestBody } from "../body";
import { resolveCredential } from "../credentials";
import { invalidProvider } from "../errors";
import { upstreamRequestHeaders } from "../headers";
import { askForStreamUsage, tryParseJsonObject } from "../openai-body";
import { assertPlainProviderPath } from "../paths";
import { findProvider } from "../provider-target";
import { relay } from "../relay";
import type { SurfaceContext } from "./context";

/**
 * `/v1/{team}/{gateway}/{provider}/{path…}`: any method, path and query forwarded unchanged to
 * the provider's base URL, the body as sent — except that a streaming chat completion is asked
 * to report usage, which is stripped again when the client did not ask for it.
 */
export async function servePassthrough(ctx: SurfaceContext, provider: string, providerPath: string): Promise<Response> {
  const { req, exchange, access } = ctx;
  const target = await findProvider(provider, access.team.id, ctx.directory);
  if (!target) throw invalidProvider(provider);
  exchange.provider = target.slug;
  assertPlainProviderPath(providerPath);

  const raw = await readRequestBody(req, ctx.maxBodyBytes);
  exchange.requestBody = raw;
  let body: Uint8Array | string | undefined = raw;
  let stripUsageChunk = false;
  const json = raw && req.headers.get("content-type")?.includes("json") ? tryParseJsonObject(raw) : undefined;
  if (json) {
    if (typeof json.model === "string") exchange.model = json.model;
    exchange.stream = json.stream === true;
    if (providerPath.endsWith("chat/completions") && askForStreamUsage(json)) {
      body = JSON.stringify(json);
      stripUsageChunk = true;
    }
  }

  const credential = await resolveCredential(target, access, ctx.clientSentKey, exchange.options?.byokAlias, ctx.directory);
  exchange.providerKeyId = credential.storedKeyId;
  return relay(
    ctx.relay,
    exchange,
    {
      baseUrl: credential.baseUrl,
      path: withoutDuplicateVersion(credential.baseUrl, providerPath) + ctx.search,
      method: req.method,
      headers: upstreamRequestHeaders(req.headers, credential.header),
      body,
      signal: req.signal,
      headersTimeout: exchange.options?.requestTimeoutMs,
    },
    stripUsageChunk,
  );
}

/** Clients written for Cloudflare send `…/openai/v1/chat/completions` too; the base URL already ends in `/v1`. */
function withoutDuplicateVersion(baseUrl: string, path: string): string {
  if (!baseUrl.endsWith("/v1") && !baseUrl.endsWith("/v1/")) return path;
  if (path === "v1") return "";
  return path.startsWith("v1/") ? path.slice(3) : path;
}
