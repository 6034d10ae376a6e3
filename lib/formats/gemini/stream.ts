import type { CanonicalUsage, ChatStreamEvent, FinishReason, SseEvent } from "@/lib/formats/canonical";
import { FormatError, type StreamDecoder, type StreamEncoder } from "@/lib/formats/codec";
import { isJsonObject, parseJsonObject, type JsonObject } from "@/lib/formats/json";
import { decodeGeminiError, geminiStreamErrorEvents } from "./error";
import { isAnswerOnlyPart, optionalString, readFunctionCall } from "./parts";
import { createdOf, finishReasonOf, geminiFinishReason } from "./response";
import { usageFromMetadata, usageMetadataOf } from "./usage";

/**
 * Gemini streams: every event (an SSE `data:` with `alt=sse`, or an element of the JSON array
 * without it, which the framing hands over as the same event) is a whole GenerateContentResponse
 * holding the next piece of the first candidate. Function calls arrive whole, in one part, so each
 * becomes a `tool_call_start` and one `tool_call_delta`. `usageMetadata` on a chunk is the running
 * total: it replaces the last one, and a usage event goes out only when it changed. Thought parts
 * and signatures follow the same rules as a whole answer (parts.ts), so both reassemble alike.
 */
export function geminiStreamDecoder(): StreamDecoder {
  let started = false;
  let calls = 0;
  let reasoningOpen = false;
  let lastUsage = "";
  let finished = false;

  const closeReasoning = (out: ChatStreamEvent[], signature?: string) => {
    if (!reasoningOpen && signature === undefined) return;
    out.push({ type: "reasoning_end", ...(signature === undefined ? {} : { signature }) });
    reasoningOpen = false;
  };

  return {
    push(event: SseEvent): ChatStreamEvent[] {
      const chunk = parseJsonObject(event.data);
      if (!chunk) throw new FormatError("A Gemini stream event was not a JSON object.", "stream", "invalid_field");
      if (isJsonObject(chunk.error)) {
        const code = chunk.error.code;
        return [{ type: "error", error: decodeGeminiError(typeof code === "number" && code >= 400 ? code : 500, chunk) }];
      }
      const out: ChatStreamEvent[] = [];
      if (!started) {
        started = true;
        out.push({
          type: "start",
          id: typeof chunk.responseId === "string" ? chunk.responseId : "",
          model: typeof chunk.modelVersion === "string" ? chunk.modelVersion : "",
          created: createdOf(chunk),
        });
      }
      const candidate: unknown = Array.isArray(chunk.candidates) ? chunk.candidates[0] : undefined;
      if (isJsonObject(candidate)) {
        const parts = isJsonObject(candidate.content) && Array.isArray(candidate.content.parts) ? candidate.content.parts : [];
        parts.forEach((part: unknown, index) => readPart(part, `candidates[0].content.parts[${index}]`, out));
        if (typeof candidate.finishReason === "string" && !finished) {
          finished = true;
          closeReasoning(out);
          out.push({ type: "finish", reason: finishReasonOf(candidate.finishReason, calls > 0) });
        }
      } else if (isJsonObject(chunk.promptFeedback) && chunk.promptFeedback.blockReason !== undefined && !finished) {
        finished = true;
        out.push({ type: "finish", reason: "content_filter" });
      }
      const usage = usageFromMetadata(chunk.usageMetadata);
      const key = JSON.stringify(usage);
      if (usage && key !== lastUsage) {
        lastUsage = key;
        out.push({ type: "usage", usage });
      }
      return out;
    },
    end: () => [],
  };

  function readPart(part: unknown, field: string, out: ChatStreamEvent[]): void {
    if (!isJsonObject(part)) throw new FormatError(`${field} must be a part object.`, field, "invalid_field");
    const signature = optionalString(part.thoughtSignature, `${field}.thoughtSignature`);
    if (isJsonObject(part.functionCall)) {
      const index = calls++;
      const call = readFunctionCall(part.functionCall, `${field}.functionCall`, `call_${index}`, signature);
      closeReasoning(out);
      out.push({ type: "tool_call_start", index, id: call.id, name: call.function.name, ...(signature === undefined ? {} : { signature }) });
      out.push({ type: "tool_call_delta", index, arguments: call.function.arguments });
    } else if (typeof part.text === "string" && part.thought === true) {
      if (part.text !== "") out.push({ type: "reasoning", text: part.text });
      reasoningOpen = true;
      if (signature !== undefined) closeReasoning(out, signature);
    } else if (typeof part.text === "string" || (signature !== undefined && Object.keys(part).length === 1)) {
      const text = typeof part.text === "string" ? part.text : "";
      if (signature !== undefined || text !== "") closeReasoning(out);
      // A text part's signature is a block of its own (parts.ts): a reasoning_end with no block open.
      if (signature !== undefined) out.push({ type: "reasoning_end", signature });
      if (text !== "") out.push({ type: "text", text });
    } else if (!isAnswerOnlyPart(part)) {
      throw new FormatError(`${field}: only text, thought and functionCall parts can be carried in a model turn.`, field);
    }
  }
}

interface PendingCall {
  id: string;
  name: string;
  arguments: string;
  signature?: string;
}

/**
 * Canonical events → Gemini chunks for a Gemini client (`data:` events, as with `alt=sse`). Text
 * and thoughts go out as they come; a tool call goes out whole, once the next kind of event (or
 * the end) shows its arguments are complete, since Gemini's calls are never split. The finish
 * reason waits for the end so the last chunk carries it with the final usage, as Gemini's does;
 * every chunk carries the usage known so far. Anthropic's redacted thinking has no Gemini form
 * and is left out.
 */
export function geminiStreamEncoder(): StreamEncoder {
  let id = "";
  let model = "";
  let usage: Partial<CanonicalUsage> | undefined;
  let finish: FinishReason | undefined;
  let failed = false;
  const pending = new Map<number, PendingCall>();

  const chunk = (parts: JsonObject[], finishReason?: string): SseEvent => {
    const candidate: JsonObject = { index: 0 };
    if (parts.length > 0) candidate.content = { role: "model", parts };
    if (finishReason !== undefined) candidate.finishReason = finishReason;
    const body: JsonObject = { candidates: [candidate] };
    if (usage) body.usageMetadata = usageMetadataOf(usage);
    if (model) body.modelVersion = model;
    if (id) body.responseId = id;
    return { data: JSON.stringify(body) };
  };

  const callParts = (): JsonObject[] => {
    const parts = [...pending.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, call]) => {
        let args: unknown;
        try {
          args = call.arguments.trim() === "" ? {} : JSON.parse(call.arguments);
        } catch {
          throw new FormatError(`tool_calls.function.arguments of call ${call.id} were not JSON, which a Gemini client cannot read.`, "tool_calls.function.arguments", "invalid_field");
        }
        return {
          functionCall: { id: call.id, name: call.name, args },
          ...(call.signature === undefined ? {} : { thoughtSignature: call.signature }),
        };
      });
    pending.clear();
    return parts;
  };

  const withCalls = (events: SseEvent[]): SseEvent[] => (pending.size > 0 ? [chunk(callParts()), ...events] : events);

  return {
    push(event: ChatStreamEvent): SseEvent[] {
      switch (event.type) {
        case "start":
          id = event.id;
          model = event.model;
          return [];
        case "text":
          return withCalls([chunk([{ text: event.text }])]);
        case "reasoning":
          return withCalls([chunk([{ text: event.text, thought: true }])]);
        case "reasoning_end":
          return event.signature === undefined ? [] : withCalls([chunk([{ text: "", thought: true, thoughtSignature: event.signature }])]);
        case "tool_call_start":
          pending.set(event.index, { id: event.id, name: event.name, arguments: "", ...(event.signature === undefined ? {} : { signature: event.signature }) });
          return [];
        case "tool_call_delta": {
          const call = pending.get(event.index);
          if (call) call.arguments += event.arguments;
          return [];
        }
        case "finish":
          finish = event.reason;
          return [];
        case "usage":
          usage = { ...usage, ...event.usage };
          return [];
        case "error":
          failed = true;
          pending.clear();
          return geminiStreamErrorEvents(event.error);
      }
    },
    end(): SseEvent[] {
      // The error event was the stream's last word.
      if (failed) return [];
      const parts = callParts();
      if (parts.length === 0 && finish === undefined && usage === undefined) return [];
      return [chunk(parts, finish === undefined ? undefined : geminiFinishReason(finish))];
    },
  };
}
