import type { CanonicalUsage, ChatStreamEvent, SseEvent, ToolCall } from "@/lib/formats/canonical";
import type { StreamDecoder, StreamEncoder } from "@/lib/formats/codec";
import { isJsonObject } from "@/lib/formats/json";
import { decodeWorkersAiError, workersAiStreamErrorEvents } from "./error";
import { encodeToolCall, encodeUsage, newCallId, usageOf } from "./response";

/**
 * Workers AI's stream (`stream: true`): server-sent `data:` events of JSON, each with the next
 * piece of text in `response`, tool calls in `tool_calls` (whole, in the older shape, or in pieces
 * as Chat Completions streams them, with an `index`), the usage in a last event with an empty
 * `response`, and `data: [DONE]` at the end. A stream that fails mid-way carries Cloudflare's error
 * envelope as an event (`{success: false, errors: […]}`).
 */

export function workersAiStreamDecoder(): StreamDecoder {
  let started = false;
  let finished = false;
  let calls = 0;
  /** A provider's `index` of a call streamed in pieces → the canonical index. */
  const pieces = new Map<number, number>();
  return {
    push(event: SseEvent): ChatStreamEvent[] {
      if (finished) return [];
      if (event.data.trim() === "[DONE]") {
        finished = true;
        return [{ type: "finish", reason: calls > 0 ? "tool_calls" : "stop" }];
      }
      const data: unknown = JSON.parse(event.data);
      if (!isJsonObject(data)) return [];
      const out: ChatStreamEvent[] = [];
      if (!started) {
        started = true;
        out.push({ type: "start", id: `chatcmpl-${crypto.randomUUID().replaceAll("-", "")}`, model: "", created: Math.floor(Date.now() / 1000) });
      }
      if (data.success === false || (Array.isArray(data.errors) && data.errors.length > 0)) {
        finished = true;
        out.push({ type: "error", error: decodeWorkersAiError(502, data) });
        return out;
      }
      if (typeof data.response === "string" && data.response !== "") out.push({ type: "text", text: data.response });
      if (Array.isArray(data.tool_calls)) {
        for (const call of data.tool_calls) {
          if (!isJsonObject(call)) continue;
          const fn = isJsonObject(call.function) ? call.function : undefined;
          if (fn && typeof call.index === "number") {
            let index = pieces.get(call.index);
            if (index === undefined && typeof fn.name === "string") {
              index = calls++;
              pieces.set(call.index, index);
              out.push({ type: "tool_call_start", index, id: typeof call.id === "string" && call.id !== "" ? call.id : newCallId(), name: fn.name });
            }
            if (index !== undefined && typeof fn.arguments === "string" && fn.arguments !== "") out.push({ type: "tool_call_delta", index, arguments: fn.arguments });
            continue;
          }
          const whole = fn ?? call;
          if (typeof whole.name !== "string") continue;
          const index = calls++;
          out.push({ type: "tool_call_start", index, id: typeof call.id === "string" && call.id !== "" ? call.id : newCallId(), name: whole.name });
          const args = whole.arguments === undefined || whole.arguments === null ? "{}" : typeof whole.arguments === "string" ? whole.arguments : JSON.stringify(whole.arguments);
          out.push({ type: "tool_call_delta", index, arguments: args });
        }
      }
      const usage = usageOf(data.usage);
      if (usage) out.push({ type: "usage", usage: { input: usage.input, output: usage.output } });
      return out;
    },
    end: () => [],
  };
}

/**
 * Canonical events → Workers AI's stream. Text goes out as it comes; tool calls are sent whole (the
 * older shape, with their ids) in one event when the answer finishes, since that shape has no
 * pieces; the usage follows in its own event, then `[DONE]`. Reasoning has no place in the stream
 * and is left out.
 */
export function workersAiStreamEncoder(): StreamEncoder {
  const calls: ToolCall[] = [];
  let usage: CanonicalUsage | undefined;
  let failed = false;
  const event = (data: unknown): SseEvent => ({ data: JSON.stringify(data) });
  return {
    push(e: ChatStreamEvent): SseEvent[] {
      switch (e.type) {
        case "text":
          return [event({ response: e.text })];
        case "tool_call_start":
          calls[e.index] = { id: e.id, type: "function", function: { name: e.name, arguments: "" } };
          return [];
        case "tool_call_delta": {
          const call = calls[e.index];
          if (call) call.function.arguments += e.arguments;
          return [];
        }
        case "finish": {
          const whole = calls.filter(Boolean);
          calls.length = 0;
          return whole.length > 0 ? [event({ response: "", tool_calls: whole.map(encodeToolCall) })] : [];
        }
        case "usage":
          usage = { input: 0, output: 0, cache_read: 0, cache_write: 0, reasoning: 0, ...usage, ...definedOnly(e.usage) };
          return [];
        case "error":
          failed = true;
          return workersAiStreamErrorEvents(e.error);
        case "start":
        case "reasoning":
        case "reasoning_end":
          return [];
      }
    },
    end(): SseEvent[] {
      if (failed) return [];
      const out = usage ? [event({ response: "", usage: encodeUsage(usage) })] : [];
      out.push({ data: "[DONE]" });
      return out;
    },
  };
}

function definedOnly(usage: Partial<CanonicalUsage>): Partial<CanonicalUsage> {
  return Object.fromEntries(Object.entries(usage).filter(([, value]) => value !== undefined));
}
