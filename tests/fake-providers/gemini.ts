/**
 * A fake Google AI Studio (Generative Language API) over real HTTP, closely enough for the official
 * `@google/genai` SDK (`httpOptions.baseUrl` = `origin`).
 *
 * Serves `POST …/models/{model}:generateContent`, `:streamGenerateContent` (server-sent events with
 * `?alt=sse`, else one JSON array written element by element, as Google does), `:countTokens`,
 * `:embedContent` and `:batchEmbedContents`, whatever comes before `models/` (`/v1beta/`, or `/v1/`,
 * which the 3.x SDK uses by default).
 * Like Google it answers 403 without a key (`x-goog-api-key` or `?key=`) and 400 INVALID_ARGUMENT
 * for what the real API refuses and a translating gateway might get wrong: an unknown field at the
 * top level, in `generationConfig` or in `thinkingConfig` (camelCase and snake_case names are both
 * known, as in Google's JSON parser), a role other than `user` and `model`, a part with no data, a
 * thoughtSignature this fake did not issue, and (for `gemini-3…` models, which require them) a
 * functionCall of the current turn sent back without its thoughtSignature.
 *
 * What it answers:
 * - **text**: `content` (default FAKE_GEMINI_CONTENT), streamed a word per chunk, cut before the
 *   first of `stopSequences` it contains (`finishReason: "STOP"`) or after `maxOutputTokens` words
 *   (`"MAX_TOKENS"`);
 * - **function calls** when the request has functionDeclarations, the calling mode is not `NONE`
 *   and the last user turn holds no functionResponse: a functionCall part for every function
 *   declared (parallel calls), or for those `allowedFunctionNames` lists; the args have a value for
 *   every property of the function's schema (`"fake-<name>"`, 1, true…). After a
 *   functionResponse it answers text;
 * - **thinking** when `thinkingConfig` is given without `thinkingBudget: 0`: `thoughtsTokenCount`
 *   in the usage, a `{ text, thought: true }` part first when `includeThoughts` is true, and a
 *   `thoughtSignature` (unique per answer, see `issuedSignatures`) on the first functionCall part,
 *   or on the first text part when there is none, as Gemini places them;
 * - **usage** from `usage`: promptTokenCount (which includes the cached tokens, as Google counts
 *   them), candidatesTokenCount, cachedContentTokenCount (implicit caching: always, unless set to 0),
 *   thoughtsTokenCount, totalTokenCount. Each stream chunk carries the usage known so far; the last
 *   one all of it. Embeddings report `usageMetadata.promptTokenCount` (one token per word).
 *
 * Modes, by the `x-fake-mode` header or the model name's last `/` segment:
 *
 * | mode                  | behaviour                                                                      |
 * | --------------------- | ------------------------------------------------------------------------------ |
 * | `fake-error-<status>` | answers `<status>` (400, 403, 404, 429, 500, 503…) in Google's error shape      |
 * | `fake-slow`           | waits `slow.intervalMs` before answering, or streams `slow.events` chunks that far apart (also `fake-slow-<events>-<ms>`) |
 * | `fake-reset-<n>`      | streams `<n>` chunks, half of the next, then a TCP reset; non-streaming: half the JSON, then the reset |
 * | `fake-hang`           | never answers                                                                  |
 */
import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { isJsonObject } from "@/lib/formats/json";
import { argumentsFor, modelMode, sendJson, startFakeServer, words, write, writeThenReset, type RecordedRequest } from "./http";

export interface FakeGeminiRequest extends RecordedRequest {
  /** The model named in the path (`gemini-2.5-flash`), and the method after the colon (`generateContent`). */
  model: string;
  action: string;
}

export interface FakeGeminiUsage {
  promptTokenCount: number;
  candidatesTokenCount: number;
  cachedContentTokenCount: number;
  thoughtsTokenCount: number;
}

export interface FakeGemini {
  /** `http://127.0.0.1:{port}`, the equivalent of `https://generativelanguage.googleapis.com`. */
  origin: string;
  requests: FakeGeminiRequest[];
  usage: FakeGeminiUsage;
  content: string;
  thinking: string;
  slow: { events: number; intervalMs: number };
  /** Every thoughtSignature this fake has given out; the only ones it takes back. */
  issuedSignatures: Set<string>;
  waitForRequest(predicate?: (r: FakeGeminiRequest) => boolean): Promise<FakeGeminiRequest>;
  reset(): void;
  close(): Promise<void>;
}

export const FAKE_GEMINI_USAGE: FakeGeminiUsage = {
  promptTokenCount: 31,
  candidatesTokenCount: 11,
  cachedContentTokenCount: 16,
  thoughtsTokenCount: 24,
};
export const FAKE_GEMINI_CONTENT = "Hello from the fake Gemini, streamed word by word.";
export const FAKE_GEMINI_THINKING = "A greeting; answer in kind.";

const MODES = /^fake-(error-\d{3}|slow(?:-\d+-\d+)?|reset-\d+|hang)$/;
const ROUTE = /\/models\/([^/:]+):([A-Za-z]+)$/;

const REQUEST_FIELDS = ["model", "contents", "tools", "toolConfig", "safetySettings", "systemInstruction", "generationConfig", "cachedContent", "serviceTier", "store"];
const GENERATION_FIELDS = [
  "stopSequences", "responseMimeType", "responseSchema", "responseJsonSchema", "responseModalities", "candidateCount",
  "maxOutputTokens", "temperature", "topP", "topK", "seed", "presencePenalty", "frequencyPenalty", "responseLogprobs",
  "logprobs", "enableEnhancedCivicAnswers", "speechConfig", "thinkingConfig", "imageConfig", "mediaResolution",
];
const THINKING_FIELDS = ["includeThoughts", "thinkingBudget", "thinkingLevel"];
const PART_DATA = ["text", "inlineData", "fileData", "functionCall", "functionResponse", "executableCode", "codeExecutionResult"];

type Part = Record<string, unknown>;

class InvalidArgument extends Error {}

export async function startFakeGemini(): Promise<FakeGemini> {
  const server = await startFakeServer<FakeGeminiRequest>(
    (base) => {
      const [, model = "", action = ""] = ROUTE.exec(base.path) ?? [];
      const header = base.headers["x-fake-mode"];
      const mode = typeof header === "string" && MODES.test(header) ? header : modelMode(model, MODES);
      return { ...base, model, action, mode };
    },
    (request, res) => handle(request, res),
  );

  const fake: FakeGemini = {
    origin: server.origin,
    requests: server.requests,
    usage: { ...FAKE_GEMINI_USAGE },
    content: FAKE_GEMINI_CONTENT,
    thinking: FAKE_GEMINI_THINKING,
    slow: { events: 5, intervalMs: 20 },
    issuedSignatures: new Set(),
    waitForRequest: server.waitForRequest,
    reset: () => void (server.requests.length = 0),
    close: server.close,
  };

  async function handle(request: FakeGeminiRequest, res: ServerResponse) {
    const { headers, body, mode, model, action, query } = request;
    const key = typeof headers["x-goog-api-key"] === "string" ? headers["x-goog-api-key"] : query.key;
    if (!key) {
      return sendError(res, 403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
    }
    if (request.method !== "POST" || !model) return sendError(res, 404, `The requested URL ${request.path} was not found on this server.`);
    if (!body) return sendError(res, 400, "Invalid JSON payload received. Expected an object.");
    const status = /^fake-error-(\d{3})$/.exec(mode)?.[1];
    if (status) return sendFakeError(res, Number(status), model);
    if (mode === "fake-hang") return;

    try {
      switch (action) {
        case "generateContent":
        case "streamGenerateContent": {
          validateGenerate(body, model);
          const answer = generate(body, model);
          if (action === "generateContent") return await respond(res, answer, mode);
          return await stream(res, answer, mode, query.alt === "sse");
        }
        case "countTokens": {
          const inner = isJsonObject(body.generateContentRequest) ? body.generateContentRequest : body;
          validateGenerate(inner, model);
          return sendJson(res, 200, {
            totalTokens: fake.usage.promptTokenCount,
            promptTokensDetails: [{ modality: "TEXT", tokenCount: fake.usage.promptTokenCount }],
          });
        }
        case "embedContent":
          return sendJson(res, 200, { embedding: { values: embed(body, 0) }, usageMetadata: embedUsage([body]) });
        case "batchEmbedContents": {
          if (!Array.isArray(body.requests) || body.requests.length === 0) throw new InvalidArgument("* BatchEmbedContentsRequest.requests: requests must not be empty");
          const requests = body.requests.map((r: unknown, i) => {
            if (!isJsonObject(r)) throw new InvalidArgument(`* BatchEmbedContentsRequest.requests[${i}]: must be an object`);
            if (r.model !== undefined && r.model !== `models/${model}`) {
              throw new InvalidArgument(`* BatchEmbedContentsRequest.requests[${i}].model: model ${String(r.model)} does not match the model in the URL, models/${model}`);
            }
            return r;
          });
          return sendJson(res, 200, { embeddings: requests.map((r, i) => ({ values: embed(r, i) })), usageMetadata: embedUsage(requests) });
        }
        default:
          return sendError(res, 404, `The requested URL ${request.path} was not found on this server.`);
      }
    } catch (err) {
      if (err instanceof InvalidArgument) return sendError(res, 400, err.message);
      throw err;
    }
  }

  interface Answer {
    parts: Part[];
    finishReason: "STOP" | "MAX_TOKENS";
    usage: Record<string, number>;
    modelVersion: string;
    responseId: string;
  }

  function generate(body: Record<string, unknown>, model: string): Answer {
    const config = camel(isJsonObject(body.generationConfig) ? body.generationConfig : isJsonObject(body.generation_config) ? body.generation_config : {});
    const thinkingConfig = isJsonObject(config.thinkingConfig) ? camel(config.thinkingConfig) : undefined;
    const thinks = thinkingConfig !== undefined && thinkingConfig.thinkingBudget !== 0;
    const responseId = `fake${newId()}`;
    const signature = thinks ? createHash("sha256").update(`fake-gemini-thought:${responseId}`).digest("base64") : undefined;
    if (signature) fake.issuedSignatures.add(signature);

    const parts: Part[] = [];
    if (thinks && thinkingConfig.includeThoughts === true) parts.push({ text: fake.thinking, thought: true });
    const calls = functionCalls(body);
    let finishReason: Answer["finishReason"] = "STOP";
    let output = fake.usage.candidatesTokenCount;
    if (calls.length > 0) {
      parts.push(...calls.map((functionCall) => ({ functionCall })));
    } else {
      let text = fake.content;
      const stops = Array.isArray(config.stopSequences) ? config.stopSequences.filter((s): s is string => typeof s === "string") : [];
      const at = Math.min(...stops.map((s) => text.indexOf(s)).filter((i) => i >= 0));
      if (Number.isFinite(at)) text = text.slice(0, at);
      const max = typeof config.maxOutputTokens === "number" ? config.maxOutputTokens : Infinity;
      if (words(text).length > max) {
        text = words(text).slice(0, max).join("");
        finishReason = "MAX_TOKENS";
        output = max;
      }
      parts.push({ text });
    }
    if (signature) parts.find((p) => p.thought !== true)!.thoughtSignature = signature;

    const u = fake.usage;
    const thoughts = thinks ? u.thoughtsTokenCount : 0;
    const usage: Record<string, number> = {
      promptTokenCount: u.promptTokenCount,
      candidatesTokenCount: output,
      totalTokenCount: u.promptTokenCount + output + thoughts,
    };
    if (u.cachedContentTokenCount > 0) usage.cachedContentTokenCount = u.cachedContentTokenCount;
    if (thinks) usage.thoughtsTokenCount = thoughts;
    return { parts, finishReason, usage, modelVersion: model, responseId };
  }

  function usageMetadata(usage: Record<string, number>) {
    const details = (count: number) => [{ modality: "TEXT", tokenCount: count }];
    return {
      ...usage,
      promptTokensDetails: details(usage.promptTokenCount ?? 0),
      ...(usage.cachedContentTokenCount ? { cacheTokensDetails: details(usage.cachedContentTokenCount) } : {}),
    };
  }

  function responseBody(answer: Answer, parts: Part[], last: boolean, usage: Record<string, number>) {
    return {
      candidates: [{ content: { parts, role: "model" }, ...(last ? { finishReason: answer.finishReason } : {}), index: 0 }],
      usageMetadata: usageMetadata(usage),
      modelVersion: answer.modelVersion,
      responseId: answer.responseId,
    };
  }

  async function respond(res: ServerResponse, answer: Answer, mode: string) {
    const body = responseBody(answer, answer.parts, true, answer.usage);
    if (mode.startsWith("fake-slow")) await server.sleep(slowSettings(mode).intervalMs);
    if (mode.startsWith("fake-reset-")) {
      const json = JSON.stringify(body);
      res.writeHead(200, { "content-type": "application/json; charset=UTF-8", "content-length": String(Buffer.byteLength(json)) });
      return writeThenReset(res, json.slice(0, json.length >> 1));
    }
    sendJson(res, 200, body, { "content-type": "application/json; charset=UTF-8" });
  }

  /** One chunk per thought, per function call, and per word of text (or the slow mode's words). */
  async function stream(res: ServerResponse, answer: Answer, mode: string, sse: boolean) {
    const slow = mode.startsWith("fake-slow") ? slowSettings(mode) : undefined;
    const pieces: Part[] = [];
    for (const part of answer.parts) {
      if (typeof part.text !== "string" || part.thought === true) {
        pieces.push(part);
        continue;
      }
      const texts = slow ? Array.from({ length: slow.events }, (_, i) => `word${i} `) : words(part.text);
      // The signature rides on the text's first chunk.
      texts.forEach((text, i) => pieces.push(i === 0 && part.thoughtSignature ? { text, thoughtSignature: part.thoughtSignature } : { text }));
    }
    const { promptTokenCount = 0, cachedContentTokenCount } = answer.usage;
    const soFar = { promptTokenCount, totalTokenCount: promptTokenCount, ...(cachedContentTokenCount ? { cachedContentTokenCount } : {}) };
    const chunks = pieces.map((part, i) => {
      const last = i === pieces.length - 1;
      return responseBody(answer, [part], last, last ? answer.usage : soFar);
    });

    res.writeHead(200, { "content-type": sse ? "text/event-stream" : "application/json; charset=UTF-8" });
    res.flushHeaders();
    const resetAfter = Number(/^fake-reset-(\d+)$/.exec(mode)?.[1] ?? NaN);
    for (const [i, chunk] of chunks.entries()) {
      if (slow && i > 0) await server.sleep(slow.intervalMs);
      const text = sse ? `data: ${JSON.stringify(chunk)}\r\n\r\n` : `${i === 0 ? "[" : "\n,\r\n"}${JSON.stringify(chunk, null, 2)}`;
      if (i === resetAfter) return writeThenReset(res, text.slice(0, text.length >> 1));
      if (!(await write(res, text))) return;
    }
    if (!sse) await write(res, "\n]");
    res.end();
  }

  function slowSettings(mode: string) {
    const custom = /^fake-slow-(\d+)-(\d+)$/.exec(mode);
    return custom ? { events: Number(custom[1]), intervalMs: Number(custom[2]) } : fake.slow;
  }

  function embed(request: Record<string, unknown>, index: number): number[] {
    const dimensions = typeof request.outputDimensionality === "number" ? request.outputDimensionality : 8;
    const length = textOf(request.content).length;
    return Array.from({ length: dimensions }, (_, i) => Number(Math.sin(index + i + length).toFixed(6)));
  }

  /** The request checks Google makes that a translating gateway could fail; throws InvalidArgument. */
  function validateGenerate(body: Record<string, unknown>, model: string) {
    const top = camel(body);
    unknownFields(top, REQUEST_FIELDS, "");
    const config = isJsonObject(top.generationConfig) ? camel(top.generationConfig) : {};
    unknownFields(config, GENERATION_FIELDS, "generation_config");
    if (isJsonObject(config.thinkingConfig)) unknownFields(camel(config.thinkingConfig), THINKING_FIELDS, "generation_config.thinking_config");
    if (!Array.isArray(top.contents) || top.contents.length === 0) throw new InvalidArgument("* GenerateContentRequest.contents: contents is not specified");
    if (top.systemInstruction !== undefined) partsOf(top.systemInstruction, "system_instruction");
    const lastUserText = top.contents.findLastIndex((c) => isJsonObject(c) && c.role !== "model" && partsOf(c, "").some((p) => p.functionResponse === undefined));
    top.contents.forEach((content: unknown, i) => {
      if (!isJsonObject(content)) throw new InvalidArgument(`* GenerateContentRequest.contents[${i}]: must be an object`);
      if (content.role !== undefined && content.role !== "user" && content.role !== "model") {
        throw new InvalidArgument("Please use a valid role: user, model.");
      }
      partsOf(content, `contents[${i}]`).forEach((part, j) => {
        const signature = part.thoughtSignature ?? part.thought_signature;
        if (signature !== undefined && !fake.issuedSignatures.has(String(signature))) {
          throw new InvalidArgument(`Corrupted thought signature at contents[${i}].parts[${j}].`);
        }
        const call = part.functionCall ?? part.function_call;
        if (call !== undefined && content.role === "model" && i > lastUserText && model.startsWith("gemini-3") && signature === undefined) {
          throw new InvalidArgument(`Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${String(isJsonObject(call) ? call.name : "")}\` , position ${j + 1}.`);
        }
      });
    });
  }

  function functionCalls(body: Record<string, unknown>): Array<{ name: string; args: Record<string, unknown> }> {
    const top = camel(body);
    const declarations = (Array.isArray(top.tools) ? top.tools : [])
      .filter(isJsonObject)
      .flatMap((t) => {
        const list = t.functionDeclarations ?? t.function_declarations;
        return Array.isArray(list) ? list.filter(isJsonObject) : [];
      });
    const toolConfig = isJsonObject(top.toolConfig) ? camel(top.toolConfig) : {};
    const calling = isJsonObject(toolConfig.functionCallingConfig) ? camel(toolConfig.functionCallingConfig) : {};
    const contents = top.contents as unknown[];
    const lastUser = [...contents].reverse().find((c) => isJsonObject(c) && c.role !== "model");
    const answersTools = partsOf(lastUser, "").some((p) => p.functionResponse !== undefined);
    if (declarations.length === 0 || calling.mode === "NONE" || answersTools) return [];
    const allowed = Array.isArray(calling.allowedFunctionNames) ? calling.allowedFunctionNames : undefined;
    return declarations
      .filter((d) => !allowed || allowed.includes(d.name))
      .map((d) => ({ name: String(d.name), args: argumentsFor(d.parameters ?? d.parametersJsonSchema ?? d.parameters_json_schema) }));
  }

  return fake;
}

/** The parts of a Content, each checked to hold one kind of data. */
function partsOf(content: unknown, where: string): Part[] {
  if (!isJsonObject(content)) return [];
  if (!Array.isArray(content.parts) || content.parts.length === 0) {
    if (where) throw new InvalidArgument(`* GenerateContentRequest.${where}.parts: contents.parts must not be empty.`);
    return [];
  }
  return content.parts.map((part: unknown, j) => {
    const p = isJsonObject(part) ? camel(part) : {};
    if (where && !PART_DATA.some((field) => p[field] !== undefined)) {
      throw new InvalidArgument(`* GenerateContentRequest.${where}.parts[${j}].data: required oneof field 'data' must have one initialized field`);
    }
    return p;
  });
}

function unknownFields(object: Record<string, unknown>, known: string[], where: string) {
  const unknown = Object.keys(object).find((k) => !known.includes(k));
  if (unknown) {
    throw new InvalidArgument(`Invalid JSON payload received. Unknown name "${unknown}"${where ? ` at '${where}'` : ""}: Cannot find field.`);
  }
}

/** Keys in lowerCamelCase: Google's JSON parser takes a proto field by either name. */
function camel(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
}

function textOf(content: unknown): string {
  return partsOf(content, "")
    .map((p) => (typeof p.text === "string" ? p.text : ""))
    .join(" ");
}

function embedUsage(requests: Array<Record<string, unknown>>) {
  const tokens = requests.reduce((n, r) => n + words(textOf(r.content)).length, 0);
  return { promptTokenCount: tokens, totalTokenCount: tokens };
}

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

/** Google's error shape: `{"error": {"code", "message", "status"}}`. */
function sendError(res: ServerResponse, code: number, message: string) {
  sendJson(res, code, { error: { code, message, status: STATUS_NAMES[code] ?? "UNKNOWN" } }, { "content-type": "application/json; charset=UTF-8" });
}

function sendFakeError(res: ServerResponse, status: number, model: string) {
  switch (status) {
    case 400:
      return sendError(res, 400, "API key not valid. Please pass a valid API key.");
    case 404:
      return sendError(res, 404, `models/${model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`);
    case 429:
      return sendError(res, 429, "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.");
    case 500:
      return sendError(res, 500, "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting");
    case 503:
      return sendError(res, 503, "The model is overloaded. Please try again later.");
    default:
      return sendError(res, status, `fake error ${status}`);
  }
}

let counter = 0;
function newId(): string {
  return `${Date.now().toString(36)}${(++counter).toString(36)}`;
}
