import type { CanonicalUsage, ChatStreamEvent, SseEvent } from "@/lib/formats/canonical";
import type { StreamDecoder, StreamEncoder, StreamEncoderOptions } from "@/lib/formats/codec";
import { isJsonObject, parseJsonObject, type JsonObject } from "@/lib/formats/json";
import { errorFromStreamChunk, streamErrorEvents } from "./error";
import { decodeReasoningDetail, encodeUsage, finishReason, signatureContent, toolCallSignature, usageFromBody } from "./response";

/**
 * `chat.completion.chunk` streams ⇄ canonical events. Plain `data:` events, `data: [DONE]` at the
 * end. Reasoning and tool-call signatures travel as in non-streamed answers (see response.ts):
 * `delta.reasoning_content` pieces (read also from OpenRouter's `delta.reasoning`), a
 * `delta.reasoning_details` entry closing a block with its signature or carrying a redacted one,
 * and `extra_content.google.thought_signature` on a tool call's first delta.
 */

/** Reads a provider's chunks. Tool calls are renumbered 0, 1, … in the order they first appear. */
export function streamDecoder(): StreamDecoder {
  let started = false;
  const toolIndex = new Map<number, number>();

  return {
    push(event: SseEvent): ChatStreamEvent[] {
      if (event.data.trim() === "[DONE]") return [];
      const chunk = parseJsonObject(event.data);
      if (!chunk) return [];
      if (chunk.error !== undefined && chunk.error !== null) return [{ type: "error", error: errorFromStreamChunk(chunk.error) }];
      const out: ChatStreamEvent[] = [];
      if (!started && typeof chunk.id === "string") {
        started = true;
        out.push({ type: "start", id: chunk.id, model: typeof chunk.model === "string" ? chunk.model : "", created: typeof chunk.created === "number" ? chunk.created : 0 });
      }
      const choice = Array.isArray(chunk.choices) && isJsonObject(chunk.choices[0]) ? chunk.choices[0] : undefined;
      const delta = isJsonObject(choice?.delta) ? choice.delta : undefined;
      if (delta) {
        out.push(...reasoningEvents(delta));
        if (typeof delta.content === "string" && delta.content !== "") out.push({ type: "text", text: delta.content });
        if (Array.isArray(delta.tool_calls)) for (const call of delta.tool_calls) out.push(...toolCallEvents(call));
      }
      if (choice?.finish_reason !== undefined && choice.finish_reason !== null) {
        out.push({ type: "finish", reason: finishReason(choice.finish_reason, "choices[0].finish_reason") });
      }
      const usage = usageFromBody(chunk);
      if (usage) out.push({ type: "usage", usage });
      return out;
    },
    end: () => [],
  };

  function toolCallEvents(call: unknown): ChatStreamEvent[] {
    if (!isJsonObject(call)) return [];
    const fn = isJsonObject(call.function) ? call.function : {};
    const providerIndex = typeof call.index === "number" ? call.index : toolIndex.size;
    const out: ChatStreamEvent[] = [];
    let index = toolIndex.get(providerIndex);
    if (index === undefined) {
      index = toolIndex.size;
      toolIndex.set(providerIndex, index);
      const start: ChatStreamEvent = {
        type: "tool_call_start",
        index,
        id: typeof call.id === "string" ? call.id : `call_${index}`,
        name: typeof fn.name === "string" ? fn.name : "",
      };
      const signature = toolCallSignature(call);
      if (signature !== undefined) start.signature = signature;
      out.push(start);
    }
    if (typeof fn.arguments === "string" && fn.arguments !== "") out.push({ type: "tool_call_delta", index, arguments: fn.arguments });
    return out;
  }
}

/** OpenRouter sends `reasoning` and `reasoning_details` together; the details, being exact, win. */
function reasoningEvents(delta: JsonObject): ChatStreamEvent[] {
  if (Array.isArray(delta.reasoning_details) && delta.reasoning_details.length > 0) {
    const out: ChatStreamEvent[] = [];
    delta.reasoning_details.forEach((detail, i) => {
      const block = decodeReasoningDetail(detail, `choices[0].delta.reasoning_details[${i}]`);
      if (block.type === "redacted") return out.push({ type: "reasoning_end", redacted: block.data });
      if (block.text !== "") out.push({ type: "reasoning", text: block.text });
      if (block.signature !== undefined || block.id !== undefined) out.push({ type: "reasoning_end", signature: block.signature, id: block.id });
    });
    return out;
  }
  const text = [delta.reasoning_content, delta.reasoning].find((t): t is string => typeof t === "string" && t !== "");
  return text === undefined ? [] : [{ type: "reasoning", text }];
}

/**
 * Writes a client's chunks: a role chunk first, one chunk per event, the finish reason on its own
 * chunk, then (when asked) the usage chunk with `choices: []`, and `[DONE]`. An error event ends
 * the stream with OpenAI's error event and no `[DONE]`.
 *
 * Reasoning goes as OpenRouter streams it: each piece both as `reasoning_content` (DeepSeek-style
 * clients) and as a `reasoning_details` entry carrying the piece with its block's `index`; the
 * block's signature (or its redacted data) comes last under the same index. A client that merges
 * entries of one index (texts joined, other fields kept) holds each block whole with its signature,
 * which is what a provider needs back on the next turn.
 */
export function streamEncoder(options: StreamEncoderOptions = {}): StreamEncoder {
  let head = { id: "", model: "", created: 0 };
  let started = false;
  let failed = false;
  let usage: CanonicalUsage | undefined;
  /** The reasoning_details index of the block being streamed; a client merges entries by it. */
  let blockIndex = 0;
  let blockOpen = false;

  const chunk = (delta: JsonObject, finish: string | null = null): SseEvent => ({
    data: JSON.stringify({ ...head, object: "chat.completion.chunk", choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] }),
  });
  const start = (): SseEvent[] => {
    if (started) return [];
    started = true;
    return [chunk({ role: "assistant", content: "" })];
  };

  return {
    push(event: ChatStreamEvent): SseEvent[] {
      if (failed) return [];
      switch (event.type) {
        case "start":
          head = { id: event.id, model: event.model, created: event.created };
          return start();
        case "text":
          return [...start(), chunk({ content: event.text })];
        case "reasoning":
          blockOpen = true;
          return [...start(), chunk({ reasoning_content: event.text, reasoning_details: [{ type: "reasoning.text", text: event.text, index: blockIndex }] })];
        case "reasoning_end": {
          const detail: JsonObject =
            event.redacted !== undefined ? { type: "reasoning.encrypted", data: event.redacted, index: blockIndex } : { type: "reasoning.text", text: "", index: blockIndex };
          if (event.signature !== undefined) detail.signature = event.signature;
          if (event.id !== undefined) detail.id = event.id;
          const closes = event.redacted !== undefined || event.signature !== undefined || event.id !== undefined;
          if (closes || blockOpen) blockIndex++;
          blockOpen = false;
          return closes ? [...start(), chunk({ reasoning_details: [detail] })] : start();
        }
        case "tool_call_start":
          return [
            ...start(),
            chunk({ tool_calls: [{ index: event.index, id: event.id, type: "function", function: { name: event.name, arguments: "" }, ...signatureContent(event.signature) }] }),
          ];
        case "tool_call_delta":
          return [...start(), chunk({ tool_calls: [{ index: event.index, function: { arguments: event.arguments } }] })];
        case "finish":
          return [...start(), chunk({}, event.reason)];
        case "usage":
          usage = { input: 0, output: 0, cache_read: 0, cache_write: 0, reasoning: 0, ...usage, ...definedCounts(event.usage) };
          return [];
        case "error":
          failed = true;
          return streamErrorEvents(event.error);
      }
    },
    end(): SseEvent[] {
      if (failed) return [];
      const out = start();
      if (options.includeUsage && usage) out.push({ data: JSON.stringify({ ...head, object: "chat.completion.chunk", choices: [], usage: encodeUsage(usage) }) });
      out.push({ data: "[DONE]" });
      return out;
    },
  };
}

function definedCounts(usage: Partial<CanonicalUsage>): Partial<CanonicalUsage> {
  return Object.fromEntries(Object.entries(usage).filter(([, v]) => typeof v === "number"));
}
