/**
 * A fake Amazon Bedrock runtime (and its Mantle endpoint's Anthropic Messages API) over real HTTP,
 * closely enough for `@aws-sdk/client-bedrock-runtime` pointed at `origin`.
 *
 * Serves:
 * - `POST /model/{modelId}/converse` (ConverseResponse JSON) and `…/converse-stream` (a binary
 *   `application/vnd.amazon.eventstream` of messageStart, contentBlockStart/Delta/Stop, messageStop
 *   and metadata frames, encoded with @smithy/eventstream-codec; each payload padded with `p` as
 *   Bedrock's are);
 * - `POST /model/{anthropic model}/invoke` (an Anthropic Messages answer; the body must carry
 *   `anthropic_version: "bedrock-2023-05-31"` and no `model`) and `…/invoke-with-response-stream`
 *   (Anthropic's stream events, each base64 in a `chunk` frame's `{bytes}`);
 * - `POST /anthropic/v1/messages` (Mantle: Anthropic Messages, JSON or SSE with `stream: true`).
 *
 * Authentication, checked on every request: a SigV4 `Authorization` header is VERIFIED with the
 * `aws4` package (not the gateway's signer) against this server's own host, the path and query as
 * received, the headers the signature lists and the body; the secret comes from `credentials` by
 * access key id. Service `bedrock` (`bedrock-mantle` for Mantle), a fresh `x-amz-date`, a session
 * token when the credentials have one, and `x-amz-content-sha256` (when sent) matching the body.
 * Unknown key id → 403 `UnrecognizedClientException`; a signature that does not match → 403
 * `InvalidSignatureException`; nothing → 403 `MissingAuthenticationTokenException`. A Bedrock API
 * key (`Authorization: Bearer …`, or `x-api-key` on Mantle) from `apiKeys` is taken as well. Every
 * error carries `x-amzn-errortype` and a `{"message"}` body, as Bedrock's do.
 *
 * Requests are validated like Bedrock does where a translating gateway could go wrong: unknown
 * top-level fields, roles, turns that do not alternate or do not start with the user, empty
 * content, toolUse/toolResult blocks without a toolConfig, a toolResult answering no toolUse of the
 * turn before (ValidationException 400).
 *
 * What it answers: `content` (streamed a word per delta), cut at `maxTokens` words
 * (`max_tokens`) or before a stop sequence; with a toolConfig and no toolResult in the last user
 * turn, a toolUse per tool (or only the one `toolChoice.tool` names) with arguments for every
 * property of its schema (`stopReason: tool_use`); with `additionalModelRequestFields.thinking`
 * enabled, a reasoningContent block first (text, then its signature). `usage` gives inputTokens,
 * outputTokens and the cache read/write counts (totalTokens is all four).
 *
 * Modes, by the `x-fake-mode` header or the model id:
 *
 * | mode                  | behaviour                                                                 |
 * | --------------------- | ------------------------------------------------------------------------- |
 * | `fake-error-<status>` | answers `<status>` with its exception (429 ThrottlingException, 400, 500…) |
 * | `fake-exception`      | streams the message start and a text delta, then a `modelStreamErrorException` frame |
 * | `fake-reset-<n>`      | streams `<n>` frames, half of the next, then a TCP reset                  |
 */
import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { EventStreamCodec, type MessageHeaders } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import aws4 from "aws4";
import { isJsonObject } from "@/lib/formats/json";
import { argumentsFor, sendJson, startFakeServer, words, type RecordedRequest } from "./http";

export interface FakeBedrockRequest extends RecordedRequest {
  /** The model id from the path (decoded), and the method (`converse`, `converse-stream`, `invoke`, …, or `messages` on Mantle). */
  model: string;
  action: string;
  /** How the request authenticated: the access key id it was signed with, or `api-key`. */
  signedBy: string | undefined;
}

export interface FakeBedrockUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheWriteInputTokens: number;
}

export interface FakeBedrockCredentials {
  secretAccessKey: string;
  sessionToken?: string;
}

export interface FakeBedrock {
  /** `http://127.0.0.1:{port}`, the equivalent of `https://bedrock-runtime.{region}.amazonaws.com`. */
  origin: string;
  requests: FakeBedrockRequest[];
  /** Access key id → its secret (and session token): the credentials the fake recognizes. */
  credentials: Map<string, FakeBedrockCredentials>;
  /** Bedrock API keys it takes as bearer tokens. */
  apiKeys: Set<string>;
  usage: FakeBedrockUsage;
  content: string;
  thinking: string;
  waitForRequest(predicate?: (r: FakeBedrockRequest) => boolean): Promise<FakeBedrockRequest>;
  close(): Promise<void>;
}

export const FAKE_BEDROCK_KEY = { accessKeyId: "AKIAFAKEBEDROCK00001", secretAccessKey: "fake/bedrock+secret/key/0000000000000000", region: "us-east-1" };
export const FAKE_BEDROCK_USAGE: FakeBedrockUsage = { inputTokens: 18, outputTokens: 9, cacheReadInputTokens: 40, cacheWriteInputTokens: 12 };
export const FAKE_BEDROCK_CONTENT = "Hello from the fake Bedrock, streamed word by word.";
export const FAKE_BEDROCK_THINKING = "A greeting; a short one back.";

const MODES = /^fake-(error-\d{3}|exception|reset-\d+)$/;
const RUNTIME_ROUTE = /^\/model\/([^/]+)\/(converse|converse-stream|invoke|invoke-with-response-stream)$/;
const MANTLE_ROUTE = /^\/anthropic\/v1\/messages$/;
const CONVERSE_FIELDS = new Set([
  "messages", "system", "inferenceConfig", "toolConfig", "guardrailConfig", "additionalModelRequestFields", "promptVariables",
  "additionalModelResponseFieldPaths", "requestMetadata", "performanceConfig", "outputConfig", "serviceTier",
]);
const EXCEPTIONS: Record<number, string> = {
  400: "ValidationException",
  403: "AccessDeniedException",
  404: "ResourceNotFoundException",
  424: "ModelErrorException",
  429: "ThrottlingException",
  500: "InternalServerException",
  503: "ServiceUnavailableException",
};
/** How far a request's x-amz-date may be from the fake's clock, as AWS allows. */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

type Block = Record<string, unknown>;

/** What one answer holds, whichever way it is written out. */
interface Answer {
  reasoning?: { text: string; signature: string };
  text?: string;
  toolUses: { toolUseId: string; name: string; input: Record<string, unknown> }[];
  stopReason: string;
  usage: FakeBedrockUsage;
}

export async function startFakeBedrock(): Promise<FakeBedrock> {
  const codec = new EventStreamCodec(toUtf8, fromUtf8);
  let origin = "";
  const server = await startFakeServer<FakeBedrockRequest>(
    (base) => {
      const runtime = RUNTIME_ROUTE.exec(base.path);
      const model = runtime ? decodeURIComponent(runtime[1]!) : MANTLE_ROUTE.test(base.path) && typeof base.body?.model === "string" ? base.body.model : "";
      const action = runtime ? runtime[2]! : MANTLE_ROUTE.test(base.path) ? "messages" : "";
      const header = base.headers["x-fake-mode"];
      const mode = typeof header === "string" && MODES.test(header) ? header : MODES.test(model) ? model : "";
      return { ...base, model, action, mode, signedBy: undefined };
    },
    (request, res) => handle(request, res),
  );
  origin = server.origin;

  const fake: FakeBedrock = {
    origin: server.origin,
    requests: server.requests,
    credentials: new Map([[FAKE_BEDROCK_KEY.accessKeyId, { secretAccessKey: FAKE_BEDROCK_KEY.secretAccessKey }]]),
    apiKeys: new Set(),
    usage: { ...FAKE_BEDROCK_USAGE },
    content: FAKE_BEDROCK_CONTENT,
    thinking: FAKE_BEDROCK_THINKING,
    waitForRequest: server.waitForRequest,
    close: server.close,
  };

  async function handle(request: FakeBedrockRequest, res: ServerResponse) {
    try {
      request.signedBy = authenticate(request);
      if (request.method !== "POST" || request.action === "") throw new Refusal(404, "UnknownOperationException", `No operation at ${request.path}.`);
      const status = /^fake-error-(\d{3})$/.exec(request.mode)?.[1];
      if (status) throw new Refusal(Number(status), EXCEPTIONS[Number(status)] ?? "InternalServerException", fakeErrorMessage(Number(status)));
      if (!request.body) throw new Refusal(400, "SerializationException", "The request body is not a JSON object.");
      switch (request.action) {
        case "converse":
          return sendJson(res, 200, converseJson(answerConverse(request.body)));
        case "converse-stream":
          return await streamConverse(res, answerConverse(request.body), request.mode);
        case "invoke":
        case "invoke-with-response-stream": {
          if (!/(?:^|\.)anthropic\./.test(request.model)) throw new Refusal(400, "ValidationException", "This fake answers invoke for anthropic.* models only.");
          if (request.body.anthropic_version !== "bedrock-2023-05-31") throw new Refusal(400, "ValidationException", "anthropic_version: must be bedrock-2023-05-31.");
          if (request.body.model !== undefined) throw new Refusal(400, "ValidationException", "extraneous key [model] is not permitted");
          const answer = answerAnthropic(request.body);
          if (request.action === "invoke") return sendJson(res, 200, anthropicMessage(answer, request.model));
          return await streamInvoke(res, answer, request.model, request.mode);
        }
        case "messages": {
          const answer = answerAnthropic(request.body);
          if (request.body.stream !== true) return sendJson(res, 200, anthropicMessage(answer, request.model));
          res.writeHead(200, { "content-type": "text/event-stream" });
          for (const event of anthropicEvents(answer, request.model)) res.write(`event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`);
          res.end();
          return;
        }
      }
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      sendJson(res, error.status, { message: error.message }, { "x-amzn-errortype": `${error.type}:http://internal.amazon.com/coral/com.amazon.bedrock/`, "x-amzn-requestid": "fake-request-id" });
    }
  }

  /** Who the request is from, or the Refusal Bedrock would answer. */
  function authenticate(request: FakeBedrockRequest): string {
    const authorization = typeof request.headers.authorization === "string" ? request.headers.authorization : undefined;
    const mantle = request.action === "messages";
    const apiKey = authorization?.match(/^Bearer (.+)$/)?.[1] ?? (mantle && typeof request.headers["x-api-key"] === "string" ? request.headers["x-api-key"] : undefined);
    if (apiKey !== undefined) {
      if (!fake.apiKeys.has(apiKey)) throw new Refusal(403, "UnrecognizedClientException", "Invalid API Key format: Must start with pre-defined prefix");
      return "api-key";
    }
    if (authorization === undefined) throw new Refusal(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
    const parsed = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(authorization);
    if (!parsed) throw new Refusal(403, "IncompleteSignatureException", "Authorization header requires Credential, SignedHeaders and Signature.");
    const [, keyId, , region, service, signedList] = parsed as unknown as [string, string, string, string, string, string, string];
    const known = fake.credentials.get(keyId);
    if (!known) throw new Refusal(403, "UnrecognizedClientException", "The security token included in the request is invalid.");
    const expectedService = mantle ? "bedrock-mantle" : "bedrock";
    if (service !== expectedService) throw new Refusal(403, "InvalidSignatureException", `Credential should be scoped to correct service: '${expectedService}'.`);
    const signed = signedList.split(";");
    const date = header(request, "x-amz-date");
    if (!signed.includes("host") || !signed.includes("x-amz-date") || date === undefined) {
      throw new Refusal(403, "InvalidSignatureException", "The host and x-amz-date headers must be signed.");
    }
    const when = Date.parse(date.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));
    if (!Number.isFinite(when) || Math.abs(Date.now() - when) > MAX_CLOCK_SKEW_MS) throw new Refusal(403, "InvalidSignatureException", "Signature expired or not yet current.");
    if (known.sessionToken !== undefined && header(request, "x-amz-security-token") !== known.sessionToken) {
      throw new Refusal(403, "UnrecognizedClientException", "The security token included in the request is invalid.");
    }
    const contentHash = header(request, "x-amz-content-sha256");
    if (contentHash !== undefined && contentHash !== createHash("sha256").update(request.rawBody).digest("hex")) {
      throw new Refusal(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
    // aws4 recomputes the signature from what this server received, for its own host.
    const host = new URL(origin).host;
    const headers: Record<string, string> = {};
    for (const name of signed) headers[name] = name === "host" ? host : (header(request, name) ?? "");
    const query = new URLSearchParams(request.query).toString();
    const options = {
      host,
      method: request.method,
      path: `${request.path}${query === "" ? "" : `?${query}`}`,
      headers,
      body: request.rawBody,
      service,
      region,
      extraHeadersToInclude: Object.fromEntries(signed.map((name) => [name, true])),
      extraHeadersToIgnore: { "content-length": !signed.includes("content-length"), "content-type": !signed.includes("content-type") },
    };
    aws4.sign(options, { accessKeyId: keyId, secretAccessKey: known.secretAccessKey, ...(known.sessionToken === undefined ? {} : { sessionToken: known.sessionToken }) });
    const expected = (options.headers as Record<string, string>).Authorization;
    if (expected !== authorization) {
      throw new Refusal(
        403,
        "InvalidSignatureException",
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
      );
    }
    return keyId;
  }

  function answerConverse(body: Record<string, unknown>): Answer {
    validateConverse(body);
    const messages = body.messages as Block[];
    const last = messages.at(-1)!;
    const answered = (last.content as Block[]).some((block) => block.toolResult !== undefined);
    const toolConfig = isJsonObject(body.toolConfig) ? body.toolConfig : undefined;
    const choice = isJsonObject(toolConfig?.toolChoice) && isJsonObject(toolConfig.toolChoice.tool) ? String(toolConfig.toolChoice.tool.name) : undefined;
    const specs = ((toolConfig?.tools as Block[] | undefined) ?? []).flatMap((tool) => (isJsonObject(tool.toolSpec) ? [tool.toolSpec] : []));
    const inference = isJsonObject(body.inferenceConfig) ? body.inferenceConfig : {};
    const additional = isJsonObject(body.additionalModelRequestFields) ? body.additionalModelRequestFields : {};
    const thinking = isJsonObject(additional.thinking) && additional.thinking.type === "enabled";
    return compose({
      tools: answered ? [] : specs.filter((spec) => choice === undefined || spec.name === choice).map((spec) => ({ name: String(spec.name), schema: isJsonObject(spec.inputSchema) ? spec.inputSchema.json : undefined })),
      maxTokens: typeof inference.maxTokens === "number" ? inference.maxTokens : undefined,
      stop: Array.isArray(inference.stopSequences) ? inference.stopSequences.map(String) : [],
      thinking,
    });
  }

  function answerAnthropic(body: Record<string, unknown>): Answer {
    if (!Array.isArray(body.messages) || body.messages.length === 0) throw new Refusal(400, "ValidationException", "messages: at least one message is required");
    const last = body.messages.at(-1) as Block;
    const answered = Array.isArray(last.content) && (last.content as Block[]).some((block) => block.type === "tool_result");
    const tools = Array.isArray(body.tools) ? (body.tools as Block[]) : [];
    const thinking = isJsonObject(body.thinking) && body.thinking.type === "enabled";
    return compose({
      tools: answered ? [] : tools.map((tool) => ({ name: String(tool.name), schema: tool.input_schema })),
      maxTokens: typeof body.max_tokens === "number" ? body.max_tokens : undefined,
      stop: Array.isArray(body.stop_sequences) ? body.stop_sequences.map(String) : [],
      thinking,
    });
  }

  function compose(ask: { tools: { name: string; schema: unknown }[]; maxTokens: number | undefined; stop: string[]; thinking: boolean }): Answer {
    const answer: Answer = { toolUses: [], stopReason: "end_turn", usage: { ...fake.usage } };
    if (ask.thinking) answer.reasoning = { text: fake.thinking, signature: createHash("sha256").update(fake.thinking).digest("base64") };
    if (ask.tools.length > 0) {
      answer.toolUses = ask.tools.map((tool, index) => ({ toolUseId: `tooluse_fake${index}`, name: tool.name, input: argumentsFor(tool.schema) }));
      answer.stopReason = "tool_use";
      return answer;
    }
    let text = fake.content;
    const stop = ask.stop.map((s) => text.indexOf(s)).filter((at) => at >= 0);
    if (stop.length > 0) {
      text = text.slice(0, Math.min(...stop));
      answer.stopReason = "stop_sequence";
    }
    const pieces = words(text);
    if (ask.maxTokens !== undefined && pieces.length > ask.maxTokens) {
      text = pieces.slice(0, ask.maxTokens).join("");
      answer.stopReason = "max_tokens";
    }
    answer.text = text;
    return answer;
  }

  function converseContent(answer: Answer): Block[] {
    const content: Block[] = [];
    if (answer.reasoning) content.push({ reasoningContent: { reasoningText: { text: answer.reasoning.text, signature: answer.reasoning.signature } } });
    if (answer.text !== undefined) content.push({ text: answer.text });
    for (const use of answer.toolUses) content.push({ toolUse: use });
    return content;
  }

  function converseJson(answer: Answer): Block {
    return { output: { message: { role: "assistant", content: converseContent(answer) } }, stopReason: answer.stopReason, usage: usageOf(answer.usage), metrics: { latencyMs: 42 } };
  }

  /** A frame, its payload padded with `p` as Bedrock pads them (so sizes say nothing of content). */
  function frame(type: string, payload: Block): Uint8Array {
    const headers: MessageHeaders = {
      ":event-type": { type: "string", value: type },
      ":content-type": { type: "string", value: "application/json" },
      ":message-type": { type: "string", value: "event" },
    };
    return codec.encode({ headers, body: fromUtf8(JSON.stringify({ ...payload, p: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ".slice(0, 1 + (JSON.stringify(payload).length % 30)) })) });
  }

  function exceptionFrame(type: string, message: string): Uint8Array {
    const headers: MessageHeaders = {
      ":exception-type": { type: "string", value: type },
      ":content-type": { type: "string", value: "application/json" },
      ":message-type": { type: "string", value: "exception" },
    };
    return codec.encode({ headers, body: fromUtf8(JSON.stringify({ message })) });
  }

  function converseFrames(answer: Answer): Uint8Array[] {
    const frames = [frame("messageStart", { role: "assistant" })];
    let index = 0;
    if (answer.reasoning) {
      frames.push(frame("contentBlockDelta", { contentBlockIndex: index, delta: { reasoningContent: { text: answer.reasoning.text } } }));
      frames.push(frame("contentBlockDelta", { contentBlockIndex: index, delta: { reasoningContent: { signature: answer.reasoning.signature } } }));
      frames.push(frame("contentBlockStop", { contentBlockIndex: index++ }));
    }
    if (answer.text !== undefined) {
      for (const word of words(answer.text)) frames.push(frame("contentBlockDelta", { contentBlockIndex: index, delta: { text: word } }));
      frames.push(frame("contentBlockStop", { contentBlockIndex: index++ }));
    }
    for (const use of answer.toolUses) {
      frames.push(frame("contentBlockStart", { contentBlockIndex: index, start: { toolUse: { toolUseId: use.toolUseId, name: use.name } } }));
      const input = JSON.stringify(use.input);
      const half = Math.ceil(input.length / 2);
      for (const piece of [input.slice(0, half), input.slice(half)]) frames.push(frame("contentBlockDelta", { contentBlockIndex: index, delta: { toolUse: { input: piece } } }));
      frames.push(frame("contentBlockStop", { contentBlockIndex: index++ }));
    }
    frames.push(frame("messageStop", { stopReason: answer.stopReason }));
    frames.push(frame("metadata", { usage: usageOf(answer.usage), metrics: { latencyMs: 42 } }));
    return frames;
  }

  async function streamConverse(res: ServerResponse, answer: Answer, mode: string) {
    let frames = converseFrames(answer);
    if (mode === "fake-exception") frames = [...frames.slice(0, 2), exceptionFrame("modelStreamErrorException", "The model stream failed mid-way (fake).")];
    await writeFrames(res, frames, mode);
  }

  async function streamInvoke(res: ServerResponse, answer: Answer, model: string, mode: string) {
    const chunks = anthropicEvents(answer, model).map((event) => {
      const headers: MessageHeaders = {
        ":event-type": { type: "string", value: "chunk" },
        ":content-type": { type: "string", value: "application/json" },
        ":message-type": { type: "string", value: "event" },
      };
      // Bedrock adds the invocation metrics to the last event of an Anthropic stream.
      const inner = event.type === "message_stop" ? { ...event, "amazon-bedrock-invocationMetrics": { inputTokenCount: answer.usage.inputTokens, outputTokenCount: answer.usage.outputTokens } } : event;
      return codec.encode({ headers, body: fromUtf8(JSON.stringify({ bytes: Buffer.from(JSON.stringify(inner)).toString("base64"), p: "abc" })) });
    });
    await writeFrames(res, chunks, mode);
  }

  async function writeFrames(res: ServerResponse, frames: Uint8Array[], mode: string) {
    res.writeHead(200, { "content-type": "application/vnd.amazon.eventstream", "x-amzn-requestid": "fake-request-id" });
    const reset = /^fake-reset-(\d+)$/.exec(mode);
    const cut = reset ? Number(reset[1]) : undefined;
    for (const [index, bytes] of frames.entries()) {
      if (cut !== undefined && index === cut) {
        await new Promise<void>((resolve) => res.write(bytes.subarray(0, bytes.byteLength >> 1), () => resolve()));
        res.socket?.resetAndDestroy();
        return;
      }
      // Frames are written split in two, so readers must join frames cut across chunks.
      const half = bytes.byteLength >> 1;
      for (const piece of [bytes.subarray(0, half), bytes.subarray(half)]) {
        const ok = await new Promise<boolean>((resolve) => (res.destroyed ? resolve(false) : res.write(piece, (err) => resolve(!err))));
        if (!ok) return;
      }
    }
    res.end();
  }

  return fake;
}

function header(request: RecordedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === "string" ? value : Array.isArray(value) ? value.join(",") : undefined;
}

function fakeErrorMessage(status: number): string {
  if (status === 429) return "Too many requests, please wait before trying again.";
  if (status === 400) return "The provided model identifier is invalid.";
  return `The fake Bedrock failed with ${status}.`;
}

function usageOf(usage: FakeBedrockUsage): Block {
  const out: Block = { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, totalTokens: usage.inputTokens + usage.outputTokens + usage.cacheReadInputTokens + usage.cacheWriteInputTokens };
  if (usage.cacheReadInputTokens) out.cacheReadInputTokens = usage.cacheReadInputTokens;
  if (usage.cacheWriteInputTokens) out.cacheWriteInputTokens = usage.cacheWriteInputTokens;
  return out;
}

function invalid(message: string): Refusal {
  return new Refusal(400, "ValidationException", message);
}

function validateConverse(body: Record<string, unknown>): void {
  for (const key of Object.keys(body)) if (!CONVERSE_FIELDS.has(key)) throw invalid(`Malformed input request: extraneous key [${key}] is not permitted, please reformat your input and try again.`);
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw invalid("A conversation must start with a user message. Try again with a conversation that starts with a user message.");
  const hasTools = isJsonObject(body.toolConfig) && Array.isArray(body.toolConfig.tools) && body.toolConfig.tools.length > 0;
  let pendingToolUses: string[] = [];
  (body.messages as unknown[]).forEach((message, index) => {
    if (!isJsonObject(message) || (message.role !== "user" && message.role !== "assistant")) throw invalid(`messages.${index}.role: must be user or assistant.`);
    const expected = index % 2 === 0 ? "user" : "assistant";
    if (message.role !== expected) throw invalid("A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.");
    if (!Array.isArray(message.content) || message.content.length === 0) throw invalid(`messages.${index}.content: must be a non-empty list of content blocks.`);
    const uses: string[] = [];
    for (const block of message.content as unknown[]) {
      if (!isJsonObject(block)) throw invalid(`messages.${index}.content: every block must be an object.`);
      if ((block.toolUse !== undefined || block.toolResult !== undefined) && !hasTools) {
        throw invalid("The toolConfig field must be defined when using toolUse and toolResult content blocks.");
      }
      if (isJsonObject(block.toolUse)) uses.push(String(block.toolUse.toolUseId));
      if (isJsonObject(block.toolResult) && !pendingToolUses.includes(String(block.toolResult.toolUseId))) {
        throw invalid(`The toolResult ${String(block.toolResult.toolUseId)} answers no toolUse of the previous turn.`);
      }
      if (isJsonObject(block.image)) {
        const source = isJsonObject(block.image.source) ? block.image.source : {};
        if (!["png", "jpeg", "gif", "webp"].includes(String(block.image.format)) || typeof source.bytes !== "string") throw invalid(`messages.${index}: an image needs its format and bytes.`);
      }
    }
    pendingToolUses = uses;
  });
}

/** Anthropic's stream events for an answer, as Claude on Bedrock streams them. */
function anthropicEvents(answer: Answer, model: string): Block[] {
  const message = anthropicMessage(answer, model);
  const events: Block[] = [{ type: "message_start", message: { ...message, content: [], stop_reason: null, usage: { ...(message.usage as Block), output_tokens: 1 } } }];
  (message.content as Block[]).forEach((block, index) => {
    if (block.type === "text") {
      events.push({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
      for (const word of words(String(block.text))) events.push({ type: "content_block_delta", index, delta: { type: "text_delta", text: word } });
    } else if (block.type === "thinking") {
      events.push({ type: "content_block_start", index, content_block: { type: "thinking", thinking: "" } });
      events.push({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: block.thinking } });
      events.push({ type: "content_block_delta", index, delta: { type: "signature_delta", signature: block.signature } });
    } else {
      events.push({ type: "content_block_start", index, content_block: { ...block, input: {} } });
      events.push({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) } });
    }
    events.push({ type: "content_block_stop", index });
  });
  events.push({ type: "message_delta", delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens: answer.usage.outputTokens } });
  events.push({ type: "message_stop" });
  return events;
}

function anthropicMessage(answer: Answer, model: string): Block {
  const content: Block[] = [];
  if (answer.reasoning) content.push({ type: "thinking", thinking: answer.reasoning.text, signature: answer.reasoning.signature });
  if (answer.text !== undefined) content.push({ type: "text", text: answer.text });
  for (const use of answer.toolUses) content.push({ type: "tool_use", id: use.toolUseId, name: use.name, input: use.input });
  return {
    id: "msg_bdrk_fake",
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: answer.stopReason,
    stop_sequence: null,
    usage: {
      input_tokens: answer.usage.inputTokens,
      cache_read_input_tokens: answer.usage.cacheReadInputTokens,
      cache_creation_input_tokens: answer.usage.cacheWriteInputTokens,
      output_tokens: answer.usage.outputTokens,
    },
  };
}
