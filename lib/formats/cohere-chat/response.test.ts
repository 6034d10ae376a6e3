import { describe, expect, it } from "vitest";
import { formatError } from "@/lib/formats/testing";
import { decodeCohereResponse, encodeCohereResponse } from "./response";

describe("Cohere v2 chat answers", () => {
  it("decode text, thinking, the tool plan and calls, and bill the billed units; citations are left out", () => {
    const response = decodeCohereResponse({
      id: "r1",
      finish_reason: "TOOL_CALL",
      message: {
        role: "assistant",
        content: [{ type: "thinking", thinking: "Hmm." }, { type: "text", text: "Checking." }],
        tool_plan: "Call the tool.",
        tool_calls: [{ id: "get_weather_x", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }],
        citations: [{ start: 0, end: 3, text: "Che", sources: [] }],
      },
      usage: { billed_units: { input_tokens: 10, output_tokens: 5 }, tokens: { input_tokens: 90, output_tokens: 6 } },
    });
    expect(response).toMatchObject({
      id: "r1",
      model: "",
      finish_reason: "tool_calls",
      message: {
        content: "Checking.",
        reasoning: [{ type: "thinking", text: "Hmm." }, { type: "thinking", text: "Call the tool." }],
        tool_calls: [{ id: "get_weather_x", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }],
      },
      usage: { input: 10, output: 5, cache_read: 0, cache_write: 0, reasoning: 0 },
    });
  });

  it.each([
    ["COMPLETE", "stop"],
    ["STOP_SEQUENCE", "stop"],
    ["MAX_TOKENS", "length"],
    ["TOOL_CALL", "tool_calls"],
  ])("map finish_reason %s to %s", (cohere, canonical) => {
    expect(decodeCohereResponse({ id: "r", finish_reason: cohere, message: { content: [] } }).finish_reason).toBe(canonical);
  });

  it("refuse a generation that ended in ERROR: there is no answer to translate", () => {
    expect(formatError(() => decodeCohereResponse({ id: "r", finish_reason: "ERROR", message: {} })).field).toBe("finish_reason");
  });

  it("encode canonical answers as Cohere does, usage under both counts", () => {
    expect(
      encodeCohereResponse({
        id: "x",
        model: "m",
        created: 0,
        message: { content: null, reasoning: [{ type: "thinking", text: "Plan." }], tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] },
        finish_reason: "tool_calls",
        usage: { input: 3, output: 2, cache_read: 0, cache_write: 0, reasoning: 0 },
      }),
    ).toEqual({
      id: "x",
      finish_reason: "TOOL_CALL",
      message: { role: "assistant", content: [], tool_plan: "Plan.", tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] },
      usage: { billed_units: { input_tokens: 3, output_tokens: 2 }, tokens: { input_tokens: 3, output_tokens: 2 } },
    });
    expect(encodeCohereResponse({ id: "y", model: "m", created: 0, message: { content: "Hi", reasoning: [{ type: "thinking", text: "T" }] }, finish_reason: "length" })).toEqual({
      id: "y",
      finish_reason: "MAX_TOKENS",
      message: { role: "assistant", content: [{ type: "thinking", thinking: "T" }, { type: "text", text: "Hi" }] },
    });
  });
});
