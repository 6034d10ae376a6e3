import { APIError } from "@anthropic-ai/sdk";
import { Stream } from "@anthropic-ai/sdk/core/streaming";
import { MessageStream } from "@anthropic-ai/sdk/lib/MessageStream";
import type { Message, RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import { describe, expect, it } from "vitest";
import type { ChatStreamEvent, SseEvent } from "@/lib/formats/canonical";
import { streamDecoder, streamEncoder } from "./stream";

function event(type: string, payload: object = {}): SseEvent {
  return { event: type, data: JSON.stringify({ type, ...payload }) };
}

function decodeAll(events: SseEvent[]): ChatStreamEvent[] {
  const decoder = streamDecoder();
  return [...events.flatMap((e) => decoder.push(e)), ...decoder.end()];
}

function encodeAll(events: ChatStreamEvent[]): SseEvent[] {
  const encoder = streamEncoder();
  return [...events.flatMap((e) => encoder.push(e)), ...encoder.end()];
}

function sseText(events: SseEvent[]): string {
  return events.map((e) => `${e.event === undefined ? "" : `event: ${e.event}\n`}data: ${e.data}\n\n`).join("");
}

/** The official SDK's own stream parsing and message accumulation over the encoder's output. */
async function throughSdk(events: SseEvent[]): Promise<Message> {
  const response = new Response(sseText(events), { headers: { "content-type": "text/event-stream" } });
  const stream = Stream.fromSSEResponse<RawMessageStreamEvent>(response, new AbortController());
  return MessageStream.fromReadableStream(stream.toReadableStream()).finalMessage();
}

const START = {
  message: {
    id: "msg_1",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5",
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: 12, cache_read_input_tokens: 2048, cache_creation_input_tokens: 300, output_tokens: 1 },
  },
};

/** Anthropic's stream of a thinking block, some text and two parallel tool calls, as its API sends it. */
const PARALLEL_TOOLS_STREAM: SseEvent[] = [
  event("message_start", START),
  event("ping"),
  event("content_block_start", { index: 0, content_block: { type: "thinking", thinking: "", signature: "" } }),
  event("content_block_delta", { index: 0, delta: { type: "thinking_delta", thinking: "Two cities, " } }),
  event("content_block_delta", { index: 0, delta: { type: "thinking_delta", thinking: "two calls." } }),
  event("content_block_delta", { index: 0, delta: { type: "signature_delta", signature: "EqQBCgIYAhIM" } }),
  event("content_block_stop", { index: 0 }),
  event("content_block_start", { index: 1, content_block: { type: "text", text: "" } }),
  event("content_block_delta", { index: 1, delta: { type: "text_delta", text: "Checking both." } }),
  event("content_block_stop", { index: 1 }),
  event("content_block_start", { index: 2, content_block: { type: "tool_use", id: "toolu_A", name: "weather", input: {} } }),
  event("content_block_delta", { index: 2, delta: { type: "input_json_delta", partial_json: "" } }),
  event("content_block_delta", { index: 2, delta: { type: "input_json_delta", partial_json: '{"city": ' } }),
  event("content_block_delta", { index: 2, delta: { type: "input_json_delta", partial_json: '"Paris"}' } }),
  event("content_block_stop", { index: 2 }),
  event("ping"),
  event("content_block_start", { index: 3, content_block: { type: "tool_use", id: "toolu_B", name: "weather", input: {} } }),
  event("content_block_delta", { index: 3, delta: { type: "input_json_delta", partial_json: '{"city": "Rome"}' } }),
  event("content_block_stop", { index: 3 }),
  event("message_delta", { delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 87 } }),
  event("message_stop"),
];

describe("streamDecoder", () => {
  it("decodes thinking with its signature, text and two parallel tool calls indexed among tool calls", () => {
    const created = expect.any(Number) as unknown as number;
    expect(decodeAll(PARALLEL_TOOLS_STREAM)).toEqual<ChatStreamEvent[]>([
      { type: "start", id: "msg_1", model: "claude-sonnet-4-5", created },
      { type: "usage", usage: { input: 2360, output: 1, cache_read: 2048, cache_write: 300, reasoning: 0 } },
      { type: "reasoning", text: "Two cities, " },
      { type: "reasoning", text: "two calls." },
      { type: "reasoning_end", signature: "EqQBCgIYAhIM" },
      { type: "text", text: "Checking both." },
      { type: "tool_call_start", index: 0, id: "toolu_A", name: "weather" },
      { type: "tool_call_delta", index: 0, arguments: '{"city": ' },
      { type: "tool_call_delta", index: 0, arguments: '"Paris"}' },
      { type: "tool_call_start", index: 1, id: "toolu_B", name: "weather" },
      { type: "tool_call_delta", index: 1, arguments: '{"city": "Rome"}' },
      { type: "finish", reason: "tool_calls" },
      { type: "usage", usage: { input: 2360, output: 87, cache_read: 2048, cache_write: 300, reasoning: 0 } },
    ]);
  });

  it("sums cached usage across message_start and a message_delta that repeats input and cache counts", () => {
    const events = decodeAll([
      event("message_start", START),
      event("message_delta", {
        delta: { stop_reason: "end_turn", stop_sequence: null },
        usage: { input_tokens: 12, cache_read_input_tokens: 2048, cache_creation_input_tokens: 300, output_tokens: 40, output_tokens_details: { thinking_tokens: 25 } },
      }),
      event("message_stop"),
    ]);
    const usage = events.filter((e) => e.type === "usage").reduce((total, e) => ({ ...total, ...e.usage }), {});
    expect(usage).toEqual({ input: 2360, output: 40, cache_read: 2048, cache_write: 300, reasoning: 25 });
  });

  it("keeps message_start's cache counts when message_delta sends them as null", () => {
    const events = decodeAll([
      event("message_start", START),
      event("message_delta", {
        delta: { stop_reason: "max_tokens", stop_sequence: null },
        usage: { input_tokens: null, cache_read_input_tokens: null, cache_creation_input_tokens: null, output_tokens: 9 },
      }),
    ]);
    expect(events.at(-2)).toEqual({ type: "finish", reason: "length" });
    expect(events.at(-1)).toEqual({ type: "usage", usage: { input: 2360, output: 9, cache_read: 2048, cache_write: 300, reasoning: 0 } });
  });

  it("turns an error event in the middle of a stream into a canonical error", () => {
    const events = decodeAll([
      event("message_start", START),
      event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
      event("content_block_delta", { index: 0, delta: { type: "text_delta", text: "Partial" } }),
      event("error", { error: { type: "overloaded_error", message: "Overloaded" } }),
    ]);
    expect(events.slice(-2)).toEqual([
      { type: "text", text: "Partial" },
      { type: "error", error: { status: 529, message: "Overloaded", type: "overloaded_error" } },
    ]);
  });

  it("carries redacted thinking, a whole tool input given at block start, and passes over citations and unknown events", () => {
    const events = decodeAll([
      event("message_start", START),
      event("content_block_start", { index: 0, content_block: { type: "redacted_thinking", data: "opaque" } }),
      event("content_block_stop", { index: 0 }),
      event("content_block_start", { index: 1, content_block: { type: "text", text: "" } }),
      event("content_block_delta", { index: 1, delta: { type: "citations_delta", citation: {} } }),
      event("content_block_stop", { index: 1 }),
      event("content_block_start", { index: 2, content_block: { type: "tool_use", id: "t", name: "f", input: { a: 1 } } }),
      event("content_block_stop", { index: 2 }),
      event("some_future_event", { anything: true }),
    ]);
    expect(events.slice(2)).toEqual([
      { type: "reasoning_end", redacted: "opaque" },
      { type: "tool_call_start", index: 0, id: "t", name: "f" },
      { type: "tool_call_delta", index: 0, arguments: '{"a":1}' },
    ]);
  });

  it("reports an event it cannot read instead of dropping it", () => {
    expect(decodeAll([{ event: "content_block_delta", data: "{not json" }])).toEqual([
      { type: "error", error: { status: 502, message: "Anthropic sent an unreadable content_block_delta event", type: "api_error" } },
    ]);
  });
});

describe("streamEncoder", () => {
  it("emits Anthropic's exact event sequence for a text answer", () => {
    const events = encodeAll([
      { type: "start", id: "chatcmpl-1", model: "gpt-5-mini", created: 1 },
      { type: "text", text: "Hel" },
      { type: "text", text: "lo" },
      { type: "finish", reason: "stop" },
      { type: "usage", usage: { input: 10, output: 2, cache_read: 0, cache_write: 0, reasoning: 0 } },
    ]);
    expect(events.map((e) => e.event)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(events.map((e) => JSON.parse(e.data) as unknown)).toEqual([
      {
        type: "message_start",
        message: {
          id: "chatcmpl-1",
          type: "message",
          role: "assistant",
          model: "gpt-5-mini",
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, output_tokens: 0 },
        },
      },
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hel" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "lo" } },
      { type: "content_block_stop", index: 0 },
      {
        type: "message_delta",
        delta: { stop_reason: "end_turn", stop_sequence: null },
        usage: { input_tokens: 10, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, output_tokens: 2 },
      },
      { type: "message_stop" },
    ]);
  });

  it("streams two parallel tool calls that the official SDK assembles, with cached usage", async () => {
    const message = await throughSdk(
      encodeAll([
        { type: "start", id: "chatcmpl-2", model: "gpt-5-mini", created: 1 },
        { type: "text", text: "Checking." },
        { type: "tool_call_start", index: 0, id: "call_A", name: "weather" },
        { type: "tool_call_delta", index: 0, arguments: '{"city":' },
        { type: "tool_call_delta", index: 0, arguments: '"Paris"}' },
        { type: "tool_call_start", index: 1, id: "call_B", name: "weather" },
        { type: "tool_call_delta", index: 1, arguments: '{"city":"Rome"}' },
        { type: "finish", reason: "tool_calls" },
        { type: "usage", usage: { input: 1500, output: 40, cache_read: 1024, cache_write: 0, reasoning: 0 } },
      ]),
    );
    expect(message.content).toEqual([
      { type: "text", text: "Checking." },
      { type: "tool_use", id: "call_A", name: "weather", input: { city: "Paris" } },
      { type: "tool_use", id: "call_B", name: "weather", input: { city: "Rome" } },
    ]);
    expect(message.stop_reason).toBe("tool_use");
    expect(message.usage).toMatchObject({ input_tokens: 476, cache_read_input_tokens: 1024, cache_creation_input_tokens: 0, output_tokens: 40 });
  });

  it("sends arguments that arrive after the next call began to their own block", async () => {
    const message = await throughSdk(
      encodeAll([
        { type: "start", id: "x", model: "m", created: 1 },
        { type: "tool_call_start", index: 0, id: "a", name: "f" },
        { type: "tool_call_delta", index: 0, arguments: '{"n":' },
        { type: "tool_call_start", index: 1, id: "b", name: "f" },
        { type: "tool_call_delta", index: 1, arguments: '{"n":2}' },
        { type: "tool_call_delta", index: 0, arguments: "1}" },
        { type: "finish", reason: "tool_calls" },
      ]),
    );
    expect(message.content).toEqual([
      { type: "tool_use", id: "a", name: "f", input: { n: 1 } },
      { type: "tool_use", id: "b", name: "f", input: { n: 2 } },
    ]);
  });

  it("streams thinking with its signature and redacted thinking, which the SDK keeps and the decoder reads back", async () => {
    const canonical: ChatStreamEvent[] = [
      { type: "start", id: "msg_9", model: "claude-sonnet-4-5", created: 1 },
      { type: "reasoning", text: "First " },
      { type: "reasoning", text: "this." },
      { type: "reasoning_end", signature: "sig-1" },
      { type: "reasoning_end", redacted: "opaque" },
      { type: "reasoning_end", signature: "sig-omitted" },
      { type: "text", text: "Answer." },
      { type: "finish", reason: "stop" },
      { type: "usage", usage: { input: 5, output: 50, cache_read: 0, cache_write: 0, reasoning: 30 } },
    ];
    const encoded = encodeAll(canonical);
    const message = await throughSdk(encoded);
    expect(message.content).toEqual([
      { type: "thinking", thinking: "First this.", signature: "sig-1" },
      { type: "redacted_thinking", data: "opaque" },
      { type: "thinking", thinking: "", signature: "sig-omitted" },
      { type: "text", text: "Answer." },
    ]);
    expect(message.usage).toMatchObject({ input_tokens: 5, output_tokens: 50, output_tokens_details: { thinking_tokens: 30 } });

    const decoded = decodeAll(encoded).filter((e) => e.type !== "start" && e.type !== "usage");
    expect(decoded).toEqual(canonical.filter((e) => e.type !== "start" && e.type !== "usage"));
  });

  it("re-encodes Anthropic's own stream so that the SDK reads the same message", async () => {
    const original = await throughSdk(PARALLEL_TOOLS_STREAM);
    const reencoded = await throughSdk(encodeAll(decodeAll(PARALLEL_TOOLS_STREAM)));
    expect(reencoded.content).toEqual(original.content);
    expect(reencoded.stop_reason).toBe(original.stop_reason);
    expect(reencoded.usage).toMatchObject({ input_tokens: 12, cache_read_input_tokens: 2048, cache_creation_input_tokens: 300, output_tokens: 87 });
  });

  it("ends a stream that fails mid-way with an error event the SDK raises, and nothing after it", async () => {
    const encoder = streamEncoder();
    const events = [
      ...encoder.push({ type: "start", id: "x", model: "m", created: 1 }),
      ...encoder.push({ type: "text", text: "Part" }),
      ...encoder.push({ type: "error", error: { status: 529, message: "Upstream overloaded" } }),
      ...encoder.push({ type: "text", text: "ignored" }),
      ...encoder.end(),
    ];
    expect(events.at(-1)).toEqual({ event: "error", data: '{"type":"error","error":{"type":"overloaded_error","message":"Upstream overloaded"}}' });
    const failure = await throughSdk(events).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).message).toContain("Upstream overloaded");
  });

  it("starts the message itself when the first event is not a start, and ends with end_turn without a finish", () => {
    const events = encodeAll([{ type: "text", text: "Hi" }]).map((e) => JSON.parse(e.data) as { type: string; delta?: unknown });
    expect(events[0]?.type).toBe("message_start");
    expect(events.at(-2)?.delta).toEqual({ stop_reason: "end_turn", stop_sequence: null });
  });
});
