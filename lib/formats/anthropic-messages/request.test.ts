import { describe, expect, it } from "vitest";
import type { ChatRequest } from "@/lib/formats/canonical";
import type { JsonObject } from "@/lib/formats/json";
import { formatError } from "@/lib/formats/testing";
import { ANTHROPIC_DEFAULT_MAX_TOKENS, ANTHROPIC_THINKING_BUDGETS, decodeRequest, encodeRequest } from "./request";

const PNG = "iVBORw0KGgo=";

function request(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return { model: "claude-sonnet-4-5", messages: [{ role: "user", content: "Hi" }], stream: false, ...overrides };
}

function encoded(overrides: Partial<ChatRequest> = {}): JsonObject {
  return encodeRequest(request(overrides)).body;
}

describe("decodeRequest", () => {
  it("reads a plain request: system string, multi-turn, sampling, stop sequences and user", () => {
    const decoded = decodeRequest({
      model: "claude-sonnet-4-5",
      max_tokens: 1024,
      system: "Be brief.",
      messages: [
        { role: "user", content: "Hello" },
        { role: "assistant", content: "Hi there" },
        { role: "user", content: [{ type: "text", text: "And now?" }] },
      ],
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ["END"],
      metadata: { user_id: "user-7" },
      stream: true,
    });
    expect(decoded).toEqual({
      model: "claude-sonnet-4-5",
      stream: true,
      max_tokens: 1024,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hello" },
        { role: "assistant", content: "Hi there" },
        { role: "user", content: [{ type: "text", text: "And now?" }] },
      ],
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      stop: ["END"],
      user: "user-7",
    });
  });

  it("keeps cache_control on system blocks, text, images and tools", () => {
    const decoded = decodeRequest({
      model: "m",
      max_tokens: 10,
      system: [{ type: "text", text: "Long context", cache_control: { type: "ephemeral", ttl: "1h" } }],
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/png", data: PNG }, cache_control: { type: "ephemeral" } },
            { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
            { type: "text", text: "What is this?", cache_control: { type: "ephemeral" } },
          ],
        },
      ],
      tools: [{ name: "lookup", input_schema: { type: "object" }, cache_control: { type: "ephemeral" } }],
    });
    expect(decoded.messages).toEqual([
      { role: "system", content: [{ type: "text", text: "Long context", cache_control: { type: "ephemeral", ttl: "1h" } }] },
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` }, cache_control: { type: "ephemeral" } },
          { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
          { type: "text", text: "What is this?", cache_control: { type: "ephemeral" } },
        ],
      },
    ]);
    expect(decoded.tools).toEqual([
      { type: "function", function: { name: "lookup", parameters: { type: "object" } }, cache_control: { type: "ephemeral" } },
    ]);
  });

  it("turns tool_use blocks into tool calls and tool_result blocks into tool messages ahead of the user's text", () => {
    const decoded = decodeRequest({
      model: "m",
      max_tokens: 10,
      messages: [
        { role: "user", content: "Weather in Paris and Rome?" },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Checking." },
            { type: "tool_use", id: "toolu_1", name: "weather", input: { city: "Paris" } },
            { type: "tool_use", id: "toolu_2", name: "weather", input: { city: "Rome" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_1", content: "18C" },
            {
              type: "tool_result",
              tool_use_id: "toolu_2",
              content: [{ type: "text", text: "21C" }],
              cache_control: { type: "ephemeral" },
              is_error: false,
            },
            { type: "text", text: "Which is warmer?" },
          ],
        },
      ],
    });
    expect(decoded.messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: "Checking.",
        tool_calls: [
          { id: "toolu_1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } },
          { id: "toolu_2", type: "function", function: { name: "weather", arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: "tool", tool_call_id: "toolu_1", content: "18C" },
      { role: "tool", tool_call_id: "toolu_2", content: [{ type: "text", text: "21C", cache_control: { type: "ephemeral" } }] },
      { role: "user", content: [{ type: "text", text: "Which is warmer?" }] },
    ]);
  });

  it("keeps thinking blocks with their signatures and redacted blocks as reasoning", () => {
    const decoded = decodeRequest({
      model: "m",
      max_tokens: 4000,
      thinking: { type: "enabled", budget_tokens: 2000 },
      messages: [
        { role: "user", content: "Think" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Let me see", signature: "sig-1" },
            { type: "redacted_thinking", data: "opaque" },
            { type: "thinking", thinking: "another provider's reasoning, as this gateway rendered it", signature: "" },
            { type: "tool_use", id: "toolu_1", name: "calc", input: {} },
          ],
        },
      ],
    });
    expect(decoded.reasoning).toEqual({ budget_tokens: 2000 });
    expect(decoded.messages[1]).toEqual({
      role: "assistant",
      content: null,
      reasoning: [
        { type: "thinking", text: "Let me see", signature: "sig-1" },
        { type: "redacted", data: "opaque" },
        { type: "thinking", text: "another provider's reasoning, as this gateway rendered it" },
      ],
      tool_calls: [{ id: "toolu_1", type: "function", function: { name: "calc", arguments: "{}" } }],
    });
  });

  it("maps tool_choice and disable_parallel_tool_use", () => {
    const tools = [{ name: "t", input_schema: { type: "object" } }];
    const choice = (tool_choice: JsonObject) => decodeRequest({ model: "m", max_tokens: 1, messages: [], tools, tool_choice });
    expect(choice({ type: "auto" })).toMatchObject({ tool_choice: "auto" });
    expect(choice({ type: "any", disable_parallel_tool_use: true })).toMatchObject({ tool_choice: "required", parallel_tool_calls: false });
    expect(choice({ type: "none" })).toMatchObject({ tool_choice: "none" });
    expect(choice({ type: "tool", name: "t" })).toMatchObject({ tool_choice: { type: "function", function: { name: "t" } } });
    expect(choice({ type: "auto" }).parallel_tool_calls).toBeUndefined();
  });

  it("reads structured outputs, effort and adaptive thinking", () => {
    const schema = { type: "object", properties: { a: { type: "string" } }, required: ["a"], additionalProperties: false };
    expect(decodeRequest({ model: "m", max_tokens: 1, messages: [], output_config: { format: { type: "json_schema", schema } } }).response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "output", schema, strict: true },
    });
    expect(decodeRequest({ model: "m", max_tokens: 1, messages: [], output_config: { effort: "low" } }).reasoning).toEqual({ effort: "low" });
    expect(decodeRequest({ model: "m", max_tokens: 1, messages: [], thinking: { type: "adaptive" } }).reasoning).toEqual({ effort: "high" });
    expect(
      decodeRequest({ model: "m", max_tokens: 1, messages: [], thinking: { type: "adaptive", display: "omitted" }, output_config: { effort: "medium" } })
        .reasoning,
    ).toEqual({ effort: "medium", include_thoughts: false });
    expect(decodeRequest({ model: "m", max_tokens: 1, messages: [], thinking: { type: "disabled" } }).reasoning).toBeUndefined();
  });

  it("accepts a system message inside messages and ignores serving hints", () => {
    const decoded = decodeRequest({
      model: "m",
      max_tokens: 1,
      messages: [
        { role: "user", content: "a" },
        { role: "system", content: "Now answer in French." },
      ],
      service_tier: "auto",
      diagnostics: { previous_message_id: "msg_1" },
      cache_control: { type: "ephemeral" },
      speed: "standard",
    });
    expect(decoded.messages).toEqual([
      { role: "user", content: "a" },
      { role: "system", content: "Now answer in French." },
    ]);
  });

  it.each<[string, JsonObject, string]>([
    ["an unknown top-level field", { container: "c" }, "container"],
    ["fast mode", { speed: "fast" }, "speed"],
    ["inference_geo", { inference_geo: "eu" }, "inference_geo"],
    ["a metadata field Anthropic lacks", { metadata: { tenant: "x" } }, "metadata.tenant"],
    ["a document block", { messages: [{ role: "user", content: [{ type: "document", source: {} }] }] }, "messages[0].content[0].type"],
    [
      "an image from the Files API",
      { messages: [{ role: "user", content: [{ type: "image", source: { type: "file", file_id: "f" } }] }] },
      "messages[0].content[0].source.type",
    ],
    [
      "an image inside a tool result",
      {
        messages: [
          {
            role: "user",
            content: [{ type: "tool_result", tool_use_id: "t", content: [{ type: "image", source: { type: "url", url: "https://x/y.png" } }] }],
          },
        ],
      },
      "messages[0].content[0].content[0].type",
    ],
    ["a server tool", { tools: [{ type: "web_search_20250305", name: "web_search" }] }, "tools[0].type"],
    ["a tool field other providers lack", { tools: [{ name: "t", input_schema: { type: "object" }, defer_loading: true }] }, "tools[0].defer_loading"],
    ["an effort only Anthropic has", { output_config: { effort: "max" } }, "output_config.effort"],
    ["an unknown thinking type", { thinking: { type: "between_tools" } }, "thinking.type"],
    ["a server-tool block in an assistant turn", { messages: [{ role: "assistant", content: [{ type: "server_tool_use", id: "s" }] }] }, "messages[0].content[0].type"],
  ])("refuses %s with a FormatError naming it", (_, fields, field) => {
    const error = formatError(() => decodeRequest({ model: "m", max_tokens: 1, messages: [], ...fields }));
    expect(error.field).toBe(field);
    expect(error.code).toBe("unsupported_field");
    expect(error.message).toContain(field);
  });

  it.each<[string, JsonObject, string]>([
    ["a missing model", { model: undefined }, "model"],
    ["messages that are not an array", { messages: "hi" }, "messages"],
    ["a bad role", { messages: [{ role: "tool", content: "x" }] }, "messages[0].role"],
    ["a zero max_tokens", { max_tokens: 0 }, "max_tokens"],
    ["a string temperature", { temperature: "hot" }, "temperature"],
    ["stop_sequences that are not strings", { stop_sequences: [1] }, "stop_sequences"],
    ["a tool without a schema", { tools: [{ name: "t" }] }, "tools[0].input_schema"],
    ["a bad tool_choice", { tool_choice: { type: "sometimes" } }, "tool_choice.type"],
    ["a thinking budget that is not a number", { thinking: { type: "enabled", budget_tokens: "lots" } }, "thinking.budget_tokens"],
    ["a bad cache_control", { system: [{ type: "text", text: "s", cache_control: { type: "forever" } }] }, "system[0].cache_control"],
    ["an empty user turn", { messages: [{ role: "user", content: [] }] }, "messages[0].content"],
  ])("refuses %s as invalid", (_, fields, field) => {
    const error = formatError(() => decodeRequest({ model: "m", max_tokens: 1, messages: [], ...fields }));
    expect(error.field).toBe(field);
    expect(error.code).toBe("invalid_field");
  });
});

describe("encodeRequest", () => {
  it("sends a plain request to v1/messages with max_tokens, sampling, stop sequences and user", () => {
    const { body, path } = encodeRequest(
      request({ max_tokens: 300, temperature: 0.2, top_p: 0.8, top_k: 5, stop: ["\n\n"], user: "u1", stream: true, n: 1, logprobs: false }),
    );
    expect(path).toBe("v1/messages");
    expect(body).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 300,
      messages: [{ role: "user", content: "Hi" }],
      stream: true,
      temperature: 0.2,
      top_p: 0.8,
      top_k: 5,
      stop_sequences: ["\n\n"],
      metadata: { user_id: "u1" },
    });
  });

  it("never sends a request without max_tokens", () => {
    expect(encoded().max_tokens).toBe(ANTHROPIC_DEFAULT_MAX_TOKENS);
  });

  it("puts leading system and developer messages in system, and a later one in place", () => {
    expect(encoded({ messages: [{ role: "system", content: "S" }, { role: "user", content: "U" }] }).system).toBe("S");
    const body = encoded({
      messages: [
        { role: "system", content: "S1" },
        { role: "developer", content: [{ type: "text", text: "S2", cache_control: { type: "ephemeral" } }] },
        { role: "user", content: "U" },
        { role: "developer", content: "Later" },
      ],
    });
    expect(body.system).toEqual([
      { type: "text", text: "S1" },
      { type: "text", text: "S2", cache_control: { type: "ephemeral" } },
    ]);
    expect(body.messages).toEqual([
      { role: "user", content: "U" },
      { role: "system", content: "Later" },
    ]);
  });

  it("merges consecutive tool results and the user's next words into one user turn, and consecutive assistant messages", () => {
    const body = encoded({
      messages: [
        { role: "user", content: "Weather?" },
        { role: "assistant", content: "Let me check." },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } },
            { id: "call_2", type: "function", function: { name: "weather", arguments: "" } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "18C" },
        { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "21C", cache_control: { type: "ephemeral" } }] },
        { role: "user", content: "Thanks" },
        { role: "assistant", content: "" },
        { role: "user", content: "Bye" },
      ],
    });
    expect(body.messages).toEqual([
      { role: "user", content: "Weather?" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Let me check." },
          { type: "tool_use", id: "call_1", name: "weather", input: { city: "Paris" } },
          { type: "tool_use", id: "call_2", name: "weather", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "call_1", content: "18C" },
          { type: "tool_result", tool_use_id: "call_2", content: [{ type: "text", text: "21C" }], cache_control: { type: "ephemeral" } },
          { type: "text", text: "Thanks" },
          { type: "text", text: "Bye" },
        ],
      },
    ]);
  });

  it("sends data URLs as base64 sources and http(s) URLs as URL sources", () => {
    const body = encoded({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Compare" },
            { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}`, detail: "high" }, cache_control: { type: "ephemeral" } },
            { type: "image_url", image_url: { url: "https://example.com/b.jpg" } },
          ],
        },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "Compare" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: PNG }, cache_control: { type: "ephemeral" } },
          { type: "image", source: { type: "url", url: "https://example.com/b.jpg" } },
        ],
      },
    ]);
  });

  it("sends tools with input_schema and maps every tool_choice", () => {
    const tools: ChatRequest["tools"] = [
      { type: "function", function: { name: "a", description: "A", parameters: { type: "object", properties: {} }, strict: true } },
      { type: "function", function: { name: "b" }, cache_control: { type: "ephemeral" } },
    ];
    expect(encoded({ tools }).tools).toEqual([
      { name: "a", description: "A", input_schema: { type: "object", properties: {} }, strict: true },
      { name: "b", input_schema: { type: "object", properties: {} }, cache_control: { type: "ephemeral" } },
    ]);
    expect(encoded({ tools }).tool_choice).toBeUndefined();
    expect(encoded({ tools, tool_choice: "auto" }).tool_choice).toEqual({ type: "auto" });
    expect(encoded({ tools, tool_choice: "none" }).tool_choice).toEqual({ type: "none" });
    expect(encoded({ tools, tool_choice: "required" }).tool_choice).toEqual({ type: "any" });
    expect(encoded({ tools, tool_choice: { type: "function", function: { name: "b" } } }).tool_choice).toEqual({ type: "tool", name: "b" });
    expect(encoded({ tools, parallel_tool_calls: false }).tool_choice).toEqual({ type: "auto", disable_parallel_tool_use: true });
    expect(encoded({ tools, tool_choice: "required", parallel_tool_calls: false }).tool_choice).toEqual({ type: "any", disable_parallel_tool_use: true });
    expect(encoded({ tool_choice: "none", parallel_tool_calls: false }).tool_choice).toBeUndefined();
  });

  it("sends json_schema as output_config.format", () => {
    const schema = { type: "object", properties: { n: { type: "integer" } }, required: ["n"], additionalProperties: false };
    const body = encoded({ response_format: { type: "json_schema", json_schema: { name: "count", schema, strict: true } } });
    expect(body.output_config).toEqual({ format: { type: "json_schema", schema } });
    expect(encoded({ response_format: { type: "text" } }).output_config).toBeUndefined();
  });

  it("turns an effort into a thinking budget from the table and keeps max_tokens above it", () => {
    for (const [effort, budget] of Object.entries(ANTHROPIC_THINKING_BUDGETS)) {
      const body = encoded({ reasoning: { effort: effort as keyof typeof ANTHROPIC_THINKING_BUDGETS }, max_tokens: 64000 });
      expect(body.thinking).toEqual({ type: "enabled", budget_tokens: budget });
      expect(body.max_tokens).toBe(64000);
    }
    expect(encoded({ reasoning: { effort: "medium" } })).toMatchObject({
      thinking: { type: "enabled", budget_tokens: 8192 },
      max_tokens: 8192 + ANTHROPIC_DEFAULT_MAX_TOKENS,
    });
    // A max_tokens too small for the effort's budget halves the budget instead of raising the cap.
    expect(encoded({ reasoning: { effort: "high" }, max_tokens: 10000 })).toMatchObject({
      thinking: { type: "enabled", budget_tokens: 5000 },
      max_tokens: 10000,
    });
  });

  it("sends an explicit budget as is, at least Anthropic's minimum, and none for a budget of 0", () => {
    expect(encoded({ reasoning: { budget_tokens: 3000 }, max_tokens: 5000 }).thinking).toEqual({ type: "enabled", budget_tokens: 3000 });
    expect(encoded({ reasoning: { budget_tokens: 200 }, max_tokens: 5000 }).thinking).toEqual({ type: "enabled", budget_tokens: 1024 });
    expect(encoded({ reasoning: { budget_tokens: 0 }, max_tokens: 5000 }).thinking).toBeUndefined();
    expect(encoded({ reasoning: { effort: "low", include_thoughts: false }, max_tokens: 5000 }).thinking).toEqual({
      type: "enabled",
      budget_tokens: 2048,
      display: "omitted",
    });
    expect(encoded({ reasoning: { include_thoughts: true } }).thinking).toBeUndefined();
  });

  it("puts signed thinking first in the assistant turn, keeps redacted blocks and leaves out unsigned reasoning", () => {
    const body = encoded({
      messages: [
        { role: "user", content: "Q" },
        {
          role: "assistant",
          content: "A",
          reasoning: [
            { type: "thinking", text: "signed", signature: "sig" },
            { type: "redacted", data: "opaque" },
            { type: "thinking", text: "from another provider" },
          ],
          tool_calls: [{ id: "toolu_1", type: "function", function: { name: "f", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "toolu_1", content: "ok" },
      ],
    });
    expect((body.messages as JsonObject[])[1]).toEqual({
      role: "assistant",
      content: [
        { type: "thinking", thinking: "signed", signature: "sig" },
        { type: "redacted_thinking", data: "opaque" },
        { type: "text", text: "A" },
        { type: "tool_use", id: "toolu_1", name: "f", input: {} },
      ],
    });
  });

  it("round-trips an Anthropic request's thinking signatures, tools and cache hints", () => {
    const original: JsonObject = {
      model: "claude-sonnet-4-5",
      max_tokens: 16000,
      system: [{ type: "text", text: "Sys", cache_control: { type: "ephemeral" } }],
      thinking: { type: "enabled", budget_tokens: 4000 },
      tools: [{ name: "calc", description: "Adds", input_schema: { type: "object", properties: { a: { type: "number" } } } }],
      tool_choice: { type: "auto", disable_parallel_tool_use: true },
      messages: [
        { role: "user", content: "2+2?" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Use calc", signature: "EqQBCkYIARgCKkA" },
            { type: "tool_use", id: "toolu_9", name: "calc", input: { a: 2 } },
          ],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_9", content: "4", cache_control: { type: "ephemeral" } }] },
      ],
    };
    expect(encodeRequest(decodeRequest(original)).body).toEqual({
      ...original,
      messages: [
        { role: "user", content: "2+2?" },
        (original.messages as JsonObject[])[1],
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_9", content: [{ type: "text", text: "4" }], cache_control: { type: "ephemeral" } }] },
      ],
    });
  });

  it.each<[string, Partial<ChatRequest>, string]>([
    ["n above 1", { n: 2 }, "n"],
    ["a seed", { seed: 7 }, "seed"],
    ["logprobs", { logprobs: true }, "logprobs"],
    ["top_logprobs", { top_logprobs: 3 }, "top_logprobs"],
    ["a presence penalty", { presence_penalty: 0.5 }, "presence_penalty"],
    ["a frequency penalty", { frequency_penalty: -1 }, "frequency_penalty"],
    ["a temperature above 1", { temperature: 1.5 }, "temperature"],
    ["json_object", { response_format: { type: "json_object" } }, "response_format"],
    [
      "an image that is not jpeg, png, gif or webp",
      { messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "data:image/bmp;base64,Qk0=" } }] }] },
      "messages[0].content[0].image_url.url",
    ],
    ["an explicit budget at or above max_tokens", { reasoning: { budget_tokens: 4000 }, max_tokens: 4000 }, "max_tokens"],
    ["an effort with no room in max_tokens", { reasoning: { effort: "low" }, max_tokens: 1500 }, "max_tokens"],
  ])("refuses %s with a FormatError naming it", (_, overrides, field) => {
    const error = formatError(() => encodeRequest(request(overrides)));
    expect(error.field).toBe(field);
    expect(error.code).toBe("unsupported_field");
    expect(error.message).toContain(field);
  });

  it.each<[string, Partial<ChatRequest>, string]>([
    [
      "an image URL that is neither http(s) nor base64 data",
      { messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "ftp://example.com/a.png" } }] }] },
      "messages[0].content[0].image_url.url",
    ],
    [
      "tool-call arguments that are not a JSON object",
      { messages: [{ role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "[1" } }] }] },
      "messages[0].tool_calls[0].function.arguments",
    ],
    ["a required tool call without tools", { tool_choice: "required" }, "tool_choice"],
    ["json_schema without a schema", { response_format: { type: "json_schema", json_schema: { name: "x" } } }, "response_format.json_schema.schema"],
    ["a negative thinking budget", { reasoning: { budget_tokens: -1 } }, "reasoning.budget_tokens"],
  ])("refuses %s as invalid", (_, overrides, field) => {
    const error = formatError(() => encodeRequest(request(overrides)));
    expect(error.field).toBe(field);
    expect(error.code).toBe("invalid_field");
  });

  it("accepts zero penalties and zero top_logprobs, which some clients always send", () => {
    expect(() => encodeRequest(request({ presence_penalty: 0, frequency_penalty: 0, top_logprobs: 0, logprobs: false }))).not.toThrow();
  });
});
