import type {
  ChatMessage,
  ChatRequest,
  ChatTool,
  ReasoningEffort,
  ResponseFormat,
  TextPart,
  ToolCall,
  ToolChoice,
  UserContentPart,
} from "@/lib/formats/canonical";
import { FormatError, type EncodedRequest, type RequestHints } from "@/lib/formats/codec";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";
import { isGeneratedCallId, optionalString, readModelParts, writeModelParts } from "./parts";
import { fromGeminiSchema, toGeminiParameters } from "./schema";
import { camelCaseFields } from "./wire-case";

/**
 * Gemini's GenerateContentRequest (v1beta, as `@google/genai` sends it over REST) ⇄ canonical.
 *
 * Choices worth knowing:
 * - The model and streaming live in the URL: `encodeRequest` returns
 *   `v1beta/models/{model}:generateContent` or `…:streamGenerateContent?alt=sse`; decoding takes
 *   them from the hints the gateway parsed from the path. Client bodies may spell fields in
 *   snake_case, as Google's JSON parser allows (wire-case.ts).
 * - System and developer messages, wherever they stand, become `systemInstruction` (Gemini has
 *   one); consecutive turns of one role are merged, tool results being user turns.
 * - Images: a data URL → `inlineData`; an http(s) URL → `fileData {fileUri, mimeType}` with the
 *   MIME type read from the URL's extension (a URL without a known image extension is a
 *   FormatError: Gemini needs the type, and the gateway can send the bytes as a data URL instead).
 *   Whether Gemini can fetch a given public URL is Gemini's to say.
 * - Tools: parameters are converted from JSON Schema to Gemini's OpenAPI subset (schema.ts says
 *   what is converted, stripped and refused). Calls without an id (before Gemini 3) get
 *   `call_{turn}_{n}`; a functionResponse is matched to its call by id, else by name among the
 *   previous model turn's unanswered calls. Made-up ids are never sent to Gemini. A tool result's
 *   JSON object is the `response`; other JSON or plain text is wrapped as `{"result": …}`.
 * - Thoughts and signatures: see parts.ts. Anthropic's redacted thinking is left out (only
 *   Anthropic can read it); an assistant's `refusal` goes as text (it is what the model said).
 * - Reasoning: `budget_tokens` → `thinkingBudget`; `effort` → `thinkingLevel` on Gemini 3 models,
 *   else a budget (minimal/low 1024, medium 8192, high 24576, as Google's own OpenAI compatibility
 *   layer maps it). `includeThoughts` defaults to true so the thinking comes back as reasoning.
 * - Ignored as harmless, in both directions: `user` and a user message's `name` (Gemini has no
 *   place for them and they change no output), `cache_control` hints (Gemini caches implicitly),
 *   an image's `detail`, a tool's `strict` and a json_schema's `name`, `description` and `strict`
 *   (Gemini always holds to the schema), `stream_options` (Gemini always reports usage), Gemini's
 *   `safetySettings`, `labels` and `mediaResolution`, and a function declaration's `response`
 *   schema (a description of what the tool returns).
 * - Refused with a FormatError: `n > 1` / `candidateCount > 1` (one choice); `logprobs`,
 *   `top_logprobs` / `responseLogprobs`, `logprobs` (Gemini has them, but the canonical answer has
 *   no place for them); `parallel_tool_calls: false` (Gemini cannot be held to one call); Gemini's
 *   `cachedContent`; server-side tools (`googleSearch`, `codeExecution`, …); media other than
 *   images; files uploaded to Google; and any field neither side knows.
 */

const thinkingBudgetByEffort: Record<ReasoningEffort, number> = { minimal: 1024, low: 1024, medium: 8192, high: 24576 };

const imageTypesByExtension: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  heic: "image/heic",
  heif: "image/heif",
};

// ───────────────────────────── canonical → Gemini ─────────────────────────────

/** The model's name as it goes in Gemini's path (`models/` prefix optional), checked to be a name. */
export function geminiModelName(model: string): string {
  const name = model.replace(/^models\//, "");
  if (!/^[A-Za-z0-9][\w.-]*$/.test(name)) throw new FormatError(`model "${name}" is not a Gemini model name.`, "model", "invalid_field");
  return name;
}

export function encodeGeminiRequest(request: ChatRequest): EncodedRequest {
  const model = geminiModelName(request.model);
  const path = `v1beta/models/${model}:${request.stream ? "streamGenerateContent?alt=sse" : "generateContent"}`;
  const body: JsonObject = {};
  const system: JsonObject[] = [];
  const contents: JsonObject[] = [];
  const push = (role: "user" | "model", parts: JsonObject[]) => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    // Gemini wants turns to alternate: tool results and the user's next words are one user turn.
    if (last?.role === role) (last.parts as JsonObject[]).push(...parts);
    else contents.push({ role, parts });
  };

  request.messages.forEach((message, index) => {
    const field = `messages[${index}]`;
    switch (message.role) {
      case "system":
      case "developer":
        system.push(...textParts(message.content));
        break;
      case "user":
        push("user", userParts(message.content, `${field}.content`));
        break;
      case "assistant": {
        const text = message.content === null ? null : joinText(message.content);
        const refusal = message.refusal ? message.refusal : null;
        push(
          "model",
          writeModelParts(
            {
              // A refusal is what the model said; Gemini has only text for it.
              text: refusal === null ? text : [text, refusal].filter((piece) => piece).join("\n"),
              reasoning: message.reasoning ?? [],
              toolCalls: message.tool_calls ?? [],
            },
            field,
          ),
        );
        break;
      }
      case "tool":
        push("user", [functionResponsePart(request.messages, index, message.tool_call_id, joinText(message.content))]);
        break;
    }
  });
  if (contents.length === 0) throw new FormatError("messages needs at least one user or assistant message for Gemini.", "messages", "invalid_field");
  body.contents = contents;
  if (system.length > 0) body.systemInstruction = { parts: system };

  if (request.tools && request.tools.length > 0) {
    body.tools = [{ functionDeclarations: request.tools.map((tool, index) => functionDeclaration(tool, `tools[${index}]`)) }];
    if (request.tool_choice !== undefined) body.toolConfig = { functionCallingConfig: functionCallingConfig(request.tool_choice) };
    if (request.parallel_tool_calls === false) {
      throw new FormatError("parallel_tool_calls: false cannot be expressed to Gemini, which decides how many calls to make; leave it out.", "parallel_tool_calls");
    }
  } else if (request.tool_choice === "required" || typeof request.tool_choice === "object") {
    throw new FormatError("tool_choice asks for a tool call but no tools were given.", "tool_choice", "invalid_field");
  }

  const generationConfig = encodeGenerationConfig(request, model);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  return { body, path };
}

function encodeGenerationConfig(request: ChatRequest, model: string): JsonObject {
  const config: JsonObject = {};
  if (request.n !== undefined && request.n > 1) throw new FormatError("n > 1 is not supported here: one choice per request; send several requests.", "n");
  if (request.stop && request.stop.length > 0) config.stopSequences = request.stop;
  if (request.max_tokens !== undefined) config.maxOutputTokens = request.max_tokens;
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.top_p !== undefined) config.topP = request.top_p;
  if (request.top_k !== undefined) config.topK = request.top_k;
  if (request.seed !== undefined) config.seed = request.seed;
  if (request.presence_penalty !== undefined) config.presencePenalty = request.presence_penalty;
  if (request.frequency_penalty !== undefined) config.frequencyPenalty = request.frequency_penalty;
  // Gemini has them (responseLogprobs, logprobs), but the canonical answer has no place for what
  // comes back, so asking would drop them silently.
  if (request.logprobs) throw new FormatError("logprobs cannot be carried back from Gemini through the gateway's translation.", "logprobs");
  if (request.top_logprobs !== undefined) throw new FormatError("top_logprobs cannot be carried back from Gemini through the gateway's translation.", "top_logprobs");
  const format = request.response_format;
  if (format?.type === "json_object") config.responseMimeType = "application/json";
  if (format?.type === "json_schema") {
    config.responseMimeType = "application/json";
    if (format.json_schema.schema) config.responseJsonSchema = format.json_schema.schema;
  }
  if (request.reasoning) {
    const { effort, budget_tokens, include_thoughts } = request.reasoning;
    // No thoughts to include when thinking is off (a budget of 0).
    const thinking: JsonObject = { includeThoughts: include_thoughts ?? budget_tokens !== 0 };
    if (budget_tokens !== undefined) thinking.thinkingBudget = budget_tokens;
    else if (effort !== undefined && model.startsWith("gemini-3")) thinking.thinkingLevel = effort.toUpperCase();
    else if (effort !== undefined) thinking.thinkingBudget = thinkingBudgetByEffort[effort];
    config.thinkingConfig = thinking;
  }
  return config;
}

function textParts(content: string | TextPart[]): JsonObject[] {
  if (typeof content === "string") return content === "" ? [] : [{ text: content }];
  return content.map((part) => ({ text: part.text }));
}

function joinText(content: string | TextPart[]): string {
  return typeof content === "string" ? content : content.map((part) => part.text).join("");
}

function userParts(content: string | UserContentPart[], field: string): JsonObject[] {
  if (typeof content === "string") return [{ text: content }];
  return content.map((part, index) => (part.type === "text" ? { text: part.text } : imagePart(part.image_url.url, `${field}[${index}].image_url.url`)));
}

function imagePart(url: string, field: string): JsonObject {
  const data = /^data:([^;,]+)((?:;[^;,]*)*),(.*)$/s.exec(url);
  if (data) {
    if (!data[2]!.split(";").includes("base64")) throw new FormatError(`${field}: a data URL must be base64-encoded for Gemini.`, field, "invalid_field");
    return { inlineData: { mimeType: data[1], data: data[3] } };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FormatError(`${field} must be an http(s) URL or a data: URL.`, field, "invalid_field");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new FormatError(`${field} must be an http(s) URL or a data: URL.`, field, "invalid_field");
  const mimeType = imageTypesByExtension[/\.([a-z0-9]+)$/i.exec(parsed.pathname)?.[1]?.toLowerCase() ?? ""];
  if (mimeType === undefined) {
    throw new FormatError(
      `${field}: Gemini needs an image URL's type, and this URL does not end in .png, .jpg, .jpeg, .webp, .gif, .heic or .heif; send the image as a data URL.`,
      field,
    );
  }
  return { fileData: { mimeType, fileUri: url } };
}

function functionResponsePart(messages: ChatMessage[], index: number, callId: string, content: string): JsonObject {
  const call = findCall(messages, index, callId);
  if (!call) {
    throw new FormatError(`messages[${index}].tool_call_id "${callId}" matches no tool call of an earlier assistant message.`, `messages[${index}].tool_call_id`, "invalid_field");
  }
  let response: JsonObject;
  try {
    const value: unknown = JSON.parse(content);
    response = isJsonObject(value) ? value : { result: value };
  } catch {
    response = { result: content };
  }
  return { functionResponse: { ...(isGeneratedCallId(callId) ? {} : { id: callId }), name: call.function.name, response } };
}

function findCall(messages: ChatMessage[], before: number, id: string): ToolCall | undefined {
  for (let index = before - 1; index >= 0; index--) {
    const message = messages[index]!;
    if (message.role !== "assistant") continue;
    const call = message.tool_calls?.find((candidate) => candidate.id === id);
    if (call) return call;
  }
  return undefined;
}

function functionDeclaration(tool: ChatTool, field: string): JsonObject {
  const declaration: JsonObject = { name: tool.function.name };
  if (tool.function.description !== undefined) declaration.description = tool.function.description;
  if (tool.function.parameters) {
    const parameters = toGeminiParameters(tool.function.parameters, `${field}.function.parameters`);
    if (parameters) declaration.parameters = parameters;
  }
  return declaration;
}

function functionCallingConfig(choice: ToolChoice): JsonObject {
  if (choice === "auto") return { mode: "AUTO" };
  if (choice === "none") return { mode: "NONE" };
  if (choice === "required") return { mode: "ANY" };
  return { mode: "ANY", allowedFunctionNames: [choice.function.name] };
}

// ───────────────────────────── Gemini → canonical ─────────────────────────────

const requestKeys = new Set(["contents", "systemInstruction", "tools", "toolConfig", "generationConfig", "safetySettings", "labels", "model", "cachedContent"]);

export function decodeGeminiRequest(clientBody: JsonObject, hints: RequestHints = {}): ChatRequest {
  const body = camelCaseFields(clientBody) as JsonObject;
  for (const key of Object.keys(body)) {
    if (!requestKeys.has(key)) throw new FormatError(`${key} is not a generateContent field this gateway can carry to another provider.`, key);
  }
  if (body.cachedContent !== undefined) throw new FormatError("cachedContent names a cache on Google's side that other providers cannot read; send the content itself.", "cachedContent");
  const model = (hints.model ?? (typeof body.model === "string" ? body.model : "")).replace(/^models\//, "");
  if (model === "") throw new FormatError("The model belongs in the path: v1beta/models/{model}:generateContent.", "model", "invalid_field");

  const messages: ChatMessage[] = [];
  if (body.systemInstruction !== undefined) messages.push({ role: "system", content: systemText(body.systemInstruction) });
  messages.push(...decodeContents(body.contents));

  const request: ChatRequest = { model, messages, stream: hints.stream ?? false };
  if (body.tools !== undefined) request.tools = decodeTools(body.tools);
  if (body.toolConfig !== undefined) {
    const choice = decodeToolConfig(body.toolConfig);
    if (choice !== undefined) request.tool_choice = choice;
  }
  if (body.generationConfig !== undefined) decodeGenerationConfig(body.generationConfig, request);
  return request;
}

function systemText(value: unknown): TextPart[] {
  const parts = isJsonObject(value) ? value.parts : undefined;
  if (!Array.isArray(parts)) throw new FormatError("systemInstruction must be a content with parts.", "systemInstruction", "invalid_field");
  return parts.map((part: unknown, index) => {
    const at = `systemInstruction.parts[${index}]`;
    if (!isJsonObject(part) || typeof part.text !== "string") throw new FormatError(`${at}: only text can be a system instruction elsewhere.`, at);
    return { type: "text", text: part.text };
  });
}

interface PendingCall {
  id: string;
  name: string;
  answered: boolean;
}

function decodeContents(value: unknown): ChatMessage[] {
  if (!Array.isArray(value) || value.length === 0) throw new FormatError("contents must be a non-empty list.", "contents", "invalid_field");
  const messages: ChatMessage[] = [];
  let pending: PendingCall[] = [];
  value.forEach((content: unknown, turn) => {
    const field = `contents[${turn}]`;
    if (!isJsonObject(content)) throw new FormatError(`${field} must be a content object.`, field, "invalid_field");
    const role = content.role ?? "user";
    if (role === "model") {
      const decoded = readModelParts(content.parts, `${field}.parts`, (index) => `call_${turn}_${index}`);
      messages.push({
        role: "assistant",
        content: decoded.text,
        ...(decoded.toolCalls.length > 0 ? { tool_calls: decoded.toolCalls } : {}),
        ...(decoded.reasoning.length > 0 ? { reasoning: decoded.reasoning } : {}),
      });
      pending = decoded.toolCalls.map((call) => ({ id: call.id, name: call.function.name, answered: false }));
    } else if (role === "user") {
      messages.push(...decodeUserTurn(content.parts, `${field}.parts`, pending));
    } else {
      throw new FormatError(`${field}.role must be "user" or "model".`, `${field}.role`, "invalid_field");
    }
  });
  return messages;
}

/** A user turn: its function responses become tool messages, the rest user messages, in order. */
function decodeUserTurn(parts: unknown, field: string, pending: PendingCall[]): ChatMessage[] {
  if (!Array.isArray(parts) || parts.length === 0) throw new FormatError(`${field} must be a non-empty list of parts.`, field, "invalid_field");
  const messages: ChatMessage[] = [];
  let userParts: UserContentPart[] = [];
  const flush = () => {
    if (userParts.length === 0) return;
    const only = userParts[0]!;
    messages.push({ role: "user", content: userParts.length === 1 && only.type === "text" ? only.text : userParts });
    userParts = [];
  };
  parts.forEach((part: unknown, index) => {
    const at = `${field}[${index}]`;
    if (!isJsonObject(part)) throw new FormatError(`${at} must be a part object.`, at, "invalid_field");
    if (part.thought === true) throw new FormatError(`${at}: thoughts belong to model turns.`, at, "invalid_field");
    if (isJsonObject(part.functionResponse)) {
      flush();
      messages.push(toolMessage(part.functionResponse, `${at}.functionResponse`, pending));
    } else if (typeof part.text === "string") {
      userParts.push({ type: "text", text: part.text });
    } else if (isJsonObject(part.inlineData)) {
      userParts.push(inlineImage(part.inlineData, `${at}.inlineData`));
    } else if (isJsonObject(part.fileData)) {
      userParts.push(fileImage(part.fileData, `${at}.fileData`));
    } else {
      throw new FormatError(`${at}: only text, images and function responses can be carried from a user turn.`, at);
    }
  });
  flush();
  return messages;
}

function toolMessage(response: JsonObject, field: string, pending: PendingCall[]): ChatMessage {
  const id = optionalString(response.id, `${field}.id`);
  const name = optionalString(response.name, `${field}.name`);
  const call = id !== undefined ? pending.find((candidate) => candidate.id === id) : pending.find((candidate) => candidate.name === name && !candidate.answered);
  if (!call) {
    throw new FormatError(`${field} answers no function call of the model turn before it (matched by ${id !== undefined ? "id" : "name"}).`, field, "invalid_field");
  }
  call.answered = true;
  if (response.parts !== undefined) throw new FormatError(`${field}.parts: media in function responses cannot be carried.`, `${field}.parts`);
  return { role: "tool", tool_call_id: call.id, content: JSON.stringify(response.response ?? {}) };
}

function inlineImage(blob: JsonObject, field: string): UserContentPart {
  const mimeType = optionalString(blob.mimeType, `${field}.mimeType`);
  if (mimeType === undefined || !mimeType.startsWith("image/")) throw new FormatError(`${field}.mimeType: only images can be carried to other providers.`, `${field}.mimeType`);
  if (typeof blob.data !== "string") throw new FormatError(`${field}.data must be base64 text.`, `${field}.data`, "invalid_field");
  return { type: "image_url", image_url: { url: `data:${mimeType};base64,${blob.data}` } };
}

function fileImage(file: JsonObject, field: string): UserContentPart {
  const uri = optionalString(file.fileUri, `${field}.fileUri`) ?? "";
  const mimeType = optionalString(file.mimeType, `${field}.mimeType`);
  if (mimeType !== undefined && !mimeType.startsWith("image/")) throw new FormatError(`${field}.mimeType: only images can be carried to other providers.`, `${field}.mimeType`);
  let url: URL | undefined;
  try {
    url = new URL(uri);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:") || url.hostname === "generativelanguage.googleapis.com") {
    throw new FormatError(`${field}.fileUri: files stored with Google cannot be read by other providers; send a public http(s) URL or inline data.`, `${field}.fileUri`);
  }
  return { type: "image_url", image_url: { url: uri } };
}

function decodeTools(value: unknown): ChatTool[] {
  if (!Array.isArray(value)) throw new FormatError("tools must be a list.", "tools", "invalid_field");
  const tools: ChatTool[] = [];
  value.forEach((tool: unknown, index) => {
    const field = `tools[${index}]`;
    if (!isJsonObject(tool)) throw new FormatError(`${field} must be a tool object.`, field, "invalid_field");
    for (const key of Object.keys(tool)) {
      if (key !== "functionDeclarations") throw new FormatError(`${field}.${key}: Google's server-side tools run only on Gemini.`, `${field}.${key}`);
    }
    const declarations = tool.functionDeclarations;
    if (!Array.isArray(declarations)) throw new FormatError(`${field}.functionDeclarations must be a list.`, `${field}.functionDeclarations`, "invalid_field");
    declarations.forEach((declaration: unknown, n) => tools.push(decodeDeclaration(declaration, `${field}.functionDeclarations[${n}]`)));
  });
  return tools;
}

function decodeDeclaration(declaration: unknown, field: string): ChatTool {
  if (!isJsonObject(declaration) || typeof declaration.name !== "string") throw new FormatError(`${field}.name is required.`, `${field}.name`, "invalid_field");
  for (const key of Object.keys(declaration)) {
    if (!["name", "description", "parameters", "parametersJsonSchema", "response", "responseJsonSchema"].includes(key)) {
      throw new FormatError(`${field}.${key} cannot be carried to other providers.`, `${field}.${key}`);
    }
  }
  const fn: ChatTool["function"] = { name: declaration.name };
  const description = optionalString(declaration.description, `${field}.description`);
  if (description !== undefined) fn.description = description;
  if (isJsonObject(declaration.parametersJsonSchema)) fn.parameters = declaration.parametersJsonSchema;
  else if (isJsonObject(declaration.parameters)) fn.parameters = fromGeminiSchema(declaration.parameters, `${field}.parameters`);
  return { type: "function", function: fn };
}

function decodeToolConfig(value: unknown): ToolChoice | undefined {
  const config = isJsonObject(value) ? value.functionCallingConfig : undefined;
  if (config === undefined) return undefined;
  const field = "toolConfig.functionCallingConfig";
  if (!isJsonObject(config)) throw new FormatError(`${field} must be an object.`, field, "invalid_field");
  const names = config.allowedFunctionNames;
  switch (config.mode ?? "AUTO") {
    case "AUTO":
    case "MODE_UNSPECIFIED":
      return "auto";
    case "NONE":
      return "none";
    case "ANY":
      if (names === undefined || (Array.isArray(names) && names.length === 0)) return "required";
      if (Array.isArray(names) && names.length === 1 && typeof names[0] === "string") return { type: "function", function: { name: names[0] } };
      throw new FormatError(`${field}.allowedFunctionNames: other providers can be held to one named function or to any; list one name or none.`, `${field}.allowedFunctionNames`);
    default:
      throw new FormatError(`${field}.mode: only AUTO, ANY and NONE can be carried to other providers.`, `${field}.mode`);
  }
}

const generationKeys = new Set([
  "stopSequences",
  "maxOutputTokens",
  "temperature",
  "topP",
  "topK",
  "seed",
  "presencePenalty",
  "frequencyPenalty",
  "candidateCount",
  "responseLogprobs",
  "logprobs",
  "responseMimeType",
  "responseSchema",
  "responseJsonSchema",
  "thinkingConfig",
  "responseModalities",
  "mediaResolution",
]);

function decodeGenerationConfig(value: unknown, request: ChatRequest): void {
  if (!isJsonObject(value)) throw new FormatError("generationConfig must be an object.", "generationConfig", "invalid_field");
  const field = (key: string) => `generationConfig.${key}`;
  for (const key of Object.keys(value)) {
    if (!generationKeys.has(key)) throw new FormatError(`${field(key)} cannot be carried to other providers.`, field(key));
  }
  const number = (key: string): number | undefined => {
    const item = value[key];
    if (item === undefined) return undefined;
    if (typeof item !== "number" || !Number.isFinite(item)) throw new FormatError(`${field(key)} must be a number.`, field(key), "invalid_field");
    return item;
  };
  const stop = value.stopSequences;
  if (stop !== undefined) {
    if (!Array.isArray(stop) || !stop.every((item) => typeof item === "string")) throw new FormatError(`${field("stopSequences")} must be a list of strings.`, field("stopSequences"), "invalid_field");
    request.stop = stop;
  }
  const assign = <K extends keyof ChatRequest>(key: K, geminiKey: string) => {
    const item = number(geminiKey);
    if (item !== undefined) request[key] = item as ChatRequest[K];
  };
  assign("max_tokens", "maxOutputTokens");
  assign("temperature", "temperature");
  assign("top_p", "topP");
  assign("top_k", "topK");
  assign("seed", "seed");
  assign("presence_penalty", "presencePenalty");
  assign("frequency_penalty", "frequencyPenalty");
  const candidates = number("candidateCount");
  if (candidates !== undefined && candidates > 1) throw new FormatError(`${field("candidateCount")} > 1 is not supported here: one candidate per request.`, field("candidateCount"));
  for (const key of ["responseLogprobs", "logprobs"]) {
    if (value[key] !== undefined && value[key] !== false) {
      throw new FormatError(`${field(key)}: log probabilities cannot be carried back from other providers through the gateway's translation.`, field(key));
    }
  }
  const modalities = value.responseModalities;
  if (modalities !== undefined && !(Array.isArray(modalities) && modalities.every((modality) => modality === "TEXT"))) {
    throw new FormatError(`${field("responseModalities")}: only TEXT can be asked of other providers.`, field("responseModalities"));
  }
  const format = decodeResponseFormat(value);
  if (format) request.response_format = format;
  if (value.thinkingConfig !== undefined) request.reasoning = decodeThinking(value.thinkingConfig);
}

function decodeResponseFormat(config: JsonObject): ResponseFormat | undefined {
  const mime = config.responseMimeType;
  const schema = isJsonObject(config.responseJsonSchema)
    ? config.responseJsonSchema
    : isJsonObject(config.responseSchema)
      ? fromGeminiSchema(config.responseSchema, "generationConfig.responseSchema")
      : undefined;
  if (mime === undefined || mime === "text/plain") {
    if (schema) throw new FormatError("generationConfig.responseMimeType must be application/json when a response schema is given.", "generationConfig.responseMimeType", "invalid_field");
    return undefined;
  }
  if (mime !== "application/json") throw new FormatError(`generationConfig.responseMimeType: only application/json and text/plain can be carried to other providers.`, "generationConfig.responseMimeType");
  return schema ? { type: "json_schema", json_schema: { name: "response", schema } } : { type: "json_object" };
}

const effortByLevel: Record<string, ReasoningEffort> = { MINIMAL: "minimal", LOW: "low", MEDIUM: "medium", HIGH: "high" };

function decodeThinking(value: unknown): ChatRequest["reasoning"] {
  const field = "generationConfig.thinkingConfig";
  if (!isJsonObject(value)) throw new FormatError(`${field} must be an object.`, field, "invalid_field");
  // Gemini leaves thoughts out unless asked: say so explicitly, since other encoders default to showing them.
  const reasoning: NonNullable<ChatRequest["reasoning"]> = { include_thoughts: value.includeThoughts === true };
  const budget = value.thinkingBudget;
  if (budget !== undefined) {
    if (typeof budget !== "number" || !Number.isInteger(budget) || budget < -1) throw new FormatError(`${field}.thinkingBudget must be a whole number of tokens, or -1.`, `${field}.thinkingBudget`, "invalid_field");
    // -1 is Gemini's "as much as the model decides": no budget at all.
    if (budget >= 0) reasoning.budget_tokens = budget;
  }
  if (value.thinkingLevel !== undefined) {
    const effort = typeof value.thinkingLevel === "string" ? effortByLevel[value.thinkingLevel] : undefined;
    if (!effort) throw new FormatError(`${field}.thinkingLevel: only MINIMAL, LOW, MEDIUM and HIGH can be carried to other providers.`, `${field}.thinkingLevel`);
    reasoning.effort = effort;
  }
  return reasoning;
}
