import type { CanonicalUsage, ChatStreamEvent, FinishReason, SseEvent } from "@/lib/formats/canonical";
import { FormatError, type StreamDecoder, type StreamEncoder } from "@/lib/formats/codec";
import { isJsonObject, parseJsonObject, type JsonObject } from "@/lib/formats/json";
import { cohereStreamErrorEvents } from "./error";
import { cohereFinishReason, finishReasonOf } from "./response";
import { cohereUsageOf, usageFromCohere } from "./usage";

/**
 * Cohere's v2 Chat stream: server-sent events named like their JSON's `type` (message-start,
 * content-start/delta/end, tool-plan-delta, tool-call-start/delta/end, citation-start/end,
 * message-end), each with `index` and a `delta.message`. The type is read from the JSON, which
 * always has it (cohere-ai's SDK reads only `data:`); a `data: [DONE]` is tolerated and ignored.
 *
 * Decoding: text and thinking content become text and reasoning (a thinking item's content-end
 * closes the reasoning block), the tool plan is reasoning closed by the first tool call, a tool
 * call's arguments stream in pieces as tool_call_delta, `message-end` gives the finish reason and
 * the usage (usage.ts says which counts). `finish_reason: "ERROR"` (or TIMEOUT) is a mid-stream
 * error with `delta.error`'s words. Citations and debug events have no canonical place and are
 * dropped.
 */
export function cohereStreamDecoder(): StreamDecoder {
  let started = false;
  let calls = 0;
  let reasoningOpen = false;
  let finished = false;

  const closeReasoning = (out: ChatStreamEvent[]) => {
    if (!reasoningOpen) return;
    out.push({ type: "reasoning_end" });
    reasoningOpen = false;
  };

  return {
    push(event: SseEvent): ChatStreamEvent[] {
      if (event.data.trim() === "[DONE]") return [];
      const data = parseJsonObject(event.data);
      if (!data) throw new FormatError("A Cohere stream event was not a JSON object.", "stream", "invalid_field");
      const type = typeof data.type === "string" ? data.type : event.event;
      const delta = isJsonObject(data.delta) ? data.delta : {};
      const message = isJsonObject(delta.message) ? delta.message : {};
      const out: ChatStreamEvent[] = [];
      if (!started) {
        started = true;
        out.push({ type: "start", id: typeof data.id === "string" ? data.id : "", model: "", created: Math.floor(Date.now() / 1000) });
      }
      switch (type) {
        case "content-start":
        case "content-delta": {
          const content = isJsonObject(message.content) ? message.content : {};
          if (typeof content.thinking === "string" && (content.type === "thinking" || type === "content-delta")) {
            reasoningOpen = true;
            if (content.thinking !== "") out.push({ type: "reasoning", text: content.thinking });
          } else if (typeof content.text === "string") {
            closeReasoning(out);
            if (content.text !== "") out.push({ type: "text", text: content.text });
          } else if (content.type === "thinking") {
            reasoningOpen = true;
          }
          break;
        }
        case "content-end":
          closeReasoning(out);
          break;
        case "tool-plan-delta":
          if (typeof message.tool_plan === "string" && message.tool_plan !== "") {
            reasoningOpen = true;
            out.push({ type: "reasoning", text: message.tool_plan });
          }
          break;
        case "tool-call-start": {
          const call = isJsonObject(message.tool_calls) ? message.tool_calls : {};
          const fn = isJsonObject(call.function) ? call.function : {};
          if (typeof call.id !== "string" || typeof fn.name !== "string") {
            throw new FormatError("delta.message.tool_calls of a Cohere tool-call-start event had no call id or function name.", "delta.message.tool_calls", "invalid_field");
          }
          closeReasoning(out);
          const index = calls++;
          out.push({ type: "tool_call_start", index, id: call.id, name: fn.name });
          if (typeof fn.arguments === "string" && fn.arguments !== "") out.push({ type: "tool_call_delta", index, arguments: fn.arguments });
          break;
        }
        case "tool-call-delta": {
          const call = isJsonObject(message.tool_calls) ? message.tool_calls : {};
          const fn = isJsonObject(call.function) ? call.function : {};
          if (calls > 0 && typeof fn.arguments === "string" && fn.arguments !== "") out.push({ type: "tool_call_delta", index: calls - 1, arguments: fn.arguments });
          break;
        }
        case "message-end": {
          if (finished) break;
          finished = true;
          closeReasoning(out);
          const usage = usageFromCohere(delta.usage);
          if (usage) out.push({ type: "usage", usage });
          const reason = finishReasonOf(delta.finish_reason);
          if (reason === undefined) {
            const words = typeof delta.error === "string" && delta.error !== "" ? delta.error : `Cohere ended the stream with finish_reason ${JSON.stringify(delta.finish_reason ?? null)}.`;
            out.push({ type: "error", error: { status: 500, message: words } });
          } else {
            out.push({ type: "finish", reason });
          }
          break;
        }
        // message-start (handled above), tool-call-end, citation-start/end, debug: nothing to carry.
      }
      return out;
    },
    end: () => [],
  };
}

type Block = { kind: "text" | "thinking"; index: number } | { kind: "tool"; index: number };

/**
 * Canonical events → Cohere's stream for a Cohere client. Content blocks are numbered as Cohere
 * numbers them (text and thinking items by their position in `message.content`, tool calls by
 * theirs among the calls). Reasoning is held until the next event shows what it was: before a
 * tool call it goes out as the tool plan, as Cohere sends it, else as a thinking item. The finish
 * reason and usage wait for `message-end` at the end.
 */
export function cohereStreamEncoder(): StreamEncoder {
  let id = "";
  let open: Block | undefined;
  let contentItems = 0;
  let finish: FinishReason | undefined;
  let usage: Partial<CanonicalUsage> | undefined;
  let failed = false;
  let planned = "";

  const sse = (type: string, body: JsonObject): SseEvent => ({ event: type, data: JSON.stringify({ type, ...body }) });
  const close = (): SseEvent[] => {
    if (!open) return [];
    const block = open;
    open = undefined;
    return [sse(block.kind === "tool" ? "tool-call-end" : "content-end", { index: block.index })];
  };
  const content = (kind: "text" | "thinking", piece: string): SseEvent[] => {
    const out: SseEvent[] = [];
    if (open?.kind !== kind) {
      out.push(...close());
      open = { kind, index: contentItems++ };
      out.push(sse("content-start", { index: open.index, delta: { message: { content: { type: kind, [kind]: "" } } } }));
    }
    out.push(sse("content-delta", { index: open.index, delta: { message: { content: { [kind]: piece } } } }));
    return out;
  };

  const thinking = (): SseEvent[] => {
    if (planned === "") return [];
    const out = [...content("thinking", planned), ...close()];
    planned = "";
    return out;
  };

  return {
    push(event: ChatStreamEvent): SseEvent[] {
      switch (event.type) {
        case "start":
          id = event.id;
          return [sse("message-start", { id, delta: { message: { role: "assistant" } } })];
        case "text":
          return [...thinking(), ...content("text", event.text)];
        case "reasoning":
          planned += event.text;
          return [];
        case "reasoning_end":
          return thinking();
        case "tool_call_start": {
          const out = close();
          if (planned !== "") out.push(sse("tool-plan-delta", { delta: { message: { tool_plan: planned } } }));
          planned = "";
          open = { kind: "tool", index: event.index };
          out.push(sse("tool-call-start", { index: event.index, delta: { message: { tool_calls: { id: event.id, type: "function", function: { name: event.name, arguments: "" } } } } }));
          return out;
        }
        case "tool_call_delta":
          return [sse("tool-call-delta", { index: event.index, delta: { message: { tool_calls: { function: { arguments: event.arguments } } } } })];
        case "finish":
          finish = event.reason;
          return [];
        case "usage":
          usage = { ...usage, ...event.usage };
          return [];
        case "error":
          failed = true;
          return [...close(), ...cohereStreamErrorEvents(event.error)];
      }
    },
    end(): SseEvent[] {
      if (failed) return [];
      const out = [...thinking(), ...close()];
      const delta: JsonObject = { finish_reason: cohereFinishReason(finish ?? "stop") };
      if (usage) delta.usage = cohereUsageOf(usage);
      out.push(sse("message-end", { id, delta }));
      return out;
    },
  };
}
