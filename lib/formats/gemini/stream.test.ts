import { describe, expect, it } from "vitest";
import type { ChatStreamEvent, ReasoningBlock, SseEvent, ToolCall } from "@/lib/formats/canonical";
import type { JsonObject } from "@/lib/formats/json";
import { geminiCodec } from "./index";

function decodeAll(chunks: JsonObject[]): ChatStreamEvent[] {
  const decoder = geminiCodec.streamDecoder();
  return [...chunks.flatMap((chunk) => decoder.push({ data: JSON.stringify(chunk) })), ...decoder.end()];
}

function encodeAll(events: ChatStreamEvent[]): JsonObject[] {
  const encoder = geminiCodec.streamEncoder();
  const out: SseEvent[] = [...events.flatMap((event) => encoder.push(event)), ...encoder.end()];
  for (const event of out) expect(event.event).toBeUndefined();
  return out.map((event) => JSON.parse(event.data) as JsonObject);
}

/** Canonical events reassembled the way a client of the canonical form would. */
function reassemble(events: ChatStreamEvent[]) {
  let text: string | null = null;
  const reasoning: ReasoningBlock[] = [];
  const calls: ToolCall[] = [];
  let open = false;
  for (const event of events) {
    if (event.type === "text") text = (text ?? "") + event.text;
    if (event.type === "reasoning") {
      const last = reasoning.at(-1);
      if (open && last?.type === "thinking") last.text += event.text;
      else reasoning.push({ type: "thinking", text: event.text });
      open = true;
    }
    if (event.type === "reasoning_end") {
      const last = reasoning.at(-1);
      if (open && last?.type === "thinking") {
        if (event.signature !== undefined) last.signature = event.signature;
      } else if (event.signature !== undefined) reasoning.push({ type: "thinking", text: "", signature: event.signature });
      open = false;
    }
    if (event.type === "tool_call_start") {
      calls[event.index] = { id: event.id, type: "function", function: { name: event.name, arguments: "" }, ...(event.signature ? { signature: event.signature } : {}) };
    }
    if (event.type === "tool_call_delta") calls[event.index]!.function.arguments += event.arguments;
  }
  return { content: text, ...(calls.length > 0 ? { tool_calls: calls } : {}), ...(reasoning.length > 0 ? { reasoning } : {}) };
}

const chunk = (parts: JsonObject[], extra: JsonObject = {}): JsonObject => ({
  candidates: [{ content: { role: "model", parts }, index: 0, ...extra }],
  modelVersion: "gemini-2.5-flash",
  responseId: "r-1",
});

describe("geminiStreamDecoder", () => {
  it("streams thoughts, their signature and text, replacing cumulative usage instead of summing it", () => {
    const chunks = [
      { ...chunk([{ text: "Let me ", thought: true }]), usageMetadata: { promptTokenCount: 10, thoughtsTokenCount: 4, totalTokenCount: 14 } },
      { ...chunk([{ text: "think.", thought: true }]), usageMetadata: { promptTokenCount: 10, thoughtsTokenCount: 8, totalTokenCount: 18 } },
      { ...chunk([{ text: "Hello", thoughtSignature: "sig-1" }]), usageMetadata: { promptTokenCount: 10, thoughtsTokenCount: 8, totalTokenCount: 18 } },
      {
        ...chunk([{ text: " world" }], { finishReason: "STOP" }),
        usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 3, thoughtsTokenCount: 8, cachedContentTokenCount: 6, totalTokenCount: 21 },
      },
    ];
    const events = decodeAll(chunks);
    expect(events).toEqual([
      { type: "start", id: "r-1", model: "gemini-2.5-flash", created: expect.any(Number) },
      { type: "reasoning", text: "Let me " },
      { type: "usage", usage: { input: 10, output: 4, cache_read: 0, cache_write: 0, reasoning: 4 } },
      { type: "reasoning", text: "think." },
      { type: "usage", usage: { input: 10, output: 8, cache_read: 0, cache_write: 0, reasoning: 8 } },
      { type: "reasoning_end" },
      { type: "reasoning_end", signature: "sig-1" },
      { type: "text", text: "Hello" },
      { type: "text", text: " world" },
      { type: "finish", reason: "stop" },
      { type: "usage", usage: { input: 10, output: 11, cache_read: 6, cache_write: 0, reasoning: 8 } },
    ]);
    // The last usage event holds the totals: replacing, not summing, gives Gemini's own numbers.
    const last = events.filter((event) => event.type === "usage").at(-1);
    expect(last).toEqual({ type: "usage", usage: geminiCodec.usageFromBody(chunks[3]!) });
  });

  it("streams a function call whole, with its index, id and signature, and finishes with tool_calls", () => {
    const events = decodeAll([
      chunk([{ text: "Checking." }]),
      chunk([
        { functionCall: { name: "weather", args: { city: "Paris" } }, thoughtSignature: "call-sig" },
        { functionCall: { id: "fc-2", name: "time", args: {} } },
      ]),
      { ...chunk([], { finishReason: "STOP" }), usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 9 } },
    ]);
    expect(events.slice(1)).toEqual([
      { type: "text", text: "Checking." },
      { type: "tool_call_start", index: 0, id: "call_0", name: "weather", signature: "call-sig" },
      { type: "tool_call_delta", index: 0, arguments: '{"city":"Paris"}' },
      { type: "tool_call_start", index: 1, id: "fc-2", name: "time" },
      { type: "tool_call_delta", index: 1, arguments: "{}" },
      { type: "finish", reason: "tool_calls" },
      { type: "usage", usage: { input: 20, output: 9, cache_read: 0, cache_write: 0, reasoning: 0 } },
    ]);
  });

  it("reassembles a stream as the same answer the whole response decodes to", () => {
    const parts: JsonObject[] = [
      { text: "Plan", thought: true },
      { text: " more", thought: true, thoughtSignature: "t-sig" },
      { text: "Answer" },
      { text: "", thoughtSignature: "late-sig" },
      { functionCall: { name: "run", args: { n: 1 } }, thoughtSignature: "c-sig" },
    ];
    const streamed = reassemble(decodeAll(parts.map((part) => chunk([part]))));
    const whole = geminiCodec.decodeResponse(chunk(parts, { finishReason: "STOP" })).message;
    expect(streamed).toEqual(whole);
    expect(whole.reasoning).toEqual([
      { type: "thinking", text: "Plan more", signature: "t-sig" },
      { type: "thinking", text: "", signature: "late-sig" },
    ]);
    // And back to Gemini, each signature is on the part it came on.
    expect(geminiCodec.encodeResponse({ id: "", model: "", created: 0, message: whole, finish_reason: "tool_calls" }).candidates).toEqual([
      {
        content: {
          role: "model",
          parts: [
            { text: "Plan more", thought: true, thoughtSignature: "t-sig" },
            { text: "Answer", thoughtSignature: "late-sig" },
            { functionCall: { name: "run", args: { n: 1 } }, thoughtSignature: "c-sig" },
          ],
        },
        finishReason: "STOP",
        index: 0,
      },
    ]);
  });

  it("passes over answer-only parts, so passthrough streams of server-side tools still read", () => {
    const events = decodeAll([chunk([{ executableCode: { language: "PYTHON", code: "1+1" } }]), { ...chunk([{ text: "2" }], { finishReason: "STOP" }), usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1 } }]);
    expect(events.slice(1)).toEqual([
      { type: "text", text: "2" },
      { type: "finish", reason: "stop" },
      { type: "usage", usage: { input: 3, output: 1, cache_read: 0, cache_write: 0, reasoning: 0 } },
    ]);
  });

  it("turns an error object mid-stream into an error event", () => {
    const events = decodeAll([chunk([{ text: "Hi" }]), { error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" } }]);
    expect(events.at(-1)).toEqual({ type: "error", error: { status: 503, message: "The model is overloaded.", type: "UNAVAILABLE" } });
  });

  it("finishes a blocked prompt with content_filter", () => {
    expect(decodeAll([{ promptFeedback: { blockReason: "PROHIBITED_CONTENT" } }]).at(-1)).toEqual({ type: "finish", reason: "content_filter" });
  });
});

describe("geminiStreamEncoder", () => {
  it("writes Gemini chunks: text and thoughts as they come, calls whole, finish and usage in the last chunk", () => {
    const chunks = encodeAll([
      { type: "start", id: "msg_1", model: "claude-sonnet-4-5", created: 1 },
      { type: "usage", usage: { input: 30 } },
      { type: "reasoning", text: "Hmm" },
      { type: "reasoning_end", signature: "sig" },
      { type: "text", text: "Let me look." },
      { type: "tool_call_start", index: 0, id: "toolu_1", name: "weather" },
      { type: "tool_call_delta", index: 0, arguments: '{"ci' },
      { type: "tool_call_delta", index: 0, arguments: 'ty":"Oslo"}' },
      { type: "tool_call_start", index: 1, id: "toolu_2", name: "time", signature: "c-sig" },
      { type: "finish", reason: "tool_calls" },
      { type: "usage", usage: { output: 12, reasoning: 2 } },
    ]);
    const meta = { modelVersion: "claude-sonnet-4-5", responseId: "msg_1" };
    expect(chunks).toEqual([
      { candidates: [{ index: 0, content: { role: "model", parts: [{ text: "Hmm", thought: true }] } }], usageMetadata: { promptTokenCount: 30, candidatesTokenCount: 0, totalTokenCount: 30 }, ...meta },
      { candidates: [{ index: 0, content: { role: "model", parts: [{ text: "", thought: true, thoughtSignature: "sig" }] } }], usageMetadata: { promptTokenCount: 30, candidatesTokenCount: 0, totalTokenCount: 30 }, ...meta },
      { candidates: [{ index: 0, content: { role: "model", parts: [{ text: "Let me look." }] } }], usageMetadata: { promptTokenCount: 30, candidatesTokenCount: 0, totalTokenCount: 30 }, ...meta },
      {
        candidates: [
          {
            index: 0,
            content: {
              role: "model",
              parts: [
                { functionCall: { id: "toolu_1", name: "weather", args: { city: "Oslo" } } },
                { functionCall: { id: "toolu_2", name: "time", args: {} }, thoughtSignature: "c-sig" },
              ],
            },
            finishReason: "STOP",
          },
        ],
        usageMetadata: { promptTokenCount: 30, candidatesTokenCount: 10, thoughtsTokenCount: 2, totalTokenCount: 42 },
        ...meta,
      },
    ]);
    // And a Gemini client reading them gets the same conversation back.
    const again = reassemble(decodeAll(chunks));
    expect(again).toEqual({
      content: "Let me look.",
      reasoning: [{ type: "thinking", text: "Hmm", signature: "sig" }],
      tool_calls: [
        { id: "toolu_1", type: "function", function: { name: "weather", arguments: '{"city":"Oslo"}' } },
        { id: "toolu_2", type: "function", function: { name: "time", arguments: "{}" }, signature: "c-sig" },
      ],
    });
  });

  it("ends with the error object and no finish when the stream fails", () => {
    const encoder = geminiCodec.streamEncoder();
    encoder.push({ type: "text", text: "partial" });
    encoder.push({ type: "finish", reason: "stop" });
    expect(encoder.push({ type: "error", error: { status: 500, message: "upstream broke" } })).toEqual([
      { data: JSON.stringify({ error: { code: 500, message: "upstream broke", status: "INTERNAL" } }) },
    ]);
    expect(encoder.end()).toEqual([]);
  });

  it("says nothing at the end of a stream that carried nothing", () => {
    expect(encodeAll([])).toEqual([]);
  });
});
