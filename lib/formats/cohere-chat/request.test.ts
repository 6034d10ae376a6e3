import { describe, expect, it } from "vitest";
import type { ChatRequest } from "@/lib/formats/canonical";
import { formatError } from "@/lib/formats/testing";
import { decodeCohereRequest, encodeCohereRequest } from "./request";

const weather = { type: "function" as const, function: { name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } } };
const time = { type: "function" as const, function: { name: "get_time", parameters: { type: "object", properties: {} } } };

describe("canonical → Cohere v2 chat", () => {
  it("maps messages, sampling, stops, json output and the stream flag onto v2 chat's fields", () => {
    const request: ChatRequest = {
      model: "command-a-03-2025",
      stream: true,
      messages: [
        { role: "developer", content: "Be brief." },
        { role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url: "https://example.com/a.png", detail: "low" } }] },
      ],
      max_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      seed: 7,
      stop: ["END"],
      frequency_penalty: 0.1,
      presence_penalty: 0.2,
      response_format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object" } } },
    };
    expect(encodeCohereRequest(request)).toEqual({
      path: "v2/chat",
      body: {
        model: "command-a-03-2025",
        stream: true,
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url: "https://example.com/a.png", detail: "low" } }] },
        ],
        max_tokens: 50,
        temperature: 0.2,
        p: 0.9,
        k: 40,
        seed: 7,
        stop_sequences: ["END"],
        frequency_penalty: 0.1,
        presence_penalty: 0.2,
        response_format: { type: "json_object", json_schema: { type: "object" } },
      },
    });
  });

  it("sends tool calls with their plan, tool results by call id, and tool choices Cohere can express", () => {
    const { body } = encodeCohereRequest({
      model: "command-r",
      stream: false,
      tools: [weather, { ...time, function: { ...time.function, strict: true } }],
      tool_choice: "required",
      messages: [
        { role: "user", content: "weather?" },
        {
          role: "assistant",
          content: null,
          reasoning: [{ type: "thinking", text: "I will look it up.", signature: "sig" }, { type: "redacted", data: "x" }],
          tool_calls: [{ id: "get_weather_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }],
        },
        { role: "tool", tool_call_id: "get_weather_1", content: '{"temp":4}' },
      ],
    });
    expect(body.messages).toEqual([
      { role: "user", content: "weather?" },
      { role: "assistant", tool_plan: "I will look it up.", tool_calls: [{ id: "get_weather_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }] },
      { role: "tool", tool_call_id: "get_weather_1", content: '{"temp":4}' },
    ]);
    expect(body).toMatchObject({ tool_choice: "REQUIRED", strict_tools: true });
    expect((body.tools as unknown[]).length).toBe(2);

    const named = encodeCohereRequest({ model: "m", stream: false, messages: [{ role: "user", content: "x" }], tools: [weather, time], tool_choice: { type: "function", function: { name: "get_time" } } }).body;
    expect(named).toMatchObject({ tool_choice: "REQUIRED", tools: [{ function: { name: "get_time", parameters: { type: "object", properties: {} } } }] });
    expect(encodeCohereRequest({ model: "m", stream: false, messages: [{ role: "user", content: "x" }], tools: [weather], tool_choice: "none" }).body.tool_choice).toBe("NONE");
    expect(encodeCohereRequest({ model: "m", stream: false, messages: [{ role: "user", content: "x" }], tools: [weather], tool_choice: "auto" }).body.tool_choice).toBeUndefined();
  });

  it("sends an earlier turn's reasoning as thinking items when it called no tools, and maps budgets", () => {
    const { body } = encodeCohereRequest({
      model: "command-a-reasoning-08-2025",
      stream: false,
      reasoning: { budget_tokens: 2048 },
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: "Hello.", reasoning: [{ type: "thinking", text: "A greeting." }] },
        { role: "user", content: "again" },
      ],
    });
    expect(body.messages).toContainEqual({ role: "assistant", content: [{ type: "thinking", thinking: "A greeting." }, { type: "text", text: "Hello." }] });
    expect(body.thinking).toEqual({ type: "enabled", token_budget: 2048 });
    const off = encodeCohereRequest({ model: "m", stream: false, messages: [{ role: "user", content: "x" }], reasoning: { budget_tokens: 0 } }).body;
    expect(off.thinking).toEqual({ type: "disabled" });
    const effort = encodeCohereRequest({ model: "m", stream: false, messages: [{ role: "user", content: "x" }], reasoning: { effort: "high" } }).body;
    expect(effort.thinking).toEqual({ type: "enabled" });
  });

  it.each([
    [{ n: 2 }, "n"],
    [{ logprobs: true }, "logprobs"],
    [{ top_logprobs: 2 }, "top_logprobs"],
    [{ tools: [weather], parallel_tool_calls: false }, "parallel_tool_calls"],
    [{ tool_choice: "required" as const }, "tool_choice"],
    [{ tools: [weather], tool_choice: { type: "function" as const, function: { name: "nope" } } }, "tool_choice"],
    [{ messages: [{ role: "assistant" as const, content: null }] }, "messages[0]"],
  ])("refuses %j, naming %s", (extra, field) => {
    const request = { model: "m", stream: false, messages: [{ role: "user" as const, content: "x" }], ...extra } as ChatRequest;
    expect(formatError(() => encodeCohereRequest(request)).field).toBe(field);
  });
});

describe("Cohere v2 chat → canonical", () => {
  it("reads a Cohere client's body: messages, tool plans and calls, document tool results, sampling and thinking", () => {
    const request = decodeCohereRequest({
      model: "command-a-03-2025",
      stream: true,
      messages: [
        { role: "system", content: [{ type: "text", text: "Be brief." }] },
        { role: "user", content: [{ type: "text", text: "hi" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }] },
        { role: "assistant", tool_plan: "Look it up.", tool_calls: [{ id: "c1", type: "function", function: { name: "get_weather", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "c1", content: [{ type: "document", document: { data: { temp: 4 } } }] },
        { role: "assistant", content: [{ type: "thinking", thinking: "Cold." }, { type: "text", text: "4 degrees." }], citations: [] },
      ],
      tools: [weather],
      strict_tools: true,
      tool_choice: "REQUIRED",
      p: 0.5,
      k: 3,
      stop_sequences: ["x"],
      thinking: { type: "enabled", token_budget: 1000 },
      response_format: { type: "json_object" },
      priority: 1,
    });
    expect(request).toEqual({
      model: "command-a-03-2025",
      stream: true,
      messages: [
        { role: "system", content: [{ type: "text", text: "Be brief." }] },
        { role: "user", content: [{ type: "text", text: "hi" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }] },
        { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "get_weather", arguments: "{}" } }], reasoning: [{ type: "thinking", text: "Look it up." }] },
        { role: "tool", tool_call_id: "c1", content: [{ type: "text", text: '{"temp":4}' }] },
        { role: "assistant", content: "4 degrees.", reasoning: [{ type: "thinking", text: "Cold." }] },
      ],
      tools: [{ type: "function", function: { ...weather.function, strict: true } }],
      tool_choice: "required",
      top_p: 0.5,
      top_k: 3,
      stop: ["x"],
      reasoning: { budget_tokens: 1000 },
      response_format: { type: "json_object" },
    });
  });

  it.each([
    [{ documents: ["a"] }, "documents"],
    [{ citation_options: { mode: "FAST" } }, "citation_options"],
    [{ safety_mode: "OFF" }, "safety_mode"],
    [{ logprobs: true }, "logprobs"],
    [{ frequency: 1 }, "frequency"],
    [{ tool_choice: "AUTO" }, "tool_choice"],
    [{ thinking: { type: "enabled", token_budget: 0 } }, "thinking.token_budget"],
    [{ messages: [{ role: "chatbot", content: "x" }] }, "messages[0].role"],
    [{ messages: [{ role: "tool", content: "x" }] }, "messages[0].tool_call_id"],
    [{ messages: [] }, "messages"],
  ])("refuses %j, naming %s", (extra, field) => {
    expect(formatError(() => decodeCohereRequest({ model: "m", messages: [{ role: "user", content: "x" }], ...extra })).field).toBe(field);
  });
});
