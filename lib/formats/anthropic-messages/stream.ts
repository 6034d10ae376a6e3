import type { CanonicalUsage, ChatStreamEvent, FinishReason, SseEvent } from "@/lib/formats/canonical";
import type { StreamDecoder, StreamEncoder } from "@/lib/formats/codec";
import { isJsonObject, parseJsonObject, type JsonObject } from "@/lib/formats/json";
import { toolUseId } from "./ids";
import { encodeError, errorFromStreamEvent } from "./error";
import { finishReason, stopReason } from "./response";
import { AnthropicUsageTotals, anthropicUsage } from "./usage";

/**
 * Anthropic's streamed answers (named SSE events: message_start, content_block_start / _delta /
 * _stop, message_delta, message_stop, ping, error) ⇄ canonical stream events.
 */

type BlockKind = "text" | "thinking" | "tool_use" | "other";

/**
 * Decodes one Anthropic stream. A tool call's canonical index is its position among the message's
 * tool_use blocks, not the content block index Anthropic gives it (thinking and text blocks come
 * first). Server-tool blocks and citation deltas have no canonical form; translated requests never
 * ask for them, so they are passed over. `ping` carries nothing.
 */
export function streamDecoder(): StreamDecoder {
  const blocks = new Map<number, { kind: BlockKind; toolIndex: number; signature?: string }>();
  const usage = new AnthropicUsageTotals();
  let toolCalls = 0;

  const usageEvent = (): ChatStreamEvent => ({ type: "usage", usage: usage.canonical() });

  return {
    push(event: SseEvent): ChatStreamEvent[] {
      if (event.event === "ping") return [];
      const data = parseJsonObject(event.data);
      const type = event.event ?? (typeof data?.type === "string" ? data.type : undefined);
      if (data === undefined) {
        if (event.data.trim() === "") return [];
        return [{ type: "error", error: { status: 502, message: `Anthropic sent an unreadable ${type ?? "stream"} event`, type: "api_error" } }];
      }
      switch (type) {
        case "message_start": {
          const message = isJsonObject(data.message) ? data.message : {};
          const out: ChatStreamEvent[] = [
            {
              type: "start",
              id: typeof message.id === "string" ? message.id : "",
              model: typeof message.model === "string" ? message.model : "",
              created: Math.floor(Date.now() / 1000),
            },
          ];
          if (isJsonObject(message.usage) && usage.apply(message.usage)) out.push(usageEvent());
          return out;
        }
        case "content_block_start": {
          const block = isJsonObject(data.content_block) ? data.content_block : {};
          const index = typeof data.index === "number" ? data.index : blocks.size;
          switch (block.type) {
            case "text":
              blocks.set(index, { kind: "text", toolIndex: -1 });
              return typeof block.text === "string" && block.text !== "" ? [{ type: "text", text: block.text }] : [];
            case "thinking": {
              const signature = typeof block.signature === "string" && block.signature !== "" ? block.signature : undefined;
              blocks.set(index, { kind: "thinking", toolIndex: -1, ...(signature === undefined ? {} : { signature }) });
              return typeof block.thinking === "string" && block.thinking !== "" ? [{ type: "reasoning", text: block.thinking }] : [];
            }
            case "redacted_thinking":
              blocks.set(index, { kind: "other", toolIndex: -1 });
              return typeof block.data === "string" ? [{ type: "reasoning_end", redacted: block.data }] : [];
            case "tool_use": {
              const toolIndex = toolCalls++;
              blocks.set(index, { kind: "tool_use", toolIndex });
              const out: ChatStreamEvent[] = [{ type: "tool_call_start", index: toolIndex, id: String(block.id), name: String(block.name) }];
              // Streamed tool input starts as {} and arrives in input_json_delta events; a non-empty one is whole.
              if (isJsonObject(block.input) && Object.keys(block.input).length > 0) {
                out.push({ type: "tool_call_delta", index: toolIndex, arguments: JSON.stringify(block.input) });
              }
              return out;
            }
            default:
              blocks.set(index, { kind: "other", toolIndex: -1 });
              return [];
          }
        }
        case "content_block_delta": {
          const block = typeof data.index === "number" ? blocks.get(data.index) : undefined;
          const delta = isJsonObject(data.delta) ? data.delta : {};
          if (block === undefined) return [];
          switch (delta.type) {
            case "text_delta":
              return typeof delta.text === "string" && delta.text !== "" ? [{ type: "text", text: delta.text }] : [];
            case "thinking_delta":
              return typeof delta.thinking === "string" && delta.thinking !== "" ? [{ type: "reasoning", text: delta.thinking }] : [];
            case "signature_delta":
              if (typeof delta.signature === "string") block.signature = delta.signature;
              return [];
            case "input_json_delta":
              return block.kind === "tool_use" && typeof delta.partial_json === "string" && delta.partial_json !== ""
                ? [{ type: "tool_call_delta", index: block.toolIndex, arguments: delta.partial_json }]
                : [];
            default:
              return [];
          }
        }
        case "content_block_stop": {
          const block = typeof data.index === "number" ? blocks.get(data.index) : undefined;
          if (block?.kind !== "thinking") return [];
          return [block.signature === undefined ? { type: "reasoning_end" } : { type: "reasoning_end", signature: block.signature }];
        }
        case "message_delta": {
          const out: ChatStreamEvent[] = [];
          const delta = isJsonObject(data.delta) ? data.delta : {};
          if (typeof delta.stop_reason === "string") out.push({ type: "finish", reason: finishReason(delta.stop_reason) });
          if (isJsonObject(data.usage) && usage.apply(data.usage)) out.push(usageEvent());
          return out;
        }
        case "error":
          return [{ type: "error", error: errorFromStreamEvent(data) }];
        default:
          // message_stop, and event types newer than this codec: Anthropic asks clients to pass over those.
          return [];
      }
    },
    end: () => [],
  };
}

/**
 * Encodes canonical events as Anthropic's exact sequence: message_start (usage so far), then per
 * content block content_block_start, its deltas and content_block_stop with consecutive indexes,
 * then message_delta (stop reason and the cumulative usage, input and cache counts included, which
 * the SDK takes over the message_start's) and message_stop at the end, since providers like
 * OpenAI report usage after their finish reason. A tool call's arguments that arrive after the
 * next block began still go to its own block index, which Anthropic's SDK accumulates by index.
 * Anthropic's streams always carry usage, so the encoder takes no options (`includeUsage` is
 * OpenAI Chat's).
 */
export function streamEncoder(): StreamEncoder {
  let started = false;
  let done = false;
  let nextIndex = 0;
  let open: { index: number; kind: BlockKind } | undefined;
  const toolBlocks = new Map<number, number>();
  let usage: Partial<CanonicalUsage> = {};
  let finish: FinishReason | undefined;
  let id = "";
  let model = "";

  const sse = (type: string, payload: JsonObject = {}): SseEvent => ({ event: type, data: JSON.stringify({ type, ...payload }) });

  const ensureStarted = (out: SseEvent[]) => {
    if (started) return;
    started = true;
    out.push(
      sse("message_start", {
        message: {
          id,
          type: "message",
          role: "assistant",
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: anthropicUsage(usage),
        },
      }),
    );
  };

  const closeOpen = (out: SseEvent[]) => {
    if (open === undefined) return;
    out.push(sse("content_block_stop", { index: open.index }));
    open = undefined;
  };

  const openBlock = (out: SseEvent[], kind: BlockKind, contentBlock: JsonObject): number => {
    ensureStarted(out);
    closeOpen(out);
    const index = nextIndex++;
    out.push(sse("content_block_start", { index, content_block: contentBlock }));
    open = { index, kind };
    return index;
  };

  return {
    push(event: ChatStreamEvent): SseEvent[] {
      if (done) return [];
      const out: SseEvent[] = [];
      switch (event.type) {
        case "start":
          id = event.id;
          model = event.model;
          ensureStarted(out);
          break;
        case "text":
          if (event.text === "") break;
          if (open?.kind !== "text") openBlock(out, "text", { type: "text", text: "" });
          out.push(sse("content_block_delta", { index: open?.index, delta: { type: "text_delta", text: event.text } }));
          break;
        case "reasoning":
          if (event.text === "") break;
          if (open?.kind !== "thinking") openBlock(out, "thinking", { type: "thinking", thinking: "", signature: "" });
          out.push(sse("content_block_delta", { index: open?.index, delta: { type: "thinking_delta", thinking: event.text } }));
          break;
        case "reasoning_end":
          if (event.redacted !== undefined) {
            openBlock(out, "other", { type: "redacted_thinking", data: event.redacted });
            closeOpen(out);
            break;
          }
          // A signature without thinking text (display "omitted") still needs its block.
          if (open?.kind !== "thinking") {
            if (event.signature === undefined) break;
            openBlock(out, "thinking", { type: "thinking", thinking: "", signature: "" });
          }
          if (event.signature !== undefined) {
            out.push(sse("content_block_delta", { index: open?.index, delta: { type: "signature_delta", signature: event.signature } }));
          }
          closeOpen(out);
          break;
        case "tool_call_start":
          toolBlocks.set(event.index, openBlock(out, "tool_use", { type: "tool_use", id: toolUseId(event.id, event.signature), name: event.name, input: {} }));
          break;
        case "tool_call_delta": {
          const index = toolBlocks.get(event.index);
          if (index === undefined || event.arguments === "") break;
          out.push(sse("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: event.arguments } }));
          break;
        }
        case "finish":
          finish = event.reason;
          break;
        case "usage":
          usage = { ...usage, ...event.usage };
          break;
        case "error":
          done = true;
          out.push({ event: "error", data: JSON.stringify(encodeError(event.error)) });
          break;
      }
      return out;
    },
    end(): SseEvent[] {
      if (done) return [];
      const out: SseEvent[] = [];
      ensureStarted(out);
      closeOpen(out);
      const wireUsage = anthropicUsage(usage);
      out.push(
        sse("message_delta", {
          delta: { stop_reason: stopReason(finish ?? "stop"), stop_sequence: null },
          usage: wireUsage,
        }),
      );
      out.push(sse("message_stop"));
      done = true;
      return out;
    },
  };
}
