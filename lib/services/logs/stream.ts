import type { ChatResponse, ChatStreamEvent, ReasoningBlock, ToolCall as CanonicalToolCall } from "@/lib/formats/canonical";
import { codecFor, isWireFormat } from "@/lib/formats/index";
import { openAiChatCodec } from "@/lib/formats/openai-chat/codec";
import { parseSse } from "@/lib/formats/sse";

/** A Chat Completions stream put back together as the non-streamed response it stands for. */
export interface ReassembledCompletion {
  id?: string;
  object: "chat.completion";
  created?: number;
  model?: string;
  choices: {
    index: number;
    message: { role: string; content: string | null; reasoning_content?: string; tool_calls?: ToolCall[] };
    finish_reason: string | null;
  }[];
  usage?: unknown;
}

interface ToolCall {
  id?: string;
  type: string;
  function: { name: string; arguments: string };
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Joins the deltas of an OpenAI-format SSE body into one completion per choice: content and
 * reasoning concatenated, tool calls merged by index. Undefined when the text holds no chunk at all
 * (not a stream, or a stream of another format).
 */
export function reassembleChatStream(text: string): ReassembledCompletion | undefined {
  const result: ReassembledCompletion = { object: "chat.completion", choices: [] };
  const toolCalls = new Map<number, Map<number, ToolCall>>();
  let chunks = 0;

  for (const { data } of parseSse(text)) {
    if (data === "[DONE]") continue;
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      continue;
    }
    if (!isObject(chunk)) continue;
    chunks++;
    if (typeof chunk.id === "string") result.id ??= chunk.id;
    if (typeof chunk.created === "number") result.created ??= chunk.created;
    if (typeof chunk.model === "string") result.model ??= chunk.model;
    if (isObject(chunk.usage)) result.usage = chunk.usage;
    if (!Array.isArray(chunk.choices)) continue;

    for (const raw of chunk.choices) {
      if (!isObject(raw)) continue;
      const index = typeof raw.index === "number" ? raw.index : 0;
      let choice = result.choices.find((c) => c.index === index);
      if (!choice) {
        choice = { index, message: { role: "assistant", content: null }, finish_reason: null };
        result.choices.push(choice);
      }
      if (typeof raw.finish_reason === "string") choice.finish_reason = raw.finish_reason;
      const delta = isObject(raw.delta) ? raw.delta : undefined;
      if (!delta) continue;
      if (typeof delta.role === "string") choice.message.role = delta.role;
      if (typeof delta.content === "string") choice.message.content = (choice.message.content ?? "") + delta.content;
      if (typeof delta.reasoning_content === "string") {
        choice.message.reasoning_content = (choice.message.reasoning_content ?? "") + delta.reasoning_content;
      }
      if (Array.isArray(delta.tool_calls)) {
        const calls = toolCalls.get(index) ?? new Map<number, ToolCall>();
        toolCalls.set(index, calls);
        for (const part of delta.tool_calls) {
          if (!isObject(part)) continue;
          const at = typeof part.index === "number" ? part.index : calls.size;
          const call = calls.get(at) ?? { type: "function", function: { name: "", arguments: "" } };
          calls.set(at, call);
          if (typeof part.id === "string") call.id = part.id;
          if (typeof part.type === "string") call.type = part.type;
          const fn = isObject(part.function) ? part.function : undefined;
          if (typeof fn?.name === "string") call.function.name += fn.name;
          if (typeof fn?.arguments === "string") call.function.arguments += fn.arguments;
        }
      }
    }
  }

  if (chunks === 0) return undefined;
  for (const choice of result.choices) {
    const calls = toolCalls.get(choice.index);
    if (calls) choice.message.tool_calls = [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
  }
  result.choices.sort((a, b) => a.index - b.index);
  // The field order of a non-streamed response, for reading.
  const { id, object, created, model, choices, usage } = result;
  return JSON.parse(JSON.stringify({ id, object, created, model, choices, usage })) as ReassembledCompletion;
}

/**
 * A stream of any wire format put back together, shown as the Chat Completion it stands for: the
 * format's codec decodes the events into canonical ones, which are joined and written as OpenAI's
 * answer. OpenAI Chat streams (and rows of unknown format) keep their per-choice reassembly above.
 * Undefined when the text holds nothing the codec reads.
 */
export function reassembleStream(text: string, format: string | null): ReassembledCompletion | undefined {
  if (format === null || format === "openai-chat" || !isWireFormat(format)) return reassembleChatStream(text);
  const decoder = codecFor(format).streamDecoder();
  const events: ChatStreamEvent[] = [];
  try {
    for (const event of parseSse(text)) events.push(...decoder.push(event));
    events.push(...decoder.end());
  } catch {
    // A stream cut in the middle of an event, or one the codec cannot read further: what came before still shows.
  }
  const response = joinStream(events);
  return response && (openAiChatCodec.encodeResponse(response) as unknown as ReassembledCompletion);
}

/** Canonical stream events joined into the answer they stand for; undefined when the stream never started. */
function joinStream(events: ChatStreamEvent[]): ChatResponse | undefined {
  let response: ChatResponse | undefined;
  let text: string | null = null;
  const reasoning: ReasoningBlock[] = [];
  let thinking = "";
  const calls: CanonicalToolCall[] = [];
  for (const event of events) {
    if (event.type === "start") {
      response ??= { id: event.id, model: event.model, created: event.created, message: { content: null }, finish_reason: "stop" };
      continue;
    }
    if (!response) continue;
    switch (event.type) {
      case "text":
        text = (text ?? "") + event.text;
        break;
      case "reasoning":
        thinking += event.text;
        break;
      case "reasoning_end":
        reasoning.push(event.redacted !== undefined ? { type: "redacted", data: event.redacted } : { type: "thinking", text: thinking, signature: event.signature });
        thinking = "";
        break;
      case "tool_call_start":
        calls[event.index] = { id: event.id, type: "function", function: { name: event.name, arguments: "" } };
        break;
      case "tool_call_delta":
        if (calls[event.index]) calls[event.index]!.function.arguments += event.arguments;
        break;
      case "finish":
        response.finish_reason = event.reason;
        break;
      case "usage":
        response.usage = { ...(response.usage ?? { input: 0, output: 0, cache_read: 0, cache_write: 0, reasoning: 0 }), ...definedOnly(event.usage) };
        break;
      case "error":
        break;
    }
  }
  if (!response) return undefined;
  if (thinking !== "") reasoning.push({ type: "thinking", text: thinking });
  response.message = { content: text };
  if (reasoning.length > 0) response.message.reasoning = reasoning;
  const toolCalls = calls.filter((call): call is CanonicalToolCall => call !== undefined);
  if (toolCalls.length > 0) response.message.tool_calls = toolCalls;
  return response;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
