import { describe, expect, it } from "vitest";
import type { ChatStreamEvent, SseEvent } from "@/lib/formats/canonical";
import { cohereStreamDecoder, cohereStreamEncoder } from "./stream";

const event = (type: string, body: Record<string, unknown> = {}): SseEvent => ({ event: type, data: JSON.stringify({ type, ...body }) });
const message = (m: Record<string, unknown>) => ({ delta: { message: m } });

function decode(events: SseEvent[]): ChatStreamEvent[] {
  const decoder = cohereStreamDecoder();
  return [...events.flatMap((e) => decoder.push(e)), ...decoder.end()];
}

describe("Cohere stream → canonical", () => {
  it("reads thinking, text, the tool plan and calls with their arguments in pieces, then the finish and billed usage", () => {
    const events = decode([
      event("message-start", { id: "m1", ...message({ role: "assistant" }) }),
      event("content-start", { index: 0, ...message({ content: { type: "thinking", thinking: "" } }) }),
      event("content-delta", { index: 0, ...message({ content: { thinking: "Hmm. " } }) }),
      event("content-end", { index: 0 }),
      event("content-start", { index: 1, ...message({ content: { type: "text", text: "" } }) }),
      event("content-delta", { index: 1, ...message({ content: { text: "Sure." } }) }),
      event("content-end", { index: 1 }),
      event("tool-plan-delta", message({ tool_plan: "I will " })),
      event("tool-plan-delta", message({ tool_plan: "call f." })),
      event("tool-call-start", { index: 0, ...message({ tool_calls: { id: "f_1", type: "function", function: { name: "f", arguments: "" } } }) }),
      event("tool-call-delta", { index: 0, ...message({ tool_calls: { function: { arguments: '{"a":' } } }) }),
      event("tool-call-delta", { index: 0, ...message({ tool_calls: { function: { arguments: "1}" } } }) }),
      event("tool-call-end", { index: 0 }),
      event("tool-call-start", { index: 1, ...message({ tool_calls: { id: "g_2", type: "function", function: { name: "g", arguments: "{}" } } }) }),
      event("tool-call-end", { index: 1 }),
      event("citation-start", { index: 0, ...message({ citations: { start: 0, end: 1 } }) }),
      event("citation-end", { index: 0 }),
      event("message-end", { delta: { finish_reason: "TOOL_CALL", usage: { billed_units: { input_tokens: 8, output_tokens: 3 }, tokens: { input_tokens: 80, output_tokens: 4 } } } }),
      { data: "[DONE]" },
    ]);
    expect(events.slice(1)).toEqual([
      { type: "reasoning", text: "Hmm. " },
      { type: "reasoning_end" },
      { type: "text", text: "Sure." },
      { type: "reasoning", text: "I will " },
      { type: "reasoning", text: "call f." },
      { type: "reasoning_end" },
      { type: "tool_call_start", index: 0, id: "f_1", name: "f" },
      { type: "tool_call_delta", index: 0, arguments: '{"a":' },
      { type: "tool_call_delta", index: 0, arguments: "1}" },
      { type: "tool_call_start", index: 1, id: "g_2", name: "g" },
      { type: "tool_call_delta", index: 1, arguments: "{}" },
      { type: "usage", usage: { input: 8, output: 3, cache_read: 0, cache_write: 0, reasoning: 0 } },
      { type: "finish", reason: "tool_calls" },
    ]);
    expect(events[0]).toMatchObject({ type: "start", id: "m1", model: "" });
  });

  it("turns message-end with finish_reason ERROR into an error with Cohere's words", () => {
    const events = decode([event("message-start", { id: "m" }), event("message-end", { delta: { finish_reason: "ERROR", error: "the model broke" } })]);
    expect(events.at(-1)).toEqual({ type: "error", error: { status: 500, message: "the model broke" } });
  });
});

describe("canonical → Cohere stream", () => {
  it("writes Cohere's named events, the plan before the calls, and message-end with the finish reason and usage", () => {
    const encoder = cohereStreamEncoder();
    const pushed: ChatStreamEvent[] = [
      { type: "start", id: "r1", model: "m", created: 0 },
      { type: "text", text: "Let me check. " },
      { type: "reasoning", text: "Call f." },
      { type: "reasoning_end" },
      { type: "tool_call_start", index: 0, id: "c0", name: "f" },
      { type: "tool_call_delta", index: 0, arguments: '{"a":1}' },
      { type: "usage", usage: { input: 5, output: 2 } },
      { type: "finish", reason: "tool_calls" },
    ];
    const out = [...pushed.flatMap((e) => encoder.push(e)), ...encoder.end()];
    // The event name and the JSON's type agree: cohere-ai's SDK reads only the JSON.
    const types = out.map((e) => (JSON.parse(e.data) as { type: string }).type);
    expect(types).toEqual(out.map((e) => e.event));
    expect(types).toEqual(["message-start", "content-start", "content-delta", "content-end", "content-start", "content-delta", "content-end", "tool-call-start", "tool-call-delta", "tool-call-end", "message-end"]);
    expect(JSON.parse(out.at(-1)!.data)).toEqual({
      type: "message-end",
      id: "r1",
      delta: { finish_reason: "TOOL_CALL", usage: { billed_units: { input_tokens: 5, output_tokens: 2 }, tokens: { input_tokens: 5, output_tokens: 2 } } },
    });
  });

  it("sends reasoning that leads to a tool call as tool-plan-delta", () => {
    const encoder = cohereStreamEncoder();
    const out = [
      ...encoder.push({ type: "start", id: "r", model: "m", created: 0 }),
      ...encoder.push({ type: "reasoning", text: "Plan." }),
      ...encoder.push({ type: "tool_call_start", index: 0, id: "c", name: "f" }),
      ...encoder.end(),
    ];
    expect(out.map((e) => e.event)).toEqual(["message-start", "tool-plan-delta", "tool-call-start", "tool-call-end", "message-end"]);
    expect(JSON.parse(out[1]!.data)).toEqual({ type: "tool-plan-delta", delta: { message: { tool_plan: "Plan." } } });
  });

  it("sends reasoning followed by text as a thinking item before the text", () => {
    const encoder = cohereStreamEncoder();
    const out = [
      ...encoder.push({ type: "start", id: "r", model: "m", created: 0 }),
      ...encoder.push({ type: "reasoning", text: "Think." }),
      ...encoder.push({ type: "text", text: "Hi" }),
      ...encoder.end(),
    ];
    expect(out.map((e) => [e.event, JSON.parse(e.data).index])).toEqual([
      ["message-start", undefined],
      ["content-start", 0],
      ["content-delta", 0],
      ["content-end", 0],
      ["content-start", 1],
      ["content-delta", 1],
      ["content-end", 1],
      ["message-end", undefined],
    ]);
    expect(JSON.parse(out[2]!.data)).toMatchObject({ delta: { message: { content: { thinking: "Think." } } } });
  });

  it("ends a failed stream with message-end ERROR and nothing after it", () => {
    const encoder = cohereStreamEncoder();
    encoder.push({ type: "start", id: "r", model: "m", created: 0 });
    encoder.push({ type: "text", text: "Hi" });
    const failed = encoder.push({ type: "error", error: { status: 529, message: "Overloaded" } });
    expect(failed.map((e) => e.event)).toEqual(["content-end", "message-end"]);
    expect(JSON.parse(failed[1]!.data)).toMatchObject({ delta: { finish_reason: "ERROR", error: "Overloaded" } });
    expect(encoder.end()).toEqual([]);
  });
});
