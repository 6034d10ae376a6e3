import { isAnthropicModelId } from "@/lib/formats/bedrock-converse";
import type { OutgoingCall, ProviderSpec, WireFormat } from "../types";
import { AWS_REGION, readBedrockKey, signBedrockCall } from "./credential";

/**
 * Amazon Bedrock. Passthrough paths name the host: `bedrock-runtime/{region}/model/{modelId}/
 * {invoke|invoke-with-response-stream|converse|converse-stream}` (Bedrock's runtime API) and
 * `bedrock-mantle/{region}/anthropic/v1/messages` (Anthropic's Messages API on Bedrock's Mantle
 * endpoint). Compat and REST requests go through Converse. A stored key is AWS credentials as JSON
 * and the gateway signs each call (credential.ts); a request the client signed itself passes as sent.
 */

const RUNTIME_PATH = /^bedrock-runtime\/([^/]+)\/(.*)$/s;
const MANTLE_PATH = /^bedrock-mantle\/([^/]+)\/(.*)$/s;
/** `model/{modelId}/{method}` after the host, the id URL-encoded or not. */
const MODEL_METHOD = /^model\/([^/?]+)\/(invoke|invoke-with-response-stream|converse|converse-stream)\/?(?:\?|$)/;

export function runtimeBaseUrl(region: string): string {
  return `https://bedrock-runtime.${region}.amazonaws.com`;
}

export function mantleBaseUrl(region: string): string {
  return `https://bedrock-mantle.${region}.api.aws`;
}

/** The path under the host: passthrough paths start with the host's name and region; others are under it already. */
function hostPath(path: string): string {
  return (RUNTIME_PATH.exec(path) ?? MANTLE_PATH.exec(path))?.[2] ?? path;
}

function modelMethod(path: string): { model: string; method: string } | undefined {
  const match = MODEL_METHOD.exec(hostPath(path));
  if (!match) return undefined;
  let model = match[1]!;
  try {
    model = decodeURIComponent(model);
  } catch {
    // A malformed escape: the id as written.
  }
  return { model, method: match[2]! };
}

/**
 * Converse speaks bedrock-converse; invoke bodies are the model's own, so only Anthropic models'
 * (the Messages shape, and its events inside the stream's `{bytes}` chunks) have usage read. Other
 * vendors' invoke bodies (Nova, Llama, Mistral…) pass through with no usage. Mantle's Messages API
 * is Anthropic's.
 */
function formatOfPath(path: string): WireFormat | undefined {
  const under = hostPath(path);
  if (/^anthropic\/v1\/messages\/?(?:\?|$)/.test(under)) return "anthropic-messages";
  const call = modelMethod(path);
  if (!call) return undefined;
  if (call.method.startsWith("converse")) return "bedrock-converse";
  return isAnthropicModelId(call.model) ? "anthropic-messages" : undefined;
}

/**
 * Mantle takes a Bedrock API key in `x-api-key`, as Anthropic does; clients of the runtime API send
 * it as a bearer token, so one sent that way to Mantle is moved there. Signed calls are untouched.
 */
function completeCall(call: OutgoingCall): OutgoingCall {
  const authorization = call.headers.authorization;
  if (!call.path.startsWith("anthropic/") || authorization === undefined || !/^bearer /i.test(authorization)) return call;
  const { authorization: _moved, ...headers } = call.headers;
  return { ...call, headers: { ...headers, "x-api-key": authorization.slice(7).trim() } };
}

/**
 * AWS refuses credentials with 403 and names why in `x-amzn-errortype`: an unknown key id or session
 * token, a signature the secret does not make, an expired session. Other 403s (AccessDenied: the
 * key lacks access to the model) are the key's permissions, not the key.
 */
const REJECTED_CREDENTIAL = /^(?:UnrecognizedClient|InvalidSignature|ExpiredToken|InvalidClientTokenId)Exception(?::|$)/;

function rejectsCredential(status: number, headers: Record<string, string | string[] | undefined>): boolean {
  if (status === 401) return true;
  const type = headers["x-amzn-errortype"];
  return status === 403 && REJECTED_CREDENTIAL.test(typeof type === "string" ? type : (type?.[0] ?? ""));
}

export const awsBedrock: ProviderSpec = {
  slug: "aws-bedrock",
  name: "Amazon Bedrock",
  // For a client's own key on compat (a Bedrock API key); stored keys name their region.
  baseUrl: runtimeBaseUrl("us-east-1"),
  format: "bedrock-converse",
  // The Converse encoder returns the path: the model and the streaming method are in it.
  chatCompletionsPath: undefined,
  embeddingsPath: undefined,
  formatOfPath,
  pathFacts(path) {
    const call = modelMethod(path);
    if (call) return { model: call.model, stream: call.method.endsWith("stream") };
    return {};
  },
  applyCredential: signBedrockCall,
  keyProblem(secret) {
    const key = readBedrockKey(secret);
    return typeof key === "string" ? key : undefined;
  },
  rejectsCredential,
  baseUrlOfKey(secret) {
    const key = readBedrockKey(secret);
    return typeof key === "string" ? undefined : runtimeBaseUrl(key.region);
  },
  passthroughTarget(path) {
    const runtime = RUNTIME_PATH.exec(path);
    if (runtime && AWS_REGION.test(runtime[1]!)) return { baseUrl: runtimeBaseUrl(runtime[1]!), path: runtime[2]! };
    const mantle = MANTLE_PATH.exec(path);
    if (mantle && AWS_REGION.test(mantle[1]!)) return { baseUrl: mantleBaseUrl(mantle[1]!), path: mantle[2]! };
    return undefined;
  },
  credentialHeaders: ["authorization"],
  completeCall,
};
