import { describe, expect, it } from "vitest";
import { reassembleChatStream } from "./stream";

describe("reassembleChatStream", () => {
  it("joins content per choice and merges tool call fragments by index", () => {
    const chunks = [
      { id: "x", created: 1, model: "m", choices: [{ index: 0, delta: { role: "assistant", content: "A" } }, { index: 1, delta: { content: "B" } }] },
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "get_", arguments: '{"ci' } }] } }] },
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { name: "weather", arguments: 'ty":"Oslo"}' } }] }, finish_reason: "tool_calls" }] },
      { choices: [{ index: 1, delta: { content: "C" }, finish_reason: "stop" }] },
    ];
    const text = chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join("") + "data: [DONE]\n\n";
    expect(reassembleChatStream(text)).toEqual({
      id: "x",
      object: "chat.completion",
      created: 1,
      model: "m",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: "A",
            tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }],
          },
          finish_reason: "tool_calls",
        },
        { index: 1, message: { role: "assistant", content: "BC" }, finish_reason: "stop" },
      ],
    });
  });

  it("gives up on text that holds no JSON chunk", () => {
    expect(reassembleChatStream('{"choices":[]}')).toBeUndefined();
    expect(reassembleChatStream("data: [DONE]\n\n")).toBeUndefined();
  });
});
