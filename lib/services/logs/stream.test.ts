import { describe, expect, it } from "vitest";
import { reassembleChatStream, reassembleStream } from "./stream";

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

describe("reassembleStream", () => {
  it("puts an Anthropic stream back together as the Chat Completion it stands for, tool calls and usage included", () => {
    const events = [
      ["message_start", { type: "message_start", message: { id: "msg_1", type: "message", role: "assistant", model: "claude-x", content: [], usage: { input_tokens: 4, output_tokens: 1 } } }],
      ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }],
      ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Let me " } }],
      ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "look." } }],
      ["content_block_stop", { type: "content_block_stop", index: 0 }],
      ["content_block_start", { type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "toolu_1", name: "get_weather", input: {} } }],
      ["content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"city":' } }],
      ["content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '"Oslo"}' } }],
      ["content_block_stop", { type: "content_block_stop", index: 1 }],
      ["message_delta", { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 12 } }],
      ["message_stop", { type: "message_stop" }],
    ] as const;
    const text = events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join("");
    expect(reassembleStream(text, "anthropic-messages")).toMatchObject({
      object: "chat.completion",
      model: "claude-x",
      choices: [
        {
          message: { role: "assistant", content: "Let me look.", tool_calls: [{ id: "toolu_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }] },
          finish_reason: "tool_calls",
        },
      ],
      usage: { prompt_tokens: 4, completion_tokens: 12 },
    });
  });

  it("keeps the OpenAI reassembly for OpenAI streams and rows of no known format", () => {
    const text = 'data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"hi"}}]}\n\ndata: [DONE]\n\n';
    expect(reassembleStream(text, null)).toEqual(reassembleChatStream(text));
    expect(reassembleStream(text, "openai-chat")).toEqual(reassembleChatStream(text));
  });
});
