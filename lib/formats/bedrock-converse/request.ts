import { ANTHROPIC_DEFAULT_MAX_TOKENS, ANTHROPIC_THINKING_BUDGETS } from "@/lib/formats/anthropic-messages";
import type { ChatMessage, ChatRequest, ChatTool, ReasoningBlock, TextPart, ToolCall, ToolChoice, UserContentPart } from "@/lib/formats/canonical";
import { FormatError, type EncodedRequest, type RequestHints } from "@/lib/formats/codec";
import { isJsonObject, parseJsonObject, type JsonObject } from "@/lib/formats/json";

/**
 * Bedrock's Converse API (ConverseRequest, as `@aws-sdk/client-bedrock-runtime` sends it) ⇄ canonical.
 *
 * Choices worth knowing:
 * - The model and streaming live in the URL: `encodeRequest` returns `model/{modelId}/converse` or
 *   `…/converse-stream`, the model id URL-encoded (ids hold dots and colons:
 *   `anthropic.claude-sonnet-4-5-20250929-v1:0`, `us.amazon.nova-pro-v1:0`); decoding takes them
 *   from the hints the gateway read in the path.
 * - System and developer messages become `system` text blocks; consecutive turns of one role are
 *   merged (Converse wants user and assistant to alternate), tool results being user turns.
 * - Images: a base64 data URL → `image {format, source {bytes}}` (png, jpeg, gif or webp). Converse
 *   takes no URLs: the gateway fetches http(s) images before encoding, as for Gemini.
 * - Tools: `toolConfig.tools[].toolSpec {name, description, inputSchema {json}}`; `tool_choice`
 *   auto → `{auto}`, required → `{any}`, a function → `{tool {name}}`. A tool result is a
 *   `toolResult` block: a JSON object result as `{json}`, anything else as `{text}`.
 * - Prompt caching: a `cache_control` hint on a system text, a message part or a tool becomes a
 *   `cachePoint` block after it (Converse's way, for the models that cache).
 * - Reasoning: `reasoningContent {reasoningText {text, signature} | redactedContent}` blocks travel
 *   back on assistant turns. Asking for reasoning is model-specific (`additionalModelRequestFields`):
 *   Anthropic models take `thinking {type: enabled, budget_tokens}` (effort mapped as for Anthropic;
 *   without `max_tokens`, maxTokens is the budget plus Anthropic's default answer length), and
 *   `top_k` goes there too; for other models both are refused, as Bedrock documents no common field.
 * - `response_format` json_schema → `outputConfig.textFormat` (the schema as JSON text).
 * - Ignored as harmless: `user` and a user message's `name`, an image's `detail`, a tool's
 *   `strict`, `stream_options` (Bedrock always reports usage).
 * - Refused with a FormatError: `n > 1`, `seed`, `presence_penalty`, `frequency_penalty`,
 *   `logprobs`/`top_logprobs`, `tool_choice: none` (Converse has no such choice; leave the tools
 *   out), `parallel_tool_calls: false`, `response_format: json_object` (Converse needs a schema);
 *   Converse fields with no canonical place (guardrails, prompt variables, documents, videos, s3
 *   locations) when decoding.
 */

const imageFormats: Readonly<Record<string, string>> = { "image/png": "png", "image/jpeg": "jpeg", "image/jpg": "jpeg", "image/gif": "gif", "image/webp": "webp" };
const mimeTypes: Readonly<Record<string, string>> = { png: "image/png", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp" };

const CACHE_POINT: JsonObject = { cachePoint: { type: "default" } };

/** Bedrock model ids: a vendor prefix, dots, dashes, colons, an optional cross-region profile, or an ARN. */
const MODEL_ID = /^[A-Za-z0-9][\w.:/-]*$/;

/** Anthropic models on Bedrock: `anthropic.…`, cross-region profiles (`us.anthropic.…`, `global.anthropic.…`) and ARNs naming either. */
export function isAnthropicModelId(model: string): boolean {
  return /(?:^|[/.:])anthropic\./.test(model);
}

export function converseModelId(model: string): string {
  if (!MODEL_ID.test(model) || model.length > 2048) throw new FormatError(`model "${model}" is not a Bedrock model id.`, "model", "invalid_field");
  return model;
}

// ───────────────────────────── canonical → Converse ─────────────────────────────

export function encodeConverseRequest(request: ChatRequest): EncodedRequest {
  const model = converseModelId(request.model);
  const path = `model/${encodeURIComponent(model)}/${request.stream ? "converse-stream" : "converse"}`;
  refuseUncarried(request);
  const system: JsonObject[] = [];
  const messages: JsonObject[] = [];
  const push = (role: "user" | "assistant", content: JsonObject[]) => {
    if (content.length === 0) return;
    const last = messages.at(-1);
    if (last?.role === role) (last.content as JsonObject[]).push(...content);
    else messages.push({ role, content });
  };

  request.messages.forEach((message, index) => {
    const field = `messages[${index}]`;
    switch (message.role) {
      case "system":
      case "developer":
        system.push(...textBlocks(message.content));
        break;
      case "user":
        push("user", userBlocks(message.content, `${field}.content`));
        break;
      case "assistant":
        push("assistant", assistantBlocks(message, field));
        break;
      case "tool":
        push("user", [toolResultBlock(message)]);
        break;
    }
  });
  if (messages.length === 0) throw new FormatError("messages needs at least one user or assistant message for Bedrock.", "messages", "invalid_field");

  const body: JsonObject = { messages };
  if (system.length > 0) body.system = system;
  const inference: JsonObject = {};
  if (request.max_tokens !== undefined) inference.maxTokens = request.max_tokens;
  if (request.temperature !== undefined) inference.temperature = request.temperature;
  if (request.top_p !== undefined) inference.topP = request.top_p;
  if (request.stop && request.stop.length > 0) inference.stopSequences = request.stop;
  if (Object.keys(inference).length > 0) body.inferenceConfig = inference;

  if (request.tools && request.tools.length > 0) {
    const tools = request.tools.flatMap(toolSpec);
    const toolConfig: JsonObject = { tools };
    if (request.tool_choice !== undefined && request.tool_choice !== "auto") toolConfig.toolChoice = toolChoiceOf(request.tool_choice);
    body.toolConfig = toolConfig;
  } else if (request.tool_choice === "required" || typeof request.tool_choice === "object") {
    throw new FormatError("tool_choice asks for a tool call but no tools were given.", "tool_choice", "invalid_field");
  } else if (request.messages.some((m) => (m.role === "assistant" && m.tool_calls?.length) || m.role === "tool")) {
    // Bedrock refuses toolUse and toolResult blocks without a toolConfig.
    throw new FormatError("tools: Bedrock needs the tool definitions when the conversation holds tool calls; send them with the request.", "tools", "invalid_field");
  }

  const additional = additionalFields(request, model);
  if (Object.keys(additional).length > 0) body.additionalModelRequestFields = additional;
  const thinking = additional.thinking as { budget_tokens: number } | undefined;
  // Claude wants room to answer beyond its thinking budget, and Bedrock's default may be less.
  if (thinking && inference.maxTokens === undefined) body.inferenceConfig = { ...inference, maxTokens: thinking.budget_tokens + ANTHROPIC_DEFAULT_MAX_TOKENS };
  const format = request.response_format;
  if (format?.type === "json_schema") {
    const jsonSchema: JsonObject = { schema: JSON.stringify(format.json_schema.schema ?? { type: "object" }), name: format.json_schema.name };
    if (format.json_schema.description !== undefined) jsonSchema.description = format.json_schema.description;
    body.outputConfig = { textFormat: { type: "json_schema", structure: { jsonSchema } } };
  }
  return { body, path };
}

function refuseUncarried(request: ChatRequest): void {
  const refuse = (field: string, why: string) => {
    throw new FormatError(`${field} ${why}`, field);
  };
  if (request.n !== undefined && request.n > 1) refuse("n", "> 1 is not supported by Bedrock Converse: one choice per request; send several requests.");
  if (request.seed !== undefined) refuse("seed", "has no place in Bedrock's Converse API; leave it out.");
  if (request.presence_penalty !== undefined) refuse("presence_penalty", "has no place in Bedrock's Converse API; leave it out.");
  if (request.frequency_penalty !== undefined) refuse("frequency_penalty", "has no place in Bedrock's Converse API; leave it out.");
  if (request.logprobs) refuse("logprobs", "cannot be asked of Bedrock's Converse API.");
  if (request.top_logprobs !== undefined) refuse("top_logprobs", "cannot be asked of Bedrock's Converse API.");
  if (request.parallel_tool_calls === false) refuse("parallel_tool_calls", "false cannot be expressed to Bedrock's Converse API, where the model decides how many calls to make; leave it out.");
  if (request.response_format?.type === "json_object") refuse("response_format", "json_object needs a schema on Bedrock: send a json_schema response format instead.");
}

/** What Converse takes only in the model's own fields: Anthropic's `thinking` and `top_k`. */
function additionalFields(request: ChatRequest, model: string): JsonObject {
  const fields: JsonObject = {};
  const anthropic = isAnthropicModelId(model);
  if (request.top_k !== undefined) {
    if (!anthropic) throw new FormatError("top_k can be given to Anthropic models on Bedrock only; leave it out for this model.", "top_k");
    fields.top_k = request.top_k;
  }
  if (request.reasoning) {
    if (!anthropic) throw new FormatError("reasoning can be asked of Anthropic models on Bedrock only through the gateway; leave it out for this model.", "reasoning");
    const { effort, budget_tokens } = request.reasoning;
    const budget = budget_tokens ?? (effort === undefined ? undefined : ANTHROPIC_THINKING_BUDGETS[effort]);
    if (budget !== undefined && budget > 0) fields.thinking = { type: "enabled", budget_tokens: budget };
  }
  return fields;
}

function textBlocks(content: string | TextPart[]): JsonObject[] {
  if (typeof content === "string") return content === "" ? [] : [{ text: content }];
  return content.flatMap((part) => withCachePoint({ text: part.text }, part.cache_control !== undefined));
}

function withCachePoint(block: JsonObject, cached: boolean): JsonObject[] {
  return cached ? [block, CACHE_POINT] : [block];
}

function userBlocks(content: string | UserContentPart[], field: string): JsonObject[] {
  if (typeof content === "string") return [{ text: content }];
  return content.flatMap((part, index) =>
    withCachePoint(part.type === "text" ? { text: part.text } : imageBlock(part.image_url.url, `${field}[${index}].image_url.url`), part.cache_control !== undefined),
  );
}

function imageBlock(url: string, field: string): JsonObject {
  const data = /^data:([^;,]+)((?:;[^;,]*)*),(.*)$/s.exec(url);
  if (!data) throw new FormatError(`${field}: Bedrock takes images as bytes; send a base64 data: URL.`, field, "invalid_field");
  if (!data[2]!.split(";").includes("base64")) throw new FormatError(`${field}: a data URL must be base64-encoded for Bedrock.`, field, "invalid_field");
  const format = imageFormats[data[1]!.toLowerCase()];
  if (format === undefined) throw new FormatError(`${field}: Bedrock takes png, jpeg, gif and webp images, not ${data[1]}.`, field);
  return { image: { format, source: { bytes: data[3] } } };
}

function assistantBlocks(message: Extract<ChatMessage, { role: "assistant" }>, field: string): JsonObject[] {
  const blocks: JsonObject[] = (message.reasoning ?? []).map(reasoningBlock);
  const text = message.content === null ? "" : typeof message.content === "string" ? message.content : message.content.map((part) => part.text).join("");
  const said = [text, message.refusal ?? ""].filter((piece) => piece !== "").join("\n");
  if (said !== "") blocks.push({ text: said });
  (message.tool_calls ?? []).forEach((call, index) => blocks.push(toolUseBlock(call, `${field}.tool_calls[${index}].function.arguments`)));
  return blocks;
}

function reasoningBlock(block: ReasoningBlock): JsonObject {
  if (block.type === "redacted") return { reasoningContent: { redactedContent: block.data } };
  const reasoningText: JsonObject = { text: block.text };
  if (block.signature !== undefined) reasoningText.signature = block.signature;
  return { reasoningContent: { reasoningText } };
}

function toolUseBlock(call: ToolCall, field: string): JsonObject {
  const input = call.function.arguments.trim() === "" ? {} : parseJsonObject(call.function.arguments);
  if (input === undefined) throw new FormatError(`${field} must be a JSON object: Bedrock takes a tool call's input as an object.`, field, "invalid_field");
  return { toolUse: { toolUseId: call.id, name: call.function.name, input } };
}

function toolResultBlock(message: Extract<ChatMessage, { role: "tool" }>): JsonObject {
  const text = typeof message.content === "string" ? message.content : message.content.map((part) => part.text).join("");
  const json = parseJsonObject(text);
  return { toolResult: { toolUseId: message.tool_call_id, content: [json === undefined ? { text } : { json }], status: "success" } };
}

function toolSpec(tool: ChatTool): JsonObject[] {
  const spec: JsonObject = { name: tool.function.name, inputSchema: { json: tool.function.parameters ?? { type: "object", properties: {} } } };
  if (tool.function.description !== undefined) spec.description = tool.function.description;
  return withCachePoint({ toolSpec: spec }, tool.cache_control !== undefined);
}

function toolChoiceOf(choice: ToolChoice): JsonObject {
  if (choice === "none") {
    throw new FormatError('tool_choice "none" has no Converse equivalent; leave the tool choice out (or the tools, if none may be called).', "tool_choice");
  }
  if (choice === "auto") return { auto: {} };
  if (choice === "required") return { any: {} };
  return { tool: { name: choice.function.name } };
}

// ───────────────────────────── Converse → canonical ─────────────────────────────

const requestKeys = new Set(["modelId", "messages", "system", "inferenceConfig", "toolConfig", "additionalModelRequestFields", "outputConfig"]);

/**
 * A client's Converse body (passthrough reads it to estimate a cut stream's prompt). Fields without
 * a canonical place are refused, naming them.
 */
export function decodeConverseRequest(body: JsonObject, hints: RequestHints = {}): ChatRequest {
  for (const key of Object.keys(body)) {
    if (!requestKeys.has(key)) throw new FormatError(`${key} is not a Converse field the gateway can carry to another provider.`, key);
  }
  const model = hints.model ?? (typeof body.modelId === "string" ? body.modelId : "");
  if (model === "") throw new FormatError("The model belongs in the path: model/{modelId}/converse.", "model", "invalid_field");
  const messages: ChatMessage[] = [];
  if (body.system !== undefined) messages.push({ role: "system", content: systemText(body.system) });
  if (!Array.isArray(body.messages)) throw new FormatError("messages must be a list.", "messages", "invalid_field");
  body.messages.forEach((message: unknown, index) => messages.push(...decodeMessage(message, `messages[${index}]`)));
  const request: ChatRequest = { model, messages, stream: hints.stream ?? false };
  if (body.inferenceConfig !== undefined) decodeInference(body.inferenceConfig, request);
  if (body.toolConfig !== undefined) decodeToolConfig(body.toolConfig, request);
  if (body.additionalModelRequestFields !== undefined) decodeAdditional(body.additionalModelRequestFields, request);
  if (body.outputConfig !== undefined) decodeOutputConfig(body.outputConfig, request);
  return request;
}

function invalid(field: string, what: string): FormatError {
  return new FormatError(`${field} ${what}`, field, "invalid_field");
}

function list(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(field, "must be a list.");
  return value;
}

function object(value: unknown, field: string): JsonObject {
  if (!isJsonObject(value)) throw invalid(field, "must be an object.");
  return value;
}

function string(value: unknown, field: string): string {
  if (typeof value !== "string") throw invalid(field, "must be a string.");
  return value;
}

function systemText(value: unknown): TextPart[] {
  const parts: TextPart[] = [];
  list(value, "system").forEach((block, index) => {
    const field = `system[${index}]`;
    const b = object(block, field);
    if (b.cachePoint !== undefined) {
      const last = parts.at(-1);
      if (last) last.cache_control = { type: "ephemeral" };
      return;
    }
    if (typeof b.text !== "string") throw new FormatError(`${field}: only text system blocks can be carried to another provider.`, field);
    parts.push({ type: "text", text: b.text });
  });
  return parts;
}

function decodeMessage(value: unknown, field: string): ChatMessage[] {
  const message = object(value, field);
  const content = list(message.content, `${field}.content`);
  if (message.role === "assistant") return [decodeAssistant(content, `${field}.content`)];
  if (message.role !== "user") throw invalid(`${field}.role`, 'must be "user" or "assistant".');
  const out: ChatMessage[] = [];
  let parts: UserContentPart[] = [];
  const flush = () => {
    if (parts.length === 0) return;
    const only = parts[0]!;
    out.push({ role: "user", content: parts.length === 1 && only.type === "text" && only.cache_control === undefined ? only.text : parts });
    parts = [];
  };
  content.forEach((item, index) => {
    const at = `${field}.content[${index}]`;
    const block = object(item, at);
    if (block.cachePoint !== undefined) {
      const last = parts.at(-1);
      if (last) last.cache_control = { type: "ephemeral" };
    } else if (typeof block.text === "string") {
      parts.push({ type: "text", text: block.text });
    } else if (block.image !== undefined) {
      parts.push(decodeImage(block.image, `${at}.image`));
    } else if (block.toolResult !== undefined) {
      flush();
      out.push(decodeToolResult(block.toolResult, `${at}.toolResult`));
    } else {
      throw new FormatError(`${at}: only text, images and tool results can be carried from a user turn.`, at);
    }
  });
  flush();
  return out;
}

function decodeImage(value: unknown, field: string): UserContentPart {
  const image = object(value, field);
  const format = string(image.format, `${field}.format`);
  const mime = mimeTypes[format];
  if (mime === undefined) throw invalid(`${field}.format`, "must be png, jpeg, gif or webp.");
  const source = object(image.source, `${field}.source`);
  if (typeof source.bytes !== "string") throw new FormatError(`${field}.source: only inline bytes can be carried to another provider, not an S3 location.`, `${field}.source`);
  return { type: "image_url", image_url: { url: `data:${mime};base64,${source.bytes}` } };
}

function decodeToolResult(value: unknown, field: string): ChatMessage {
  const result = object(value, field);
  const id = string(result.toolUseId, `${field}.toolUseId`);
  const texts = list(result.content, `${field}.content`).map((item, index) => {
    const at = `${field}.content[${index}]`;
    const block = object(item, at);
    if (typeof block.text === "string") return block.text;
    if (block.json !== undefined) return JSON.stringify(block.json);
    throw new FormatError(`${at}: only text and JSON tool results can be carried to another provider.`, at);
  });
  return { role: "tool", tool_call_id: id, content: texts.join("") };
}

function decodeAssistant(content: unknown[], field: string): ChatMessage {
  let text = "";
  const calls: ToolCall[] = [];
  const reasoning: ReasoningBlock[] = [];
  content.forEach((item, index) => {
    const at = `${field}[${index}]`;
    const block = object(item, at);
    if (typeof block.text === "string") text += block.text;
    else if (block.toolUse !== undefined) calls.push(decodeToolUse(block.toolUse, `${at}.toolUse`));
    else if (block.reasoningContent !== undefined) reasoning.push(decodeReasoning(block.reasoningContent, `${at}.reasoningContent`));
    else if (block.cachePoint === undefined) throw new FormatError(`${at}: only text, tool use and reasoning can be carried in an assistant turn.`, at);
  });
  return {
    role: "assistant",
    content: text === "" && calls.length > 0 ? null : text,
    ...(calls.length > 0 ? { tool_calls: calls } : {}),
    ...(reasoning.length > 0 ? { reasoning } : {}),
  };
}

export function decodeToolUse(value: unknown, field: string): ToolCall {
  const use = object(value, field);
  return {
    id: string(use.toolUseId, `${field}.toolUseId`),
    type: "function",
    function: { name: string(use.name, `${field}.name`), arguments: JSON.stringify(use.input ?? {}) },
  };
}

export function decodeReasoning(value: unknown, field: string): ReasoningBlock {
  const content = object(value, field);
  if (typeof content.redactedContent === "string") return { type: "redacted", data: content.redactedContent };
  const reasoning = object(content.reasoningText, `${field}.reasoningText`);
  const signature = reasoning.signature === undefined ? undefined : string(reasoning.signature, `${field}.reasoningText.signature`);
  return { type: "thinking", text: string(reasoning.text, `${field}.reasoningText.text`), ...(signature === undefined ? {} : { signature }) };
}

function finite(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw invalid(field, "must be a number.");
  return value;
}

function decodeInference(value: unknown, request: ChatRequest): void {
  const config = object(value, "inferenceConfig");
  for (const key of Object.keys(config)) {
    const field = `inferenceConfig.${key}`;
    if (key === "maxTokens") request.max_tokens = finite(config.maxTokens, field);
    else if (key === "temperature") request.temperature = finite(config.temperature, field);
    else if (key === "topP") request.top_p = finite(config.topP, field);
    else if (key === "stopSequences") request.stop = list(config.stopSequences, field).map((stop, index) => string(stop, `${field}[${index}]`));
    else throw new FormatError(`${field} is not an inferenceConfig field.`, field);
  }
}

function decodeToolConfig(value: unknown, request: ChatRequest): void {
  const config = object(value, "toolConfig");
  const tools: ChatTool[] = [];
  list(config.tools, "toolConfig.tools").forEach((item, index) => {
    const field = `toolConfig.tools[${index}]`;
    const tool = object(item, field);
    if (tool.cachePoint !== undefined) {
      const last = tools.at(-1);
      if (last) last.cache_control = { type: "ephemeral" };
      return;
    }
    if (tool.toolSpec === undefined) throw new FormatError(`${field}: only toolSpec tools can be carried to another provider.`, field);
    const spec = object(tool.toolSpec, `${field}.toolSpec`);
    const schema = object(spec.inputSchema, `${field}.toolSpec.inputSchema`);
    const fn: ChatTool["function"] = { name: string(spec.name, `${field}.toolSpec.name`), parameters: object(schema.json, `${field}.toolSpec.inputSchema.json`) };
    if (spec.description !== undefined) fn.description = string(spec.description, `${field}.toolSpec.description`);
    tools.push({ type: "function", function: fn });
  });
  request.tools = tools;
  if (config.toolChoice === undefined) return;
  const choice = object(config.toolChoice, "toolConfig.toolChoice");
  if (choice.auto !== undefined) request.tool_choice = "auto";
  else if (choice.any !== undefined) request.tool_choice = "required";
  else if (choice.tool !== undefined) request.tool_choice = { type: "function", function: { name: string(object(choice.tool, "toolConfig.toolChoice.tool").name, "toolConfig.toolChoice.tool.name") } };
  else throw invalid("toolConfig.toolChoice", "must be auto, any or tool.");
}

function decodeAdditional(value: unknown, request: ChatRequest): void {
  const fields = object(value, "additionalModelRequestFields");
  for (const key of Object.keys(fields)) {
    const field = `additionalModelRequestFields.${key}`;
    if (key === "top_k") request.top_k = finite(fields.top_k, field);
    else if (key === "thinking") {
      const thinking = object(fields.thinking, field);
      if (thinking.type === "enabled") request.reasoning = { budget_tokens: finite(thinking.budget_tokens, `${field}.budget_tokens`) };
    } else throw new FormatError(`${field} is specific to the model and cannot be carried to another provider.`, field);
  }
}

function decodeOutputConfig(value: unknown, request: ChatRequest): void {
  const config = object(value, "outputConfig");
  if (config.textFormat === undefined) return;
  const format = object(config.textFormat, "outputConfig.textFormat");
  const structure = object(format.structure, "outputConfig.textFormat.structure");
  const jsonSchema = object(structure.jsonSchema, "outputConfig.textFormat.structure.jsonSchema");
  const schema = parseJsonObject(string(jsonSchema.schema, "outputConfig.textFormat.structure.jsonSchema.schema"));
  if (!schema) throw invalid("outputConfig.textFormat.structure.jsonSchema.schema", "must be a JSON schema object as text.");
  const name = typeof jsonSchema.name === "string" ? jsonSchema.name : "response";
  request.response_format = { type: "json_schema", json_schema: { name, schema, ...(typeof jsonSchema.description === "string" ? { description: jsonSchema.description } : {}) } };
}
