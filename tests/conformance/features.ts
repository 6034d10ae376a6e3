/**
 * The conformance matrix's data: its providers and features. A feature is one entry: a request per
 * ingress (in that ingress's own wire shape, as its SDK sends it), what must arrive at each provider,
 * what must come back, and the fields a target cannot express (a 400 naming the field, which the
 * table shows as "400: <reason>"). A new provider or feature is one more entry here.
 */
import { expect } from "vitest";
import type { WireFormat } from "@/lib/formats/codec";
import { FAKE_BEDROCK_CONTENT, FAKE_BEDROCK_THINKING, FAKE_BEDROCK_USAGE } from "../fake-providers/bedrock";
import { FAKE_ANTHROPIC_CONTENT, FAKE_ANTHROPIC_THINKING, FAKE_ANTHROPIC_USAGE, fakeThinkingSignature } from "../fake-providers/anthropic";
import { FAKE_COHERE_CONTENT, FAKE_COHERE_THINKING, FAKE_COHERE_USAGE } from "../fake-providers/cohere";
import { FAKE_GEMINI_CONTENT, FAKE_GEMINI_THINKING, FAKE_GEMINI_USAGE } from "../fake-providers/gemini";
import { FAKE_DEFAULT_CONTENT, FAKE_DEFAULT_USAGE } from "../fake-providers/openai";
import type { Ingress, Mode, Outcome, ToolCallOut, UsageOut } from "./client";

/** A column: a provider slug (`openai`), or a slug with the wire format it is reached in (`google-vertex-ai:anthropic`). */
export type ProviderId = string;

export interface Provider {
  id: ProviderId;
  /** The provider's slug: `{slug}/{model}` names the model. */
  slug: string;
  /** The wire format the provider speaks on this column: what the provider-side checks read. */
  wire: WireFormat;
  /** The ingresses it serves untranslated (a passthrough). */
  native: Ingress[];
  /** The column heading. */
  label: string;
  /** The model after `{provider}/`. */
  model: string;
  content: string;
  /** What the fake reports, as the client should see it (cached tokens included in input). */
  usage: UsageOut;
  /** With a cache hint in the request: the fake Anthropic reports cache reads and writes only then. */
  cachedUsage: UsageOut;
  /** The message of the fake's 429, which must reach the client unchanged. */
  rateLimitMessage: string;
}

const { input_tokens, output_tokens, cache_read_input_tokens, cache_creation_input_tokens } = FAKE_ANTHROPIC_USAGE;
const openaiUsage = { input: FAKE_DEFAULT_USAGE.prompt_tokens, output: FAKE_DEFAULT_USAGE.completion_tokens, cached: FAKE_DEFAULT_USAGE.cached_tokens };
const bedrockUsage = {
  input: FAKE_BEDROCK_USAGE.inputTokens + FAKE_BEDROCK_USAGE.cacheReadInputTokens + FAKE_BEDROCK_USAGE.cacheWriteInputTokens,
  output: FAKE_BEDROCK_USAGE.outputTokens,
  cached: FAKE_BEDROCK_USAGE.cacheReadInputTokens,
};
const geminiUsage = { input: FAKE_GEMINI_USAGE.promptTokenCount, output: FAKE_GEMINI_USAGE.candidatesTokenCount, cached: FAKE_GEMINI_USAGE.cachedContentTokenCount };
/** Cohere's billed units, which the gateway reports and bills (lib/formats/cohere-chat/usage.ts). */
const cohereUsage = { input: FAKE_COHERE_USAGE.billed_units.input_tokens, output: FAKE_COHERE_USAGE.billed_units.output_tokens, cached: 0 };

export const PROVIDERS: Provider[] = [
  {
    id: "openai",
    slug: "openai",
    wire: "openai-chat",
    native: ["chat", "responses"],
    label: "openai-family",
    model: "gpt-4o-mini",
    content: FAKE_DEFAULT_CONTENT,
    usage: openaiUsage,
    cachedUsage: openaiUsage,
    rateLimitMessage: "Rate limit reached for",
  },
  {
    id: "anthropic",
    slug: "anthropic",
    wire: "anthropic-messages",
    native: ["messages"],
    label: "anthropic",
    model: "claude-sonnet-4-5",
    content: FAKE_ANTHROPIC_CONTENT,
    usage: { input: input_tokens, output: output_tokens, cached: 0 },
    cachedUsage: { input: input_tokens + cache_read_input_tokens + cache_creation_input_tokens, output: output_tokens, cached: cache_read_input_tokens },
    rateLimitMessage: "would exceed the rate limit",
  },
  {
    id: "google-ai-studio",
    slug: "google-ai-studio",
    wire: "gemini",
    native: [],
    label: "google-ai-studio",
    model: "gemini-2.5-flash",
    content: FAKE_GEMINI_CONTENT,
    usage: geminiUsage,
    cachedUsage: geminiUsage,
    rateLimitMessage: "You exceeded your current quota",
  },
  {
    id: "google-vertex-ai",
    slug: "google-vertex-ai",
    wire: "gemini",
    native: [],
    label: "google-vertex-ai (Gemini)",
    model: "google/gemini-2.5-flash",
    content: FAKE_GEMINI_CONTENT,
    usage: geminiUsage,
    cachedUsage: geminiUsage,
    rateLimitMessage: "You exceeded your current quota",
  },
  {
    id: "google-vertex-ai:anthropic",
    slug: "google-vertex-ai",
    wire: "anthropic-messages",
    // Its Messages body goes as sent, but for the model (in Vertex's path) and Vertex's anthropic_version.
    native: ["messages"],
    label: "google-vertex-ai (Claude)",
    model: "anthropic/claude-sonnet-4-5",
    content: FAKE_ANTHROPIC_CONTENT,
    usage: { input: input_tokens, output: output_tokens, cached: 0 },
    cachedUsage: { input: input_tokens + cache_read_input_tokens + cache_creation_input_tokens, output: output_tokens, cached: cache_read_input_tokens },
    rateLimitMessage: "would exceed the rate limit",
  },
  {
    id: "cohere",
    slug: "cohere",
    wire: "cohere-chat",
    native: [],
    label: "cohere",
    model: "command-a-03-2025",
    content: FAKE_COHERE_CONTENT,
    usage: cohereUsage,
    cachedUsage: cohereUsage,
    rateLimitMessage: "Trial key",
  },
  {
    id: "aws-bedrock",
    slug: "aws-bedrock",
    wire: "bedrock-converse",
    native: [],
    label: "aws-bedrock",
    model: "anthropic.claude-sonnet-4-5-20250929-v1:0",
    content: FAKE_BEDROCK_CONTENT,
    usage: bedrockUsage,
    cachedUsage: bedrockUsage,
    rateLimitMessage: "Too many requests",
  },
  {
    // Workers AI's OpenAI-compatible endpoint, which its fake serves with the fake OpenAI's behaviour.
    id: "workers-ai",
    slug: "workers-ai",
    wire: "openai-chat",
    native: ["chat"],
    label: "workers-ai",
    model: "@cf/meta/llama-3.3-70b-instruct-fp8-fast",
    content: FAKE_DEFAULT_CONTENT,
    usage: openaiUsage,
    cachedUsage: openaiUsage,
    rateLimitMessage: "Rate limit reached for",
  },
];

export const INGRESSES: { id: Ingress; label: string }[] = [
  { id: "chat", label: "Chat Completions (`openai` SDK, `chat.completions`)" },
  { id: "responses", label: "Responses (`openai` SDK, `responses`)" },
  { id: "messages", label: "Messages (`@anthropic-ai/sdk`, `messages`)" },
];

export const MODES: Mode[] = ["non-stream", "stream"];

/** What the test's setup provides to requests. */
export interface RequestEnv {
  /** An http URL of a PNG image (PNG_1PX) that the gateway can fetch. */
  imageUrl: string;
  /** The tool calls of the feature's first turn, as the client received them ([] without one). */
  calls: ToolCallOut[];
  /** The first turn's assistant answer as the client sends it back (Outcome.echo). */
  echo: unknown[];
}

/** What a cell's assertion sees. */
export interface Cell {
  ingress: Ingress;
  provider: Provider;
  mode: Mode;
  outcome: Outcome;
  /** The provider's recorded request for this cell: its path and parsed JSON body. */
  upstream: { path: string; body: Record<string, unknown> };
  /** True when the provider speaks the ingress's format, so the body went as sent. */
  passthrough: boolean;
  env: RequestEnv;
}

/** A field the target cannot express: the cell expects a 400 naming `field`, its message containing `reason`. */
export interface Refusal {
  field: string;
  reason: string;
  /** Who refuses: the gateway before any call (default), or the provider a passthrough went to. */
  by?: "gateway" | "provider";
}

export interface Feature {
  id: string;
  title: string;
  /** The model to ask for instead of the provider's usual one (e.g. a fake's error mode). */
  model?: (provider: Provider) => string;
  request: Record<Ingress, (model: string, env: RequestEnv) => Record<string, unknown>>;
  /** A first request whose tool calls the cell's request answers (env.calls); its own answer must have calls. */
  firstTurn?: Record<Ingress, (model: string) => Record<string, unknown>>;
  /** Set when `ingress` cannot reach `provider` with this feature; the cell then asserts that 400. */
  refusal?: (ingress: Ingress, provider: ProviderId) => Refusal | undefined;
  /** False when the gateway must answer without calling the provider (default: it calls it once). */
  reachesProvider?: (passthrough: boolean) => boolean;
  check(cell: Cell): void;
}

// ------------------------------------------------------------------------------------------------
// Requests shared by several features.

export const PNG_1PX =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const WEATHER_SCHEMA = { type: "object", properties: { city: { type: "string" }, days: { type: "integer" } }, required: ["city", "days"] };
const TIME_SCHEMA = { type: "object", properties: { zone: { type: "string" } }, required: ["zone"] };
const RESPONSES_REASONING = { reasoning: { effort: "low", summary: "auto" }, max_output_tokens: 4096, include: ["reasoning.encrypted_content"], store: false };
const MESSAGES_THINKING = { max_tokens: 4096, thinking: { type: "enabled", budget_tokens: 1024 } };
const resultFor = (tool: string) => (tool === "get_weather" ? "sunny, 21 °C" : "14:05");
const WEATHER_ARGS = { city: "fake-city", days: 1 };
const TIME_ARGS = { zone: "fake-zone" };

type ToolDef = { name: string; schema: Record<string, unknown> };
const WEATHER: ToolDef = { name: "get_weather", schema: WEATHER_SCHEMA };
const TIME: ToolDef = { name: "get_time", schema: TIME_SCHEMA };

const chatTools = (tools: ToolDef[]) => tools.map((t) => ({ type: "function", function: { name: t.name, description: `${t.name} tool`, parameters: t.schema } }));
const responsesTools = (tools: ToolDef[]) => tools.map((t) => ({ type: "function", name: t.name, description: `${t.name} tool`, parameters: t.schema, strict: false }));
const messagesTools = (tools: ToolDef[]) => tools.map((t) => ({ name: t.name, description: `${t.name} tool`, input_schema: t.schema }));

const user = (text: string) => ({ role: "user", content: text });
const chat = (model: string, extra: Record<string, unknown> = {}) => ({ model, messages: [user("hi")], ...extra });
const responses = (model: string, extra: Record<string, unknown> = {}) => ({ model, input: "hi", ...extra });
const messages = (model: string, extra: Record<string, unknown> = {}) => ({ model, max_tokens: 256, messages: [user("hi")], ...extra });

/** The upstream body's messages/contents/input, whatever the provider calls them. */
function turns(cell: Cell): Record<string, unknown>[] {
  const b = cell.upstream.body;
  const list = cell.provider.wire === "gemini" ? b.contents : cell.upstream.path.endsWith("responses") ? b.input : b.messages;
  if (typeof list === "string") return [{ role: "user", content: list }];
  return Array.isArray(list) ? (list as Record<string, unknown>[]) : [];
}

function expectText(cell: Cell) {
  expect(cell.outcome.error).toBeUndefined();
  expect(cell.outcome.text).toBe(cell.provider.content);
}

function expectUsage(cell: Cell, usage: UsageOut = cell.provider.usage) {
  expect(cell.outcome.usage).toEqual(usage);
}

/** Tool calls as name → parsed arguments, with every id non-empty and distinct. */
function expectCalls(cell: Cell, expected: Record<string, unknown>[]) {
  const { outcome } = cell;
  expect(outcome.error).toBeUndefined();
  expect(outcome.toolCalls.map((c) => ({ [c.name]: JSON.parse(c.arguments) as unknown }))).toEqual(expected);
  const ids = outcome.toolCalls.map((c) => c.id);
  for (const id of ids) expect(id).toMatch(/\S/);
  expect(new Set(ids).size).toBe(ids.length);
  expect(outcome.finish).toBe({ chat: "tool_calls", responses: "completed", messages: "tool_use" }[cell.ingress]);
}

/** The tools as they arrived upstream: names and parameter schemas in the provider's shape. */
function expectUpstreamTools(cell: Cell, tools: ToolDef[]) {
  const b = cell.upstream.body;
  if (cell.provider.wire === "gemini") {
    const declarations = (b.tools as { functionDeclarations: { name: string }[] }[]).flatMap((t) => t.functionDeclarations);
    expect(declarations.map((d) => d.name)).toEqual(tools.map((t) => t.name));
  } else if (cell.provider.wire === "bedrock-converse") {
    const specs = (b.toolConfig as { tools: { toolSpec: { name: string; inputSchema: { json: Record<string, unknown> } } }[] }).tools.map((t) => t.toolSpec);
    expect(specs).toEqual(tools.map((t) => expect.objectContaining({ name: t.name, inputSchema: { json: expect.objectContaining({ properties: t.schema.properties }) } })));
  } else if (cell.provider.wire === "anthropic-messages") {
    expect(b.tools).toEqual(tools.map((t) => expect.objectContaining({ name: t.name, input_schema: expect.objectContaining({ properties: t.schema.properties }) })));
  } else if (cell.upstream.path.endsWith("responses")) {
    expect(b.tools).toEqual(tools.map((t) => expect.objectContaining({ type: "function", name: t.name, parameters: t.schema })));
  } else {
    expect(b.tools).toEqual(tools.map((t) => ({ type: "function", function: expect.objectContaining({ name: t.name, parameters: t.schema }) })));
  }
}

// ------------------------------------------------------------------------------------------------

export const FEATURES: Feature[] = [
  {
    id: "text",
    title: "text",
    request: { chat: (m) => chat(m), responses: (m) => responses(m), messages: (m) => messages(m) },
    check(cell) {
      expectText(cell);
      expectUsage(cell);
      expect(JSON.stringify(turns(cell))).toContain("hi");
      expect(cell.outcome.finish).toBe({ chat: "stop", responses: "completed", messages: "end_turn" }[cell.ingress]);
    },
  },
  {
    id: "system",
    title: "system prompt",
    request: {
      chat: (m) => ({ model: m, messages: [{ role: "system", content: "Be brief." }, user("hi")] }),
      responses: (m) => responses(m, { instructions: "Be brief." }),
      messages: (m) => messages(m, { system: "Be brief." }),
    },
    check(cell) {
      expectText(cell);
      const b = cell.upstream.body;
      if (cell.provider.wire === "anthropic-messages") expect(JSON.stringify(b.system)).toContain("Be brief.");
      else if (cell.provider.wire === "gemini") expect(b.systemInstruction).toEqual({ parts: [{ text: "Be brief." }] });
      else if (cell.provider.wire === "bedrock-converse") expect(b.system).toEqual([{ text: "Be brief." }]);
      else if (cell.upstream.path.endsWith("responses")) expect(b.instructions).toBe("Be brief.");
      else expect(turns(cell)[0]).toMatchObject({ role: expect.stringMatching(/^(system|developer)$/), content: "Be brief." });
    },
  },
  {
    id: "multi-turn",
    title: "multi-turn",
    request: {
      chat: (m) => ({ model: m, messages: [user("one"), { role: "assistant", content: "two" }, user("three")] }),
      responses: (m) => ({ model: m, input: [user("one"), { role: "assistant", content: "two" }, user("three")] }),
      messages: (m) => messages(m, { messages: [user("one"), { role: "assistant", content: "two" }, user("three")] }),
    },
    check(cell) {
      expectText(cell);
      const roles = turns(cell).map((t) => t.role);
      expect(roles).toEqual(cell.provider.wire === "gemini" ? ["user", "model", "user"] : ["user", "assistant", "user"]);
      expect(JSON.stringify(turns(cell))).toMatch(/one.*two.*three/);
    },
  },
  {
    id: "image-data-url",
    title: "image (data URL)",
    request: {
      chat: (m) => ({ model: m, messages: [{ role: "user", content: [{ type: "text", text: "what is it?" }, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_1PX}` } }] }] }),
      responses: (m) => ({ model: m, input: [{ role: "user", content: [{ type: "input_text", text: "what is it?" }, { type: "input_image", image_url: `data:image/png;base64,${PNG_1PX}`, detail: "auto" }] }] }),
      messages: (m) => messages(m, { messages: [{ role: "user", content: [{ type: "text", text: "what is it?" }, { type: "image", source: { type: "base64", media_type: "image/png", data: PNG_1PX } }] }] }),
    },
    check(cell) {
      expectText(cell);
      const sent = JSON.stringify(turns(cell));
      expect(sent).toContain(PNG_1PX);
      if (cell.provider.wire === "anthropic-messages") expect(sent).toContain('"media_type":"image/png"');
      if (cell.provider.wire === "gemini") expect(sent).toContain('"inlineData"');
      if (cell.provider.wire === "bedrock-converse") expect(sent).toContain(`"image":{"format":"png","source":{"bytes":"${PNG_1PX}"}}`);
    },
  },
  {
    id: "image-url",
    title: "image (http URL)",
    request: {
      chat: (m, { imageUrl }) => ({ model: m, messages: [{ role: "user", content: [{ type: "text", text: "what is it?" }, { type: "image_url", image_url: { url: imageUrl } }] }] }),
      responses: (m, { imageUrl }) => ({ model: m, input: [{ role: "user", content: [{ type: "input_text", text: "what is it?" }, { type: "input_image", image_url: imageUrl, detail: "auto" }] }] }),
      messages: (m, { imageUrl }) => messages(m, { messages: [{ role: "user", content: [{ type: "text", text: "what is it?" }, { type: "image", source: { type: "url", url: imageUrl } }] }] }),
    },
    check(cell) {
      expectText(cell);
      const sent = JSON.stringify(turns(cell));
      // Gemini and Converse take images inline: the gateway fetched the URL and sent its bytes; the others take the URL.
      if (cell.provider.wire === "gemini") expect(sent).toContain(`"inlineData":{"mimeType":"image/png","data":"${PNG_1PX}"}`);
      else if (cell.provider.wire === "bedrock-converse") expect(sent).toContain(`"image":{"format":"png","source":{"bytes":"${PNG_1PX}"}}`);
      else expect(sent).toContain(cell.env.imageUrl);
    },
  },
  {
    id: "tools",
    title: "tools",
    request: {
      chat: (m) => chat(m, { messages: [user("weather?")], tools: chatTools([WEATHER]) }),
      responses: (m) => responses(m, { input: "weather?", tools: responsesTools([WEATHER]) }),
      messages: (m) => messages(m, { messages: [user("weather?")], tools: messagesTools([WEATHER]) }),
    },
    check(cell) {
      expectUpstreamTools(cell, [WEATHER]);
      expectCalls(cell, [{ get_weather: WEATHER_ARGS }]);
    },
  },
  {
    id: "tool-choice",
    title: "tool_choice (named)",
    request: {
      chat: (m) => chat(m, { messages: [user("time?")], tools: chatTools([WEATHER, TIME]), tool_choice: { type: "function", function: { name: "get_time" } } }),
      responses: (m) => responses(m, { input: "time?", tools: responsesTools([WEATHER, TIME]), tool_choice: { type: "function", name: "get_time" } }),
      messages: (m) => messages(m, { messages: [user("time?")], tools: messagesTools([WEATHER, TIME]), tool_choice: { type: "tool", name: "get_time" } }),
    },
    check(cell) {
      const b = cell.upstream.body;
      if (cell.provider.wire === "anthropic-messages") expect(b.tool_choice).toMatchObject({ type: "tool", name: "get_time" });
      else if (cell.provider.wire === "gemini") expect(b.toolConfig).toMatchObject({ functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_time"] } });
      // Cohere cannot name a tool: the gateway offers only that one and requires a call.
      else if (cell.provider.wire === "cohere-chat") expect(b).toMatchObject({ tool_choice: "REQUIRED", tools: [{ function: { name: "get_time" } }] });
      else if (cell.provider.wire === "bedrock-converse") expect(b.toolConfig).toMatchObject({ toolChoice: { tool: { name: "get_time" } } });
      else if (cell.upstream.path.endsWith("responses")) expect(b.tool_choice).toEqual({ type: "function", name: "get_time" });
      else expect(b.tool_choice).toEqual({ type: "function", function: { name: "get_time" } });
      expectCalls(cell, [{ get_time: TIME_ARGS }]);
    },
  },
  {
    id: "parallel-tools",
    title: "parallel tool calls",
    request: {
      chat: (m) => chat(m, { messages: [user("weather and time?")], tools: chatTools([WEATHER, TIME]) }),
      responses: (m) => responses(m, { input: "weather and time?", tools: responsesTools([WEATHER, TIME]) }),
      messages: (m) => messages(m, { messages: [user("weather and time?")], tools: messagesTools([WEATHER, TIME]) }),
    },
    check(cell) {
      expectUpstreamTools(cell, [WEATHER, TIME]);
      expectCalls(cell, [{ get_weather: WEATHER_ARGS }, { get_time: TIME_ARGS }]);
    },
  },
  {
    id: "tool-result",
    title: "tool-result round trip",
    // A real round trip: the calls the provider made (parallel), with the ids the client received,
    // go back with a result each; the provider must get each result matched to its own call.
    firstTurn: {
      chat: (m) => chat(m, { messages: [user("weather and time?")], tools: chatTools([WEATHER, TIME]) }),
      responses: (m) => responses(m, { input: "weather and time?", tools: responsesTools([WEATHER, TIME]) }),
      messages: (m) => messages(m, { messages: [user("weather and time?")], tools: messagesTools([WEATHER, TIME]) }),
    },
    request: {
      chat: (m, { calls }) => ({
        model: m,
        tools: chatTools([WEATHER, TIME]),
        messages: [
          user("weather and time?"),
          { role: "assistant", content: null, tool_calls: calls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })) },
          ...calls.map((c) => ({ role: "tool", tool_call_id: c.id, content: resultFor(c.name) })),
        ],
      }),
      responses: (m, { calls }) => ({
        model: m,
        tools: responsesTools([WEATHER, TIME]),
        input: [
          user("weather and time?"),
          ...calls.map((c) => ({ type: "function_call", call_id: c.id, name: c.name, arguments: c.arguments })),
          ...calls.map((c) => ({ type: "function_call_output", call_id: c.id, output: resultFor(c.name) })),
        ],
      }),
      messages: (m, { calls }) =>
        messages(m, {
          tools: messagesTools([WEATHER, TIME]),
          messages: [
            user("weather and time?"),
            { role: "assistant", content: calls.map((c) => ({ type: "tool_use", id: c.id, name: c.name, input: JSON.parse(c.arguments) as unknown })) },
            { role: "user", content: calls.map((c) => ({ type: "tool_result", tool_use_id: c.id, content: resultFor(c.name) })) },
          ],
        }),
    },
    check(cell) {
      expectText(cell);
      const { calls } = cell.env;
      expect(calls.map((c) => c.name)).toEqual(["get_weather", "get_time"]);
      const sent = turns(cell);
      if (cell.provider.wire === "anthropic-messages") {
        const [asked, answered] = sent.slice(-2) as { content: { type: string; id?: string; tool_use_id?: string; content?: unknown }[] }[];
        expect(asked?.content.filter((b) => b.type === "tool_use").map((b) => b.id)).toEqual(calls.map((c) => c.id));
        expect(answered?.content.map((b) => [b.tool_use_id, JSON.stringify(b.content)])).toEqual(calls.map((c) => [c.id, expect.stringContaining(resultFor(c.name))]));
      } else if (cell.provider.wire === "gemini") {
        const [asked, answered] = sent.slice(-2) as { role: string; parts: { functionCall?: { name: string }; functionResponse?: { name: string; response: unknown } }[] }[];
        expect(asked?.parts.map((p) => p.functionCall?.name)).toEqual(["get_weather", "get_time"]);
        expect(answered?.parts.map((p) => [p.functionResponse?.name, JSON.stringify(p.functionResponse?.response)])).toEqual(
          calls.map((c) => [c.name, expect.stringContaining(resultFor(c.name))]),
        );
      } else if (cell.provider.wire === "bedrock-converse") {
        type Blocks = { content: { toolUse?: { toolUseId: string }; toolResult?: { toolUseId: string; content: unknown } }[] };
        const [asked, answered] = sent.slice(-2) as Blocks[];
        expect(asked?.content.flatMap((b) => (b.toolUse ? [b.toolUse.toolUseId] : []))).toEqual(calls.map((c) => c.id));
        expect(answered?.content.map((b) => [b.toolResult?.toolUseId, JSON.stringify(b.toolResult?.content)])).toEqual(calls.map((c) => [c.id, expect.stringContaining(resultFor(c.name))]));
      } else if (cell.upstream.path.endsWith("responses")) {
        const outputs = sent.filter((item) => item.type === "function_call_output");
        expect(outputs.map((o) => [o.call_id, o.output])).toEqual(calls.map((c) => [c.id, resultFor(c.name)]));
      } else {
        const results = sent.filter((m) => m.role === "tool");
        expect(results.map((r) => [r.tool_call_id, JSON.stringify(r.content)])).toEqual(calls.map((c) => [c.id, expect.stringContaining(resultFor(c.name))]));
        expect(JSON.stringify(sent.find((m) => m.role === "assistant"))).toContain(calls[0]!.id);
      }
    },
  },
  {
    id: "streamed-tool-arguments",
    title: "streamed tool arguments",
    request: {
      chat: (m) => chat(m, { messages: [user("weather and time?")], tools: chatTools([WEATHER, TIME]) }),
      responses: (m) => responses(m, { input: "weather and time?", tools: responsesTools([WEATHER, TIME]) }),
      messages: (m) => messages(m, { messages: [user("weather and time?")], tools: messagesTools([WEATHER, TIME]) }),
    },
    check(cell) {
      // Each call's arguments arrive whole (non-stream) or in pieces that keep its index and id
      // (client.ts fails when an id changes mid-stream); Gemini sends each call's arguments whole.
      expectCalls(cell, [{ get_weather: WEATHER_ARGS }, { get_time: TIME_ARGS }]);
      for (const call of cell.outcome.toolCalls) expect(call.pieces).toBeGreaterThanOrEqual(1);
      if (cell.mode === "stream" && cell.provider.wire !== "gemini") {
        expect(cell.outcome.toolCalls.some((c) => c.pieces > 1)).toBe(true);
      }
    },
  },
  {
    id: "json-schema",
    title: "JSON schema output",
    request: {
      chat: (m) => chat(m, { response_format: { type: "json_schema", json_schema: { name: "answer", schema: TIME_SCHEMA, strict: true } } }),
      responses: (m) => responses(m, { text: { format: { type: "json_schema", name: "answer", schema: TIME_SCHEMA, strict: true } } }),
      messages: (m) => messages(m, { output_config: { format: { type: "json_schema", schema: TIME_SCHEMA } } }),
    },
    check(cell) {
      expectText(cell);
      const b = cell.upstream.body;
      if (cell.provider.wire === "anthropic-messages") expect(b.output_config).toMatchObject({ format: { type: "json_schema", schema: expect.objectContaining({ properties: TIME_SCHEMA.properties }) } });
      else if (cell.provider.wire === "gemini") {
        expect(b.generationConfig).toMatchObject({ responseMimeType: "application/json", responseJsonSchema: expect.objectContaining({ properties: TIME_SCHEMA.properties }) });
      }
      else if (cell.provider.wire === "cohere-chat") expect(b.response_format).toMatchObject({ type: "json_object", json_schema: expect.objectContaining({ properties: TIME_SCHEMA.properties }) });
      else if (cell.provider.wire === "bedrock-converse") {
        const format = (b.outputConfig as { textFormat: { type: string; structure: { jsonSchema: { schema: string } } } }).textFormat;
        expect(format.type).toBe("json_schema");
        expect(JSON.parse(format.structure.jsonSchema.schema)).toMatchObject({ properties: TIME_SCHEMA.properties });
      } else if (cell.upstream.path.endsWith("responses")) expect(b.text).toMatchObject({ format: { type: "json_schema", schema: TIME_SCHEMA } });
      else expect(b.response_format).toMatchObject({ type: "json_schema", json_schema: { schema: expect.objectContaining({ properties: TIME_SCHEMA.properties }) } });
    },
  },
  {
    id: "reasoning",
    title: "reasoning",
    request: {
      chat: (m) => chat(m, { reasoning_effort: "low", max_completion_tokens: 4096 }),
      responses: (m) => responses(m, { reasoning: { effort: "low", summary: "auto" }, max_output_tokens: 4096 }),
      messages: (m) => messages(m, { max_tokens: 4096, thinking: { type: "enabled", budget_tokens: 1024 } }),
    },
    check(cell) {
      expectText(cell);
      const b = cell.upstream.body;
      if (cell.provider.wire === "anthropic-messages") {
        expect(b.thinking).toMatchObject({ type: "enabled", budget_tokens: expect.any(Number) });
        expect(cell.outcome.reasoning).toBe(FAKE_ANTHROPIC_THINKING);
      } else if (cell.provider.wire === "gemini") {
        expect(b.generationConfig).toMatchObject({ thinkingConfig: { thinkingBudget: expect.any(Number), includeThoughts: true } });
        expect(cell.outcome.reasoning).toBe(FAKE_GEMINI_THINKING);
      } else if (cell.provider.wire === "cohere-chat") {
        expect(b.thinking).toMatchObject({ type: "enabled" });
        expect(cell.outcome.reasoning).toBe(FAKE_COHERE_THINKING);
      } else if (cell.provider.wire === "bedrock-converse") {
        expect(b.additionalModelRequestFields).toMatchObject({ thinking: { type: "enabled", budget_tokens: expect.any(Number) } });
        expect(cell.outcome.reasoning).toBe(FAKE_BEDROCK_THINKING);
      } else if (cell.upstream.path.endsWith("responses")) {
        expect(b.reasoning).toMatchObject({ effort: "low" });
      } else {
        expect(b.reasoning_effort).toEqual(expect.any(String));
      }
    },
  },
  {
    id: "reasoning-round-trip",
    title: "reasoning + tool round trip (signatures kept)",
    // Thinking, then a call; the client sends its assistant turn back as received (reasoning and
    // calls) with the result. The fake Anthropic refuses tool results after an assistant turn that
    // lost its signed thinking block; the fake Gemini (a Gemini 3 model) refuses a call without its
    // thoughtSignature; both refuse signatures they did not issue.
    model: (p) => (p.wire === "gemini" ? p.model.replace(/[^/]+$/, "gemini-3-pro-preview") : p.model),
    firstTurn: {
      chat: (m) => chat(m, { messages: [user("weather?")], tools: chatTools([WEATHER]), reasoning_effort: "low", max_completion_tokens: 4096 }),
      responses: (m) => responses(m, { input: "weather?", tools: responsesTools([WEATHER]), ...RESPONSES_REASONING }),
      messages: (m) => messages(m, { messages: [user("weather?")], tools: messagesTools([WEATHER]), ...MESSAGES_THINKING }),
    },
    request: {
      chat: (m, { calls, echo }) => ({
        model: m,
        tools: chatTools([WEATHER]),
        reasoning_effort: "low",
        max_completion_tokens: 4096,
        messages: [user("weather?"), ...echo, ...calls.map((c) => ({ role: "tool", tool_call_id: c.id, content: resultFor(c.name) }))],
      }),
      responses: (m, { calls, echo }) => ({
        model: m,
        tools: responsesTools([WEATHER]),
        ...RESPONSES_REASONING,
        input: [user("weather?"), ...echo, ...calls.map((c) => ({ type: "function_call_output", call_id: c.id, output: resultFor(c.name) }))],
      }),
      messages: (m, { calls, echo }) =>
        messages(m, {
          tools: messagesTools([WEATHER]),
          ...MESSAGES_THINKING,
          messages: [user("weather?"), ...echo, { role: "user", content: calls.map((c) => ({ type: "tool_result", tool_use_id: c.id, content: resultFor(c.name) })) }],
        }),
    },
    check(cell) {
      expectText(cell);
      expect(cell.env.calls.map((c) => c.name)).toEqual(["get_weather"]);
      const asked = turns(cell).at(-2) ?? {};
      if (cell.provider.wire === "anthropic-messages") {
        expect((asked.content as unknown[])[0]).toEqual({ type: "thinking", thinking: FAKE_ANTHROPIC_THINKING, signature: fakeThinkingSignature(FAKE_ANTHROPIC_THINKING) });
        expect(cell.outcome.reasoning).toBe(FAKE_ANTHROPIC_THINKING);
      } else if (cell.provider.wire === "gemini") {
        const parts = asked.parts as { functionCall?: unknown; thoughtSignature?: unknown }[];
        expect(parts.find((p) => p.functionCall)?.thoughtSignature).toEqual(expect.stringMatching(/\S/));
      } else if (cell.provider.wire === "bedrock-converse") {
        const content = asked.content as { reasoningContent?: unknown; toolUse?: { toolUseId: string } }[];
        expect(content[0]?.reasoningContent).toEqual({ reasoningText: { text: FAKE_BEDROCK_THINKING, signature: expect.stringMatching(/\S/) } });
        expect(content.find((b) => b.toolUse)?.toolUse?.toolUseId).toBe(cell.env.calls[0]!.id);
      } else {
        expect(JSON.stringify(turns(cell))).toContain(cell.env.calls[0]!.id);
      }
    },
  },
  {
    id: "stop-sequences",
    title: "stop sequences",
    request: {
      chat: (m) => chat(m, { stop: ["word by"] }),
      responses: (m) => responses(m, { stop: ["word by"] }),
      messages: (m) => messages(m, { stop_sequences: ["word by"] }),
    },
    refusal: (ingress, provider) => {
      if (ingress !== "responses") return undefined;
      if (provider === "openai") return { field: "stop", reason: "Unknown parameter: 'stop'.", by: "provider" };
      return { field: "stop", reason: "stop is a Chat Completions field the Responses API does not have" };
    },
    check(cell) {
      expect(cell.outcome.error).toBeUndefined();
      const b = cell.upstream.body;
      if (cell.provider.wire === "anthropic-messages") expect(b.stop_sequences).toEqual(["word by"]);
      else if (cell.provider.wire === "gemini") expect(b.generationConfig).toMatchObject({ stopSequences: ["word by"] });
      else if (cell.provider.wire === "cohere-chat") expect(b.stop_sequences).toEqual(["word by"]);
      else if (cell.provider.wire === "bedrock-converse") expect(b.inferenceConfig).toMatchObject({ stopSequences: ["word by"] });
      else expect(b.stop).toEqual(["word by"]);
      // Every fake cuts its answer before the first stop sequence it contains, as the providers do.
      expect(cell.outcome.text).toBe(cell.provider.content.slice(0, cell.provider.content.indexOf("word by")));
    },
  },
  {
    id: "cached-usage",
    title: "usage with cached tokens",
    request: {
      chat: (m) => ({ model: m, messages: [{ role: "system", content: [{ type: "text", text: "A long shared prefix.", cache_control: { type: "ephemeral" } }] }, user("hi")] }),
      responses: (m) => ({ model: m, input: [{ role: "user", content: [{ type: "input_text", text: "A long shared prefix.", prompt_cache_breakpoint: {} }] }, user("hi")] }),
      messages: (m) => messages(m, { system: [{ type: "text", text: "A long shared prefix.", cache_control: { type: "ephemeral" } }] }),
    },
    check(cell) {
      expectText(cell);
      expectUsage(cell, cell.provider.cachedUsage);
      if (cell.provider.wire === "anthropic-messages") expect(JSON.stringify(cell.upstream.body)).toContain('"cache_control":{"type":"ephemeral"}');
      if (cell.provider.wire === "bedrock-converse") expect(JSON.stringify(cell.upstream.body)).toContain('{"cachePoint":{"type":"default"}}');
    },
  },
  {
    id: "provider-error",
    title: "provider error (429)",
    model: (p) => p.model.replace(/[^/]+$/, "fake-error-429"),
    request: { chat: (m) => chat(m), responses: (m) => responses(m), messages: (m) => messages(m) },
    check(cell) {
      const { error } = cell.outcome;
      expect(error?.status).toBe(429);
      expect(error?.message).toContain(cell.provider.rateLimitMessage);
      if (cell.ingress === "messages") expect(error?.body).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
      else expect(error?.body).toMatchObject({ message: expect.stringContaining(cell.provider.rateLimitMessage) });
    },
  },
  {
    id: "bad-input",
    title: "bad input (messages / input not a list)",
    // Translated, the gateway refuses it while decoding; passed through, the provider does.
    reachesProvider: (passthrough) => passthrough,
    request: {
      chat: (m) => ({ model: m, messages: "hi" }),
      responses: (m) => ({ model: m, input: 42 }),
      messages: (m) => ({ model: m, max_tokens: 10, messages: "hi" }),
    },
    check(cell) {
      const { error } = cell.outcome;
      expect(error?.status).toBe(400);
      const field = cell.ingress === "responses" ? "input" : "messages";
      expect(error?.message).toContain(field);
      if (cell.ingress === "messages") expect(error?.body).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
      else expect(error?.param ?? field).toBe(field);
    },
  },
];

/** The cell's expected reading in the table. */
export function expectedCell(feature: Feature, ingress: Ingress, provider: ProviderId): string {
  const refusal = feature.refusal?.(ingress, provider);
  if (!refusal) return "✓";
  return refusal.by === "provider" ? `400 from the provider (passed through): ${refusal.reason}` : `400: ${refusal.reason}`;
}

export type { Ingress, Mode };
