import { describe, expect, it } from "vitest";
import type { ChatResponse } from "@/lib/formats/canonical";
import { FormatError } from "@/lib/formats/codec";
import { decodeResponse, encodeResponse } from "./response";

const message = {
  id: "msg_01",
  type: "message",
  role: "assistant",
  model: "claude-sonnet-4-5",
  content: [
    { type: "thinking", thinking: "Two tools at once.", signature: "sig-abc" },
    { type: "redacted_thinking", data: "enc" },
    { type: "text", text: "Checking ", citations: null },
    { type: "text", text: "both." },
    { type: "tool_use", id: "toolu_1", name: "weather", input: { city: "Paris" } },
    { type: "tool_use", id: "toolu_2", name: "weather", input: { city: "Rome" } },
  ],
  stop_reason: "tool_use",
  stop_sequence: null,
  usage: { input_tokens: 20, cache_read_input_tokens: 1000, cache_creation_input_tokens: 50, output_tokens: 90, output_tokens_details: { thinking_tokens: 40 } },
};

describe("decodeResponse", () => {
  it("reads text, tool calls, thinking with its signature, redacted thinking and cached usage", () => {
    const decoded = decodeResponse(message);
    expect(decoded).toEqual({
      id: "msg_01",
      model: "claude-sonnet-4-5",
      created: expect.any(Number),
      message: {
        content: "Checking both.",
        reasoning: [
          { type: "thinking", text: "Two tools at once.", signature: "sig-abc" },
          { type: "redacted", data: "enc" },
        ],
        tool_calls: [
          { id: "toolu_1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } },
          { id: "toolu_2", type: "function", function: { name: "weather", arguments: '{"city":"Rome"}' } },
        ],
      },
      finish_reason: "tool_calls",
      usage: { input: 1070, output: 90, cache_read: 1000, cache_write: 50, reasoning: 40 },
    });
  });

  it.each([
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["pause_turn", "stop"],
    ["max_tokens", "length"],
    ["model_context_window_exceeded", "length"],
    ["tool_use", "tool_calls"],
    ["refusal", "content_filter"],
    ["something_new", "stop"],
  ])("maps stop_reason %s to %s", (stopReason, finish) => {
    expect(decodeResponse({ ...message, content: [], stop_reason: stopReason }).finish_reason).toBe(finish);
  });

  it("has null content when Anthropic answered with tool calls only", () => {
    const decoded = decodeResponse({ ...message, content: [{ type: "tool_use", id: "t", name: "f", input: {} }] });
    expect(decoded.message.content).toBeNull();
  });

  it("refuses a block no other format can carry", () => {
    const error = (() => {
      try {
        decodeResponse({ ...message, content: [{ type: "server_tool_use", id: "s", name: "web_search", input: {} }] });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).field).toBe("content[0].type");
  });
});

describe("encodeResponse", () => {
  const canonical: ChatResponse = {
    id: "chatcmpl-9",
    model: "gpt-5-mini",
    created: 1_700_000_000,
    message: {
      content: "Done.",
      reasoning: [{ type: "thinking", text: "hmm", signature: "s1" }],
      tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: '{"x":1}' } }],
    },
    finish_reason: "tool_calls",
    usage: { input: 1200, output: 30, cache_read: 1024, cache_write: 0, reasoning: 10 },
  };

  it("renders the Message an Anthropic client reads, cached tokens taken out of input_tokens", () => {
    expect(encodeResponse(canonical)).toEqual({
      id: "chatcmpl-9",
      type: "message",
      role: "assistant",
      model: "gpt-5-mini",
      content: [
        { type: "thinking", thinking: "hmm", signature: "s1" },
        { type: "text", text: "Done." },
        { type: "tool_use", id: "call_1", name: "f", input: { x: 1 } },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: {
        input_tokens: 176,
        cache_read_input_tokens: 1024,
        cache_creation_input_tokens: 0,
        output_tokens: 30,
        output_tokens_details: { thinking_tokens: 10 },
      },
    });
  });

  it.each([
    ["stop", "end_turn"],
    ["length", "max_tokens"],
    ["tool_calls", "tool_use"],
    ["content_filter", "refusal"],
  ] as const)("maps finish_reason %s to %s", (finish, stopReason) => {
    expect(encodeResponse({ ...canonical, message: { content: "x" }, finish_reason: finish }).stop_reason).toBe(stopReason);
  });

  it("renders a refusal as text with stop_reason refusal, and zero usage when none was reported", () => {
    const encoded = encodeResponse({ id: "r", model: "m", created: 0, message: { content: null, refusal: "I can't help with that." }, finish_reason: "stop" });
    expect(encoded.content).toEqual([{ type: "text", text: "I can't help with that." }]);
    expect(encoded.stop_reason).toBe("refusal");
    expect(encoded.usage).toEqual({ input_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, output_tokens: 0 });
  });

  it("round-trips an Anthropic answer through canonical", () => {
    const back = encodeResponse(decodeResponse(message));
    expect(back.content).toEqual([
      { type: "thinking", thinking: "Two tools at once.", signature: "sig-abc" },
      { type: "redacted_thinking", data: "enc" },
      { type: "text", text: "Checking both." },
      { type: "tool_use", id: "toolu_1", name: "weather", input: { city: "Paris" } },
      { type: "tool_use", id: "toolu_2", name: "weather", input: { city: "Rome" } },
    ]);
    expect(back.usage).toEqual({ ...message.usage });
  });
});
