import { openAiFormatOfPath, ProviderRequestError, type OutgoingCall, type ProviderSpec } from "../types";

/**
 * The data-plane inference API version compat and REST calls ask for when the stored key names
 * none: the latest GA release of the deployments API (Azure's API version lifecycle page).
 */
export const AZURE_DEFAULT_API_VERSION = "2024-10-21";

/** A resource's custom subdomain: letters, digits and hyphens, neither first nor last a hyphen. */
const RESOURCE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?$/;
/** A deployment's name as Azure accepts it: no slash, no dot segment. */
const DEPLOYMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const API_VERSION = /^[A-Za-z0-9.-]{1,40}$/;

/** A stored Azure key that carries its resource, so `azure-openai/{deployment}` can be reached by compat and REST. */
export interface AzureCredential {
  apiKey: string;
  resource: string;
  apiVersion?: string;
}

const JSON_SHAPE = '{"apiKey": "…", "resource": "{resource name}", "apiVersion": "2024-10-21"}';

/** The JSON credential's fields, or what is wrong with them; a plain key (not JSON) is neither. */
function readCredential(secret: string): AzureCredential | string | undefined {
  if (!secret.trimStart().startsWith("{")) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(secret);
  } catch {
    return `an Azure OpenAI key is either the plain API key or JSON like ${JSON_SHAPE}; this is not valid JSON`;
  }
  const fields = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  const { apiKey, resource, apiVersion } = fields;
  if (typeof apiKey !== "string" || apiKey.trim() === "") return `apiKey is required: the resource's key, in JSON like ${JSON_SHAPE}`;
  if (typeof resource !== "string" || !RESOURCE_NAME.test(resource)) {
    return `resource must be the Azure OpenAI resource's name (the {resource} of https://{resource}.openai.azure.com), like ${JSON_SHAPE}`;
  }
  if (apiVersion !== undefined && (typeof apiVersion !== "string" || !API_VERSION.test(apiVersion))) {
    return `apiVersion must be an Azure OpenAI API version such as "${AZURE_DEFAULT_API_VERSION}", or left out`;
  }
  return { apiKey, resource, apiVersion };
}

function credentialOf(secret: string): AzureCredential | undefined {
  const read = readCredential(secret);
  return typeof read === "object" ? read : undefined;
}

function resourceUrl(resource: string): string {
  return `https://${resource}.openai.azure.com`;
}

function endpointOf(path: string): string {
  const query = path.indexOf("?");
  return query === -1 ? path : path.slice(0, query);
}

/**
 * Passthrough paths after `azure-openai/{resource}/`: Azure's own (`openai/deployments/…`, the
 * v1 API's `openai/v1/…`, as the AzureOpenAI SDK sends them given the gateway as its endpoint),
 * else Cloudflare's `{deployment}/{path}`.
 */
function passthroughTarget(path: string): { baseUrl: string; path: string } {
  const [resource = "", ...rest] = path.split("/");
  if (!RESOURCE_NAME.test(resource)) {
    throw new ProviderRequestError(
      `Azure OpenAI passthrough paths are azure-openai/{resource}/{deployment}/{path}?api-version=…: "${resource.slice(0, 64)}" is not a resource name (letters, digits and hyphens)`,
    );
  }
  const baseUrl = resourceUrl(resource);
  if (rest[0] === "openai" && (rest[1] === "deployments" || rest[1] === "v1")) {
    if (rest[1] === "deployments") assertDeployment(rest[2] ?? "");
    return { baseUrl, path: rest.join("/") };
  }
  const [deployment = "", ...endpoint] = rest;
  assertDeployment(deployment);
  return { baseUrl, path: `openai/deployments/${deployment}/${endpoint.join("/")}` };
}

function assertDeployment(deployment: string): void {
  if (DEPLOYMENT_NAME.test(deployment)) return;
  throw new ProviderRequestError(
    `Azure OpenAI passthrough paths are azure-openai/{resource}/{deployment}/{path}?api-version=…: "${deployment.slice(0, 64)}" is not a deployment name (letters, digits, ".", "_" and "-")`,
  );
}

/** A compat or REST call names its deployment as the model; Azure wants it in the path. */
function pathForModel(path: string, deployment: string): string {
  if (!DEPLOYMENT_NAME.test(deployment)) {
    throw new ProviderRequestError(`"${deployment.slice(0, 64)}" is not an Azure OpenAI deployment name: azure-openai/{deployment} takes letters, digits, ".", "_" and "-"`);
  }
  return `openai/deployments/${deployment}/${path}`;
}

/**
 * The stored key in `api-key`. A deployments call without an `api-version` (compat and REST build
 * theirs without one; a passthrough client may leave it out) gets the JSON key's version, else the
 * default: Azure answers 404 without one. The v1 API takes none.
 */
function applyCredential(call: OutgoingCall, secret: string): OutgoingCall {
  const credential = credentialOf(secret);
  const headers = { ...call.headers, "api-key": credential?.apiKey ?? secret };
  if (/[?&]api-version=/.test(call.path) || !endpointOf(call.path).startsWith("openai/deployments/")) return { ...call, headers };
  const version = encodeURIComponent(credential?.apiVersion ?? AZURE_DEFAULT_API_VERSION);
  return { ...call, headers, path: `${call.path}${call.path.includes("?") ? "&" : "?"}api-version=${version}` };
}

/**
 * Azure OpenAI: OpenAI's wire format under a resource's host, one deployment per model. Usage is
 * read as OpenAI's; the answer's `model` names the underlying OpenAI model, which prices the row
 * (lib/pricing's fallback), since deployment names are the customer's own.
 */
export const azureOpenai: ProviderSpec = {
  slug: "azure-openai",
  name: "Azure OpenAI",
  baseUrl: null,
  format: "openai-chat",
  chatCompletionsPath: "chat/completions",
  embeddingsPath: "embeddings",
  formatOfPath: openAiFormatOfPath,
  applyCredential,
  credentialHeaders: ["api-key"],
  keyProblem: (secret) => {
    const read = readCredential(secret);
    return typeof read === "string" ? read : undefined;
  },
  baseUrlOfKey: (secret) => {
    const credential = credentialOf(secret);
    return credential && resourceUrl(credential.resource);
  },
  passthroughTarget,
  pathForModel,
  // A plain key with the resource's URL as its base URL serves compat as well as the JSON key.
  baseUrlHint: "https://{resource}.openai.azure.com",
  secretHint: `{"apiKey": "…", "resource": "…", "apiVersion": "…"}`,
};
