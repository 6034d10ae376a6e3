import type { CanonicalUsage, ChatStreamEvent, SseEvent } from "@/lib/formats/canonical";
import { FormatError, type StreamDecoder, type StreamEncoder } from "@/lib/formats/codec";
import { isJsonObject, parseJsonObject, type JsonObject } from "@/lib/formats/json";
import { converseStreamErrorEvents, errorFromException } from "./error";
import { EXCEPTION_EVENT } from "./event-stream";
import { answerId, finishReasonOf, stopReasonOf } from "./response";
import { converseUsageOf, usageFromConverse } from "./usage";

/**
 * ConverseStream's events, as the event-stream reader hands them over (`event` is the frame's
 * `:event-type`, `data` its JSON payload): messageStart, contentBlockStart (a tool call's id and
 * name), contentBlockDelta (`text`, `toolUse.input` as JSON text in pieces, or `reasoningContent`
 * with `text`, then `signature`, or `redactedContent`), contentBlockStop, messageStop
 * (`stopReason`), metadata (`usage`, cache counts included). Exceptions become an error event.
 * Tool calls are numbered in the order they start, whatever their block index.
 */
export function converseStreamDecoder(): StreamDecoder {
  const callByBlock = new Map<number, number>();
  const reasoningBlocks = new Set<number>();
  let calls = 0;
  let started = false;

  const start = (out: ChatStreamEvent[]) => {
    if (started) return;
    started = true;
    out.push({ type: "start", id: answerId(), model: "", created: Math.floor(Date.now() / 1000) });
  };

  return {
    push(event: SseEvent): ChatStreamEvent[] {
      const data = parseJsonObject(event.data);
      if (!data) throw new FormatError(`A ConverseStream ${event.event ?? ""} event was not a JSON object.`, "stream", "invalid_field");
      const out: ChatStreamEvent[] = [];
      const index = typeof data.contentBlockIndex === "number" ? data.contentBlockIndex : 0;
      switch (event.event) {
        case EXCEPTION_EVENT:
          return [{ type: "error", error: errorFromException(data) }];
        case "messageStart":
          start(out);
          return out;
        case "contentBlockStart": {
          start(out);
          const toolUse = isJsonObject(data.start) && isJsonObject(data.start.toolUse) ? data.start.toolUse : undefined;
          if (toolUse) {
            const call = calls++;
            callByBlock.set(index, call);
            out.push({ type: "tool_call_start", index: call, id: String(toolUse.toolUseId ?? `call_${call}`), name: String(toolUse.name ?? "") });
          }
          return out;
        }
        case "contentBlockDelta":
          start(out);
          readDelta(isJsonObject(data.delta) ? data.delta : {}, index, out);
          return out;
        case "contentBlockStop":
          if (reasoningBlocks.delete(index)) out.push({ type: "reasoning_end" });
          return out;
        case "messageStop":
          start(out);
          for (let open = reasoningBlocks.size; open > 0; open--) out.push({ type: "reasoning_end" });
          reasoningBlocks.clear();
          out.push({ type: "finish", reason: finishReasonOf(data.stopReason) });
          return out;
        case "metadata": {
          const usage = usageFromConverse(data.usage);
          if (usage) out.push({ type: "usage", usage });
          return out;
        }
        default:
          return out;
      }
    },
    end: () => [],
  };

  function readDelta(delta: JsonObject, index: number, out: ChatStreamEvent[]): void {
    if (typeof delta.text === "string") {
      if (delta.text !== "") out.push({ type: "text", text: delta.text });
    } else if (isJsonObject(delta.toolUse)) {
      let call = callByBlock.get(index);
      if (call === undefined) {
        // A delta for a block whose start was not seen: still one call of its own.
        call = calls++;
        callByBlock.set(index, call);
        out.push({ type: "tool_call_start", index: call, id: `call_${call}`, name: "" });
      }
      if (typeof delta.toolUse.input === "string" && delta.toolUse.input !== "") out.push({ type: "tool_call_delta", index: call, arguments: delta.toolUse.input });
    } else if (isJsonObject(delta.reasoningContent)) {
      const reasoning = delta.reasoningContent;
      if (typeof reasoning.text === "string") {
        reasoningBlocks.add(index);
        if (reasoning.text !== "") out.push({ type: "reasoning", text: reasoning.text });
      } else if (typeof reasoning.signature === "string") {
        reasoningBlocks.delete(index);
        out.push({ type: "reasoning_end", signature: reasoning.signature });
      } else if (typeof reasoning.redactedContent === "string") {
        out.push({ type: "reasoning_end", redacted: reasoning.redactedContent });
      }
    }
  }
}

/**
 * Canonical events → ConverseStream events, in the reader's shape (event type and JSON payload):
 * what a Converse client would read once framed. Each text, reasoning or tool call opens a content
 * block of its own, closed when the next kind begins; usage goes in the final metadata event.
 */
export function converseStreamEncoder(): StreamEncoder {
  let block = -1;
  let open: "text" | "reasoning" | `call:${number}` | undefined;
  let usage: Partial<CanonicalUsage> | undefined;
  let stopReason: string | undefined;
  let failed = false;
  const event = (type: string, data: JsonObject): SseEvent => ({ event: type, data: JSON.stringify(data) });
  const close = (): SseEvent[] => {
    if (open === undefined) return [];
    open = undefined;
    return [event("contentBlockStop", { contentBlockIndex: block })];
  };
  const openBlock = (kind: NonNullable<typeof open>, start?: JsonObject): SseEvent[] => {
    if (open === kind) return [];
    const out = close();
    block++;
    open = kind;
    if (start) out.push(event("contentBlockStart", { contentBlockIndex: block, start }));
    return out;
  };
  const delta = (value: JsonObject) => event("contentBlockDelta", { contentBlockIndex: block, delta: value });

  return {
    push(input: ChatStreamEvent): SseEvent[] {
      switch (input.type) {
        case "start":
          return [event("messageStart", { role: "assistant" })];
        case "text":
          return [...openBlock("text"), delta({ text: input.text })];
        case "reasoning":
          return [...openBlock("reasoning"), delta({ reasoningContent: { text: input.text } })];
        case "reasoning_end": {
          const out = openBlock("reasoning");
          if (input.signature !== undefined) out.push(delta({ reasoningContent: { signature: input.signature } }));
          if (input.redacted !== undefined) out.push(delta({ reasoningContent: { redactedContent: input.redacted } }));
          return [...out, ...close()];
        }
        case "tool_call_start":
          return openBlock(`call:${input.index}`, { toolUse: { toolUseId: input.id, name: input.name } });
        case "tool_call_delta":
          return open === `call:${input.index}` ? [delta({ toolUse: { input: input.arguments } })] : [];
        case "finish":
          stopReason = stopReasonOf(input.reason);
          return close();
        case "usage":
          usage = { ...usage, ...input.usage };
          return [];
        case "error":
          failed = true;
          return converseStreamErrorEvents(input.error);
      }
    },
    end(): SseEvent[] {
      if (failed) return [];
      return [
        ...close(),
        event("messageStop", { stopReason: stopReason ?? "end_turn" }),
        event("metadata", { usage: converseUsageOf(usage ?? {}), metrics: { latencyMs: 0 } }),
      ];
    },
  };
}
