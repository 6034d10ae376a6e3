import type { WireFormat } from "@/lib/formats/codec";
import type { JsonObject } from "@/lib/formats/json";

export type { WireFormat } from "@/lib/formats/codec";

/**
 * An outgoing provider call as plain data, so a provider adapter can put its credential on it
 * without seeing a Request (the core is transport-neutral): the provider's base URL, the path after
 * it with its query, lower-case header names, and the body as it will be sent (request signing
 * hashes it).
 */
export interface OutgoingCall {
  method: string;
  baseUrl: string;
  path: string;
  headers: Record<string, string>;
  body: Uint8Array | string | undefined;
}

/**
 * Puts a provider key on an outgoing call and returns the call to send. A function rather than a
 * header name, so a key in `x-api-key` with a version header beside it, a key in the query, a
 * signed request (Bedrock's SigV4) and a token minted from the key (Vertex) all fit the same place.
 * `key` is the stored secret as the team saved it (a JSON credential for some providers).
 */
export type ApplyCredential = (call: OutgoingCall, key: string) => OutgoingCall | Promise<OutgoingCall>;

/**
 * A stored key a provider's credential step could not put on a call (Vertex AI's token exchange
 * failed). The message says what happened without the key; the gateway adds the provider and the
 * key's alias. `rejected`: the provider refused the key itself (the client gets a 401); `unusable`:
 * the key or the deployment's settings forbid its use (400); `unreachable`: the provider's token
 * service failed or could not be reached (502).
 */
export class StoredKeyError extends Error {
  constructor(
    message: string,
    readonly kind: "rejected" | "unusable" | "unreachable",
  ) {
    super(message);
    this.name = "StoredKeyError";
  }
}

/** A chat call as a chat surface encoded it, before the key goes on (`ProviderSpec.shapeChatCall`). */
export interface ChatCall {
  /** The wire format of the body. */
  format: WireFormat;
  /** The model as the format's codec took it (`ProviderSpec.chatModel`). */
  model: string;
  stream: boolean;
  /** Relative to the base URL; undefined when the provider has no fixed path for the format. */
  path: string | undefined;
  body: JsonObject;
}

/** One provider of the catalog: how to reach it, what its endpoints speak, how to authenticate. */
export interface ProviderSpec {
  /** The path segment of Cloudflare's URLs (`/v1/{team}/{gateway}/{slug}/…`) and compat prefix. */
  slug: string;
  name: string;
  /**
   * Where passthrough paths are appended. Null when it depends on the customer's account
   * (Workers AI): a stored key must then carry a base URL.
   */
  baseUrl: string | null;
  /** The wire format of its chat endpoint: what compat and REST requests are translated to. */
  format: WireFormat;
  /**
   * The chat endpoint's path, relative to baseUrl. Undefined when the format's encoder returns
   * the path with the request (Anthropic's `v1/messages`; Gemini puts the model in it).
   */
  chatCompletionsPath: string | undefined;
  /**
   * Formats besides `format` it serves itself, each with its path relative to baseUrl (OpenAI's
   * Responses API): a client speaking one of them reaches it untranslated.
   */
  otherFormats?: Partial<Record<WireFormat, string>>;
  /** Its OpenAI-format embeddings endpoint; undefined when it has none (Gemini's own is native). */
  embeddingsPath: string | undefined;
  /**
   * The format a native passthrough path speaks, for reading usage from what passes through
   * (`v1/messages` → anthropic-messages); undefined for paths that carry no billable usage.
   */
  formatOfPath(path: string): WireFormat | undefined;
  /**
   * What a passthrough path says that other providers put in the body: Gemini names the model
   * and asks for a stream in the URL (`v1beta/models/{model}:streamGenerateContent`).
   */
  pathFacts?(path: string): { model?: string; stream?: boolean };
  /** How a stored key goes on the call. */
  applyCredential: ApplyCredential;
  /**
   * What is wrong with a secret for this provider (a JSON credential without its region), checked
   * when a key is stored or rotated; undefined when it will do. Providers whose key is an opaque
   * token have none.
   */
  keyProblem?(secret: string): string | undefined;
  /**
   * The base URL a stored secret implies (Bedrock's region, Vertex's region, Workers AI's account
   * id), used when the key has no base URL of its own.
   */
  baseUrlOfKey?(secret: string): string | undefined;
  /**
   * Whether an answer means the provider refused the key itself (and not, say, the model): such an
   * answer to a stored key becomes a 401 naming the key. Default: status 401. Bedrock, for one,
   * answers 403 with `x-amzn-errortype: UnrecognizedClientException`.
   */
  rejectsCredential?(status: number, headers: Record<string, string | string[] | undefined>): boolean;
  /**
   * For passthrough paths that name the host (Bedrock's `bedrock-runtime/{region}/…`, Azure's
   * `{resource}/{deployment}/…`): the base URL the path implies and the path under it. A stored
   * key's own base URL replaces the implied one (a proxy, or a local server in tests). Undefined
   * when the path is not one the provider serves; `baseUrl` undefined when only the path under the
   * usual base URL differs from the one sent (Workers AI's `@cf/…` → `run/@cf/…`).
   */
  passthroughTarget?(path: string): { baseUrl?: string; path: string } | undefined;
  /**
   * Headers its key travels in. A client's own key found in one of them is the client's business
   * and passes as sent; one found elsewhere (an OpenAI SDK's `Authorization` on a translated call
   * to Gemini) is moved here with `applyCredential`.
   */
  credentialHeaders: readonly string[];
  /** The query parameter a client may put its own key in instead (Google's `?key=`). */
  credentialQuery?: string;
  /**
   * Adds what the provider requires of every call whoever's key it carries, when the client did
   * not send it (Anthropic's `anthropic-version`).
   */
  completeCall?: (call: OutgoingCall) => OutgoingCall;
  /** Other names the REST API's `{author}/{model}` uses for this provider (`google` → google-ai-studio). */
  modelAuthors?: readonly string[];
  /** Hint in errors when the base URL is missing (Workers AI). */
  baseUrlHint?: string;
  /**
   * What a stored secret looks like when it is a structured credential that implies the base URL
   * (Workers AI's `{"accountId": …, "apiToken": …}`), for the hints in errors; then no base URL is asked for.
   */
  secretHint?: string;
  /**
   * For providers that serve several makers' models, each in its maker's format (Vertex AI:
   * `google/…` in Gemini's, `anthropic/…` in Anthropic's): the format the chat surfaces call `model`
   * in and its name in that format's body or path; undefined when the provider has no such model.
   * Without it, every model is called in `format` under its own name.
   */
  chatModel?(model: string): { format: WireFormat; model: string } | undefined;
  /**
   * The chat call's path and body where they depend on the model and the stored key (`key`;
   * undefined for the client's own): Vertex AI puts the key's project and region and the model in
   * the path, and wants Anthropic's body without `model`. Throws FormatError for a call it cannot
   * make (a 400 in the client's shape).
   */
  shapeChatCall?(call: ChatCall, key: string | undefined): { path: string; body: JsonObject };
}

/**
 * Where the provider takes a request in `format` as it is, relative to its base URL; undefined
 * when it does not speak `format`, or only at a path its encoder builds (Gemini).
 */
export function nativePath(spec: Pick<ProviderSpec, "format" | "chatCompletionsPath" | "otherFormats">, format: WireFormat): string | undefined {
  return format === spec.format ? spec.chatCompletionsPath : spec.otherFormats?.[format];
}

/** `Authorization: Bearer {key}`, the OpenAI family's way. */
export const bearerCredential: ApplyCredential = (call, key) => ({
  ...call,
  headers: { ...call.headers, authorization: `Bearer ${key}` },
});

/** The key alone in one header (`x-goog-api-key`), replacing whatever the header held. */
export function headerCredential(name: string): ApplyCredential {
  return (call, key) => ({ ...call, headers: { ...call.headers, [name]: key } });
}

/** A passthrough path's last segments, without the query (`…/v1/chat/completions?x` → `v1/chat/completions`). */
function endpointOf(path: string): string {
  const query = path.indexOf("?");
  return (query === -1 ? path : path.slice(0, query)).replace(/\/+$/, "");
}

/**
 * OpenAI's own endpoints, whatever prefix the provider puts before them. Embeddings answer with
 * Chat's `usage` object (`prompt_tokens`, `total_tokens`), which the openai-chat usage reader reads.
 */
export function openAiFormatOfPath(path: string): WireFormat | undefined {
  const endpoint = endpointOf(path);
  if (endpoint.endsWith("chat/completions") || endpoint.endsWith("embeddings")) return "openai-chat";
  if (endpoint === "responses" || endpoint.endsWith("/responses")) return "openai-responses";
  return undefined;
}

type OpenAiCompatibleFields = Pick<ProviderSpec, "slug" | "name" | "baseUrl"> &
  Partial<Pick<ProviderSpec, "baseUrlHint" | "modelAuthors" | "otherFormats">> & { chatCompletionsPath?: string; embeddingsPath?: string };

/** OpenAI-compatible providers share everything but their name and URLs. */
export function openAiCompatible(spec: OpenAiCompatibleFields): ProviderSpec {
  return {
    format: "openai-chat",
    chatCompletionsPath: "chat/completions",
    embeddingsPath: "embeddings",
    formatOfPath: openAiFormatOfPath,
    applyCredential: bearerCredential,
    credentialHeaders: ["authorization"],
    ...spec,
  };
}
