import { describe, expect, it } from "vitest";
import type { ChatStreamEvent } from "@/lib/formats/canonical";
import { EventStreamReader } from "./event-stream";
import { converseStreamDecoder, converseStreamEncoder } from "./stream";
import { concatFrames, converseStreamFrames, eventFrame, exceptionFrame } from "./testing";

function decode(frames: Uint8Array[]): ChatStreamEvent[] {
  const decoder = converseStreamDecoder();
  return [...new EventStreamReader().push(concatFrames(frames)).flatMap((event) => decoder.push(event)), ...decoder.end()];
}

describe("ConverseStream → canonical", () => {
  it("reads reasoning with its signature, text, a tool call in pieces, the stop reason and usage with cache counts", () => {
    const events = decode(converseStreamFrames());
    expect(events.filter((e) => e.type !== "start")).toEqual([
      { type: "reasoning", text: "Think" },
      { type: "reasoning_end", signature: "sig-1" },
      { type: "text", text: "Héllo " },
      { type: "text", text: "👋" },
      { type: "tool_call_start", index: 0, id: "tooluse_1", name: "get_weather" },
      { type: "tool_call_delta", index: 0, arguments: '{"city":' },
      { type: "tool_call_delta", index: 0, arguments: '"Paris"}' },
      { type: "finish", reason: "tool_calls" },
      { type: "usage", usage: { input: 32, output: 5, cache_read: 20, cache_write: 2, reasoning: 0 } },
    ]);
    expect(events[0]).toMatchObject({ type: "start" });
  });

  it("closes reasoning without a signature at its block's end, and carries redacted reasoning", () => {
    const events = decode([
      eventFrame("contentBlockDelta", { contentBlockIndex: 0, delta: { reasoningContent: { text: "a" } } }),
      eventFrame("contentBlockStop", { contentBlockIndex: 0 }),
      eventFrame("contentBlockDelta", { contentBlockIndex: 1, delta: { reasoningContent: { redactedContent: "UkVE" } } }),
    ]);
    expect(events.filter((e) => e.type.startsWith("reasoning"))).toEqual([{ type: "reasoning", text: "a" }, { type: "reasoning_end" }, { type: "reasoning_end", redacted: "UkVE" }]);
  });

  it("turns an exception frame into an error with the exception's status", () => {
    const events = decode([eventFrame("messageStart", { role: "assistant" }), exceptionFrame("throttlingException", "Too many tokens")]);
    expect(events.at(-1)).toEqual({ type: "error", error: { status: 429, message: "Too many tokens", type: "throttlingException" } });
  });

  it("maps every stop reason", () => {
    const reasons = ["end_turn", "stop_sequence", "max_tokens", "model_context_window_exceeded", "content_filtered", "guardrail_intervened", "tool_use"].map(
      (stopReason) => decode([eventFrame("messageStop", { stopReason })]).find((e) => e.type === "finish"),
    );
    expect(reasons.map((e) => (e as { reason: string }).reason)).toEqual(["stop", "stop", "length", "length", "content_filter", "content_filter", "tool_calls"]);
  });
});

describe("canonical → ConverseStream events", () => {
  it("opens a block per kind of content and ends with messageStop and metadata, which decode back to the same events", () => {
    const input: ChatStreamEvent[] = [
      { type: "start", id: "", model: "", created: 0 },
      { type: "reasoning", text: "Think" },
      { type: "reasoning_end", signature: "sig" },
      { type: "text", text: "Hi" },
      { type: "tool_call_start", index: 0, id: "t", name: "f" },
      { type: "tool_call_delta", index: 0, arguments: "{}" },
      { type: "finish", reason: "tool_calls" },
      { type: "usage", usage: { input: 30, output: 4, cache_read: 10, cache_write: 0, reasoning: 0 } },
    ];
    const encoder = converseStreamEncoder();
    const events = [...input.flatMap((e) => encoder.push(e)), ...encoder.end()];
    expect(events.map((e) => e.event)).toEqual([
      "messageStart", "contentBlockDelta", "contentBlockDelta", "contentBlockStop", "contentBlockDelta", "contentBlockStop",
      "contentBlockStart", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata",
    ]);
    const decoder = converseStreamDecoder();
    const back = events.flatMap((e) => decoder.push(e)).filter((e) => e.type !== "start");
    expect(back).toEqual([
      ...input.slice(1, 6),
      { type: "finish", reason: "tool_calls" },
      { type: "usage", usage: { input: 30, output: 4, cache_read: 10, cache_write: 0, reasoning: 0 } },
    ]);
  });
});
