import { config } from "@/lib/config";
import { FormatError } from "@/lib/formats/codec";
import type { JsonObject } from "@/lib/formats/json";
import { StoredKeyError, type ChatCall, type ProviderSpec, type WireFormat } from "../types";
import { readServiceAccount, regionalBaseUrl } from "./service-account";
import { accessToken } from "./token";

/** What Anthropic's models on Vertex AI take in the body instead of the `anthropic-version` header. */
export const VERTEX_ANTHROPIC_VERSION = "vertex-2023-10-16";

/** The publishers whose models the chat surfaces reach, and the format each speaks. */
const PUBLISHER_FORMATS: Readonly<Record<string, WireFormat>> = { google: "gemini", anthropic: "anthropic-messages" };
const USAGE_METHODS: Readonly<Record<string, readonly string[]>> = {
  google: ["generateContent", "streamGenerateContent"],
  anthropic: ["rawPredict", "streamRawPredict"],
};
const STREAM_METHODS = new Set(["streamGenerateContent", "streamRawPredict"]);

/** `v1/projects/{project}/locations/{region}/publishers/{publisher}/models/{model}:{method}`, the query aside. */
const MODEL_PATH = /^v1(?:beta1)?\/projects\/[^/?]+\/locations\/([a-z][a-z0-9-]*)\/publishers\/([^/?]+)\/models\/([^/:?]+):([A-Za-z]+)(?:\?|$)/;
/** Any path under a project's location names its region's host. */
const LOCATION_PATH = /^v1(?:beta1)?\/projects\/[^/?]+\/locations\/([a-z][a-z0-9-]*)(?:[/?:]|$)/;

function modelPath(path: string) {
  const match = MODEL_PATH.exec(path);
  if (!match) return undefined;
  const [, region, publisher, model, method] = match as unknown as [string, string, string, string, string];
  return { region, publisher, model, method };
}

function serviceAccountOf(key: string) {
  const account = readServiceAccount(key);
  if (typeof account === "string") throw new StoredKeyError(`it is not a usable service-account key: ${account}`, "unusable");
  return account;
}

/** `{publisher}/{model}` → the format it is called in and its name at the publisher. */
function chatModel(model: string): { format: WireFormat; model: string } | undefined {
  const slash = model.indexOf("/");
  const format = PUBLISHER_FORMATS[model.slice(0, slash)];
  const name = model.slice(slash + 1);
  if (slash <= 0 || format === undefined || name === "" || name.includes("/")) return undefined;
  return { format, model: name };
}

function shapeChatCall(call: ChatCall, key: string | undefined): { path: string; body: JsonObject } {
  if (key === undefined) {
    throw new FormatError(
      "google-vertex-ai models are reached here with a stored key, whose project and region name the endpoint; " +
        "with your own access token, call the passthrough path v1/projects/{project}/locations/{region}/publishers/{publisher}/models/{model}:{method}",
      "model",
    );
  }
  const account = serviceAccountOf(key);
  const location = `v1/projects/${account.projectId}/locations/${account.region}`;
  if (call.format === "anthropic-messages") {
    // Vertex takes the model from the path and the API version from the body.
    const { model: _model, ...body } = call.body;
    return {
      path: `${location}/publishers/anthropic/models/${call.model}:${call.stream ? "streamRawPredict" : "rawPredict"}`,
      body: { ...body, anthropic_version: VERTEX_ANTHROPIC_VERSION },
    };
  }
  const method = call.stream ? "streamGenerateContent?alt=sse" : "generateContent";
  return { path: `${location}/publishers/google/models/${call.model}:${method}`, body: call.body };
}

export const googleVertexAi: ProviderSpec = {
  slug: "google-vertex-ai",
  name: "Google Vertex AI",
  baseUrl: "https://aiplatform.googleapis.com",
  // Per model (chatModel): Gemini's for google/…, Anthropic's for anthropic/….
  format: "gemini",
  chatCompletionsPath: undefined,
  embeddingsPath: undefined,
  formatOfPath(path) {
    const parts = modelPath(path);
    if (!parts || !USAGE_METHODS[parts.publisher]?.includes(parts.method)) return undefined;
    return PUBLISHER_FORMATS[parts.publisher];
  },
  pathFacts(path) {
    const parts = modelPath(path);
    if (!parts) return {};
    return { model: `${parts.publisher}/${parts.model}`, stream: STREAM_METHODS.has(parts.method) };
  },
  passthroughTarget(path) {
    const region = LOCATION_PATH.exec(path)?.[1];
    return region === undefined ? undefined : { baseUrl: regionalBaseUrl(region), path };
  },
  async applyCredential(call, key) {
    const token = await accessToken(serviceAccountOf(key), config().allowPrivateUpstreams);
    return { ...call, headers: { ...call.headers, authorization: `Bearer ${token}` } };
  },
  keyProblem(secret) {
    const account = readServiceAccount(secret);
    return typeof account === "string" ? account : undefined;
  },
  baseUrlOfKey(secret) {
    const account = readServiceAccount(secret);
    return typeof account === "string" ? undefined : regionalBaseUrl(account.region);
  },
  credentialHeaders: ["authorization"],
  chatModel,
  shapeChatCall,
};
