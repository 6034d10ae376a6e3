import type { WireFormat } from "@/lib/formats/codec";
import { invalidRequest } from "./errors";

/** What a request asks the gateway to do, decided by its path alone. */
export type Surface =
  /**
   * `compat/chat/completions`, `/ai/v1/chat/completions`, `/ai/v1/messages`, `/ai/v1/responses`:
   * `model` names the provider; the client speaks `ingress`.
   */
  | { kind: "chat"; ingress: WireFormat }
  /** `compat/embeddings`, `/ai/v1/embeddings`: OpenAI's embeddings, `model` naming the provider. */
  | { kind: "embeddings" }
  | { kind: "models" }
  /**
   * The REST API's `/ai/run` (`{model, input}`) and `/ai/run/{model}` (the model's own input):
   * answered in Workers AI's shape. `model` is the one the path names.
   */
  | { kind: "run"; model: string | undefined }
  /** `{provider}/{path…}`: forwarded to the provider's base URL. */
  | { kind: "passthrough"; provider: string; providerPath: string }
  /** `/v1/{team}/{gateway}` itself: Cloudflare's Universal endpoint, a JSON array of steps tried in order. */
  | { kind: "universal" }
  | { kind: "unsupported"; what: string };

/** Where the team and gateway come from: the URL (`/v1/{team}/{gateway}/…`) or the token (REST). */
export type GatewayScope =
  | { by: "path"; teamSlug: string; gatewaySlug: string }
  /** `teamSlug` is the path's account segment under `/client/v4/accounts/{team}/ai/…`; it must match the token's team. */
  | { by: "token"; teamSlug: string | undefined };

export interface GatewayRoute {
  scope: GatewayScope;
  surface: Surface;
  /** The path after the gateway, as logged: `compat/chat/completions`, `openai/chat/completions`, `v1/embeddings`. */
  logPath: string;
}

const ACCOUNTS_PREFIX = "/client/v4/accounts/";

/** True for every path the data plane serves: `/v1/…`, `/ai/…` and `/client/v4/accounts/{team}/ai/…`. */
export function isGatewayPath(pathname: string): boolean {
  if (pathname.startsWith("/v1/") || pathname.startsWith("/ai/")) return true;
  if (!pathname.startsWith(ACCOUNTS_PREFIX)) return false;
  const teamEnd = pathname.indexOf("/", ACCOUNTS_PREFIX.length);
  return teamEnd > ACCOUNTS_PREFIX.length && pathname.startsWith("/ai/", teamEnd);
}

/** Splits a gateway path into scope and surface; undefined when it is not one of ours. */
export function parseGatewayPath(pathname: string): GatewayRoute | undefined {
  if (pathname.startsWith("/v1/")) return parseGatewayUrl(pathname.slice(4));
  if (pathname.startsWith("/ai/")) return restRoute(undefined, pathname.slice(4));
  if (!pathname.startsWith(ACCOUNTS_PREFIX)) return undefined;
  const teamEnd = pathname.indexOf("/", ACCOUNTS_PREFIX.length);
  if (teamEnd <= ACCOUNTS_PREFIX.length || !pathname.startsWith("/ai/", teamEnd)) return undefined;
  return restRoute(pathname.slice(ACCOUNTS_PREFIX.length, teamEnd), pathname.slice(teamEnd + 4));
}

/** `{team}/{gateway}/{rest…}` of `/v1/…`. */
function parseGatewayUrl(path: string): GatewayRoute | undefined {
  const teamEnd = path.indexOf("/");
  if (teamEnd <= 0) return undefined;
  const gatewayEnd = path.indexOf("/", teamEnd + 1);
  const gatewaySlug = gatewayEnd === -1 ? path.slice(teamEnd + 1) : path.slice(teamEnd + 1, gatewayEnd);
  if (!gatewaySlug) return undefined;
  const rest = gatewayEnd === -1 ? "" : path.slice(gatewayEnd + 1);
  return {
    scope: { by: "path", teamSlug: path.slice(0, teamEnd), gatewaySlug },
    surface: gatewaySurface(rest),
    logPath: rest,
  };
}

/** The surface of the path after `/v1/{team}/{gateway}/`; also each Universal step's `{provider}/{endpoint}`. */
export function gatewaySurface(rest: string): Surface {
  if (rest === "") return { kind: "universal" };
  if (rest === "compat/chat/completions") return { kind: "chat", ingress: "openai-chat" };
  if (rest === "compat/models") return { kind: "models" };
  if (rest === "compat/embeddings") return { kind: "embeddings" };
  const providerEnd = rest.indexOf("/");
  const provider = providerEnd === -1 ? rest : rest.slice(0, providerEnd);
  if (provider === "compat") return { kind: "unsupported", what: `/${rest}` };
  if (provider === "run") return { kind: "unsupported", what: "The Run API" };
  return { kind: "passthrough", provider, providerPath: providerEnd === -1 ? "" : rest.slice(providerEnd + 1) };
}

/** The REST API's surfaces (`/ai/…` and `/client/v4/accounts/{team}/ai/…`), by the path after `ai/`. */
const REST_SURFACES: ReadonlyMap<string, Surface> = new Map<string, Surface>([
  ["v1/chat/completions", { kind: "chat", ingress: "openai-chat" }],
  ["v1/messages", { kind: "chat", ingress: "anthropic-messages" }],
  ["v1/responses", { kind: "chat", ingress: "openai-responses" }],
  ["v1/embeddings", { kind: "embeddings" }],
  ["v1/models", { kind: "models" }],
]);

function restRoute(teamSlug: string | undefined, rest: string): GatewayRoute {
  return { scope: { by: "token", teamSlug }, surface: REST_SURFACES.get(rest) ?? runSurface(rest) ?? { kind: "unsupported", what: `/ai/${rest}` }, logPath: rest };
}

/** `run` and `run/{model…}` (`run/@cf/meta/llama-3.1-8b-instruct`); the model is checked by the surface. */
function runSurface(rest: string): Surface | undefined {
  if (rest === "run") return { kind: "run", model: undefined };
  return rest.startsWith("run/") && rest.length > 4 ? { kind: "run", model: rest.slice(4) } : undefined;
}

/**
 * Refuses a passthrough provider path that could climb out of the base URL's path prefix. The URL
 * parser has already resolved literal and `%2e` dot segments of the request URL, but it leaves
 * `%2F` and `%5C` encoded, and a provider's server (or a proxy before it) may decode them into
 * separators and then resolve `..%2F`. A path that reaches us unresolved is checked the same way.
 */
export function assertPlainProviderPath(providerPath: string): void {
  for (const segment of providerPath.split("/")) {
    const problem = segmentProblem(segment);
    if (problem) {
      throw invalidRequest(
        `Invalid provider path "${providerPath}": the segment "${segment}" ${problem}, which could reach outside the provider's base URL; send the path without it`,
        "invalid_provider_path",
      );
    }
  }
}

const SEPARATOR = /%2f|%5c|\\/i;

function segmentProblem(segment: string): string | undefined {
  const separator = SEPARATOR.exec(segment)?.[0];
  if (separator === "\\") return "holds a backslash";
  if (separator) return `holds an encoded ${separator.toLowerCase() === "%2f" ? "slash" : "backslash"} (${separator})`;
  const dots = segment.replace(/%2e/gi, ".");
  return dots === "." || dots === ".." ? "is a dot segment" : undefined;
}
