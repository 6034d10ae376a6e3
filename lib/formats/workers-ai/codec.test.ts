import { describe, expect, it } from "vitest";
import type { ChatResponse, ChatStreamEvent } from "@/lib/formats/canonical";
import { formatError } from "@/lib/formats/testing";
import { workersAiCodec as codec } from ".";

const MODEL = "@cf/meta/llama-3.1-8b-instruct";
const usage = { input: 12, output: 5, cache_read: 0, cache_write: 0, reasoning: 0 };

describe("Workers AI requests", () => {
  it("reads messages, sampling fields and tools, the model from the path", () => {
    const request = codec.decodeRequest(
      {
        messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }],
        max_tokens: 64,
        temperature: 0.2,
        top_k: 5,
        seed: 7,
        stream: true,
        tools: [{ name: "get_weather", description: "Weather", parameters: { type: "object" } }],
      },
      { model: MODEL },
    );
    expect(request).toEqual({
      model: MODEL,
      stream: true,
      messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }],
      max_tokens: 64,
      temperature: 0.2,
      top_k: 5,
      seed: 7,
      tools: [{ type: "function", function: { name: "get_weather", description: "Weather", parameters: { type: "object" } } }],
    });
  });

  it("reads a prompt as one user turn, and /ai/run's model from the body", () => {
    expect(codec.decodeRequest({ prompt: "Hi", model: "openai/gpt-4o-mini" })).toMatchObject({
      model: "openai/gpt-4o-mini",
      messages: [{ role: "user", content: "Hi" }],
      stream: false,
    });
  });

  it("refuses what no other provider can take, naming the field", () => {
    expect(formatError(() => codec.decodeRequest({ prompt: "Hi", raw: true }, { model: MODEL })).field).toBe("raw");
    expect(formatError(() => codec.decodeRequest({ prompt: "Hi", lora: "x" }, { model: MODEL })).field).toBe("lora");
    expect(formatError(() => codec.decodeRequest({ prompt: "Hi", repetition_penalty: 1.1 }, { model: MODEL })).field).toBe("repetition_penalty");
    expect(formatError(() => codec.decodeRequest({ prompt: "Hi", messages: [] }, { model: MODEL })).field).toBe("prompt");
    expect(formatError(() => codec.decodeRequest({}, { model: MODEL })).field).toBe("messages");
    expect(formatError(() => codec.decodeRequest({ prompt: 3 }, { model: MODEL })).field).toBe("prompt");
  });

  it("writes the input with the model in the path", () => {
    const encoded = codec.encodeRequest({
      model: MODEL,
      stream: true,
      messages: [
        { role: "developer", content: [{ type: "text", text: "Be brief." }] },
        { role: "user", content: "Weather?" },
        { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "w", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
      ],
      max_tokens: 10,
      response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object" } } },
    });
    expect(encoded).toEqual({
      path: `run/${MODEL}`,
      body: {
        stream: true,
        max_tokens: 10,
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Weather?" },
          { role: "assistant", content: "", tool_calls: [{ id: "call_1", type: "function", function: { name: "w", arguments: "{}" } }] },
          { role: "tool", tool_call_id: "call_1", content: "sunny" },
        ],
        response_format: { type: "json_schema", json_schema: { type: "object" } },
      },
    });
    const image = { model: MODEL, stream: false, messages: [{ role: "user" as const, content: [{ type: "image_url" as const, image_url: { url: "data:," } }] }] };
    expect(formatError(() => codec.encodeRequest(image)).field).toBe("messages[0].content[0].type");
  });
});

describe("Workers AI answers", () => {
  it("reads text, both tool-call shapes and usage out of the envelope", () => {
    const response = codec.decodeResponse({
      result: {
        response: "",
        tool_calls: [
          { name: "a", arguments: { city: "Paris" } },
          { id: "call_b", type: "function", function: { name: "b", arguments: '{"x":1}' } },
        ],
        usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
      },
      success: true,
      errors: [],
      messages: [],
    });
    expect(response.finish_reason).toBe("tool_calls");
    expect(response.message.content).toBeNull();
    expect(response.message.tool_calls?.map((c) => [c.function.name, c.function.arguments])).toEqual([
      ["a", '{"city":"Paris"}'],
      ["b", '{"x":1}'],
    ]);
    expect(response.message.tool_calls?.[1]?.id).toBe("call_b");
    expect(response.usage).toEqual(usage);
    expect(codec.usageFromBody({ result: { usage: { prompt_tokens: 12, completion_tokens: 5 } } })).toEqual(usage);
    expect(codec.decodeResponse({ result: { response: { answer: 42 } }, success: true }).message.content).toBe('{"answer":42}');
    expect(formatError(() => codec.decodeResponse({ success: true })).field).toBe("result");
  });

  it("writes the envelope a Workers AI client reads", () => {
    const response: ChatResponse = {
      id: "x",
      model: MODEL,
      created: 0,
      message: { content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "w", arguments: '{"city":"Paris"}' } }] },
      finish_reason: "tool_calls",
      usage,
    };
    expect(codec.encodeResponse(response)).toEqual({
      result: {
        response: "",
        tool_calls: [{ id: "call_1", name: "w", arguments: { city: "Paris" } }],
        usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
      },
      success: true,
      errors: [],
      messages: [],
    });
  });

  it("reads and writes Cloudflare's error envelope", () => {
    expect(codec.decodeError(400, { success: false, errors: [{ code: 5006, message: "AiError: Bad input" }] })).toEqual({
      status: 400,
      message: "AiError: Bad input",
      code: "5006",
    });
    expect(codec.decodeError(502, undefined).message).toContain("502");
    expect(codec.encodeError({ status: 400, message: "no", code: "7003" })).toEqual({ result: null, success: false, errors: [{ code: 7003, message: "no" }], messages: [] });
    expect(codec.encodeError({ status: 429, message: "slow down", code: "rate_limit_exceeded" })).toMatchObject({ errors: [{ code: 429, message: "slow down" }] });
  });
});

describe("Workers AI streams", () => {
  const decode = (events: string[]): ChatStreamEvent[] => {
    const decoder = codec.streamDecoder();
    return [...events.flatMap((data) => decoder.push({ data })), ...decoder.end()];
  };

  it("reads text, whole and streamed tool calls, usage and [DONE]", () => {
    const events = decode([
      JSON.stringify({ response: "Hel", p: "x" }),
      JSON.stringify({ response: "lo" }),
      JSON.stringify({ response: "", tool_calls: [{ name: "a", arguments: { q: 1 } }] }),
      JSON.stringify({ tool_calls: [{ index: 0, id: "call_b", function: { name: "b", arguments: '{"x"' } }] }),
      JSON.stringify({ tool_calls: [{ index: 0, function: { arguments: ":2}" } }] }),
      JSON.stringify({ response: "", usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 } }),
      "[DONE]",
    ]);
    expect(events[0]?.type).toBe("start");
    expect(events.slice(1).map((e) => (e.type === "tool_call_start" ? { ...e, id: e.index === 0 ? "generated" : e.id } : e))).toEqual([
      { type: "text", text: "Hel" },
      { type: "text", text: "lo" },
      { type: "tool_call_start", index: 0, id: "generated", name: "a" },
      { type: "tool_call_delta", index: 0, arguments: '{"q":1}' },
      { type: "tool_call_start", index: 1, id: "call_b", name: "b" },
      { type: "tool_call_delta", index: 1, arguments: '{"x"' },
      { type: "tool_call_delta", index: 1, arguments: ":2}" },
      { type: "usage", usage: { input: 12, output: 5 } },
      { type: "finish", reason: "tool_calls" },
    ]);
  });

  it("reads an error envelope in the stream, and a stream cut before [DONE] as unfinished", () => {
    const failed = decode([JSON.stringify({ response: "a" }), JSON.stringify({ success: false, errors: [{ code: 3040, message: "Capacity" }] })]);
    expect(failed.at(-1)).toEqual({ type: "error", error: { status: 502, message: "Capacity", code: "3040" } });
    expect(decode([JSON.stringify({ response: "a" })]).some((e) => e.type === "finish")).toBe(false);
  });

  it("writes text as it comes, tool calls whole at the finish, then the usage and [DONE]", () => {
    const encoder = codec.streamEncoder();
    const out = [
      { type: "start", id: "x", model: MODEL, created: 0 },
      { type: "text", text: "Hi" },
      { type: "tool_call_start", index: 0, id: "call_1", name: "w" },
      { type: "tool_call_delta", index: 0, arguments: '{"city":' },
      { type: "tool_call_delta", index: 0, arguments: '"Paris"}' },
      { type: "finish", reason: "tool_calls" },
      { type: "usage", usage: { input: 12, output: 5 } },
    ].flatMap((e) => encoder.push(e as ChatStreamEvent));
    expect([...out, ...encoder.end()].map((e) => e.data)).toEqual([
      JSON.stringify({ response: "Hi" }),
      JSON.stringify({ response: "", tool_calls: [{ id: "call_1", name: "w", arguments: { city: "Paris" } }] }),
      JSON.stringify({ response: "", usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 } }),
      "[DONE]",
    ]);
  });

  it("ends a failed stream with the error envelope and nothing after it", () => {
    const encoder = codec.streamEncoder();
    const out = encoder.push({ type: "error", error: { status: 502, message: "cut", code: "provider_error" } });
    expect(out.map((e) => JSON.parse(e.data) as unknown)).toEqual([{ result: null, success: false, errors: [{ code: 502, message: "cut" }], messages: [] }]);
    expect(encoder.end()).toEqual([]);
    expect(codec.streamErrorEvents({ status: 502, message: "cut" })).toEqual(out);
  });
});
