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
