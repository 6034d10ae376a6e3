import type { ResponseCreateParamsNonStreaming } from "openai/resources/responses/responses";
import { describe, expect, it } from "vitest";
import type { ChatRequest } from "@/lib/formats/canonical";
import type { JsonObject } from "@/lib/formats/json";
import { formatError } from "@/lib/formats/testing";
import { decodeResponsesRequest, encodeResponsesRequest } from "./request";

/** A body typed by the openai SDK, as a client writes it. */
const body = (params: ResponseCreateParamsNonStreaming | (Omit<ResponseCreateParamsNonStreaming, "stream"> & { stream: true })): JsonObject =>
  params as unknown as JsonObject;

describe("decoding a client's Responses request", () => {
  it("reads a string input, instructions and the sampling settings", () => {
    expect(
      decodeResponsesRequest(
        body({
          model: "anthropic/claude-sonnet-4-5",
          instructions: "Be brief.",
          input: "Hi",
          max_output_tokens: 256,
          temperature: 0.2,
          top_p: 0.9,
          user: "u-1",
          stream: true,
          store: true,
          metadata: { trace: "t" },
          prompt_cache_key: "k",
          service_tier: "auto",
          truncation: "disabled",
          background: false,
          include: ["reasoning.encrypted_content"],
          stream_options: { include_obfuscation: false },
        }),
      ),
    ).toEqual({
      model: "anthropic/claude-sonnet-4-5",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
      ],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 256,
      temperature: 0.2,
      top_p: 0.9,
      user: "u-1",
    });
  });

  it("takes the model and stream flag from hints when the body has none, and safety_identifier as the user", () => {
    expect(decodeResponsesRequest({ input: "x", safety_identifier: "hash" }, { model: "m", stream: true })).toEqual({
      model: "m",
      messages: [{ role: "user", content: "x" }],
      stream: true,
      stream_options: { include_usage: true },
      user: "hash",
    });
  });

  it("reads easy messages and message items with text and images, by URL and data URL", () => {
    const request = decodeResponsesRequest(
      body({
        model: "m",
        input: [
          { role: "developer", content: "Answer in French." },
          { type: "message", role: "system", content: [{ type: "input_text", text: "Sys" }] },
          {
            role: "user",
            content: [
              { type: "input_text", text: "What is in these?" },
              { type: "input_image", image_url: "https://example.com/cat.png", detail: "low" },
              { type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=", detail: "auto" },
            ],
          },
          { role: "assistant", content: "A cat." },
          { type: "message", role: "user", content: [{ type: "input_text", text: "Thanks", prompt_cache_breakpoint: { mode: "explicit" } }] },
        ],
      }),
    );
    expect(request.messages).toEqual([
      { role: "developer", content: "Answer in French." },
      { role: "system", content: [{ type: "text", text: "Sys" }] },
      {
        role: "user",
        content: [
          { type: "text", text: "What is in these?" },
          { type: "image_url", image_url: { url: "https://example.com/cat.png", detail: "low" } },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "auto" } },
        ],
      },
      { role: "assistant", content: "A cat." },
      { role: "user", content: [{ type: "text", text: "Thanks", cache_control: { type: "ephemeral" } }] },
    ]);
  });

  it("gathers an assistant turn's reasoning, message and function calls into one message, and outputs into tool messages", () => {
    const request = decodeResponsesRequest(
      body({
        model: "m",
        input: [
          { role: "user", content: "Weather in Oslo and Rome?" },
          { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "Two" }, { type: "summary_text", text: "cities." }], encrypted_content: "gAAAA" },
          {
            type: "message",
            id: "msg_1",
            role: "assistant",
            status: "completed",
            content: [{ type: "output_text", text: "Checking.", annotations: [] }],
          },
          { type: "function_call", id: "fc_1", call_id: "call_1", name: "weather", arguments: '{"city":"Oslo"}', status: "completed" },
          { type: "function_call", call_id: "call_2", name: "weather", arguments: '{"city":"Rome"}' },
          { type: "function_call_output", call_id: "call_1", output: "-3C" },
          { type: "function_call_output", call_id: "call_2", output: [{ type: "input_text", text: "18C" }] },
          { type: "reasoning", id: "rs_2", summary: [], content: [{ type: "reasoning_text", text: "raw thought" }] },
          { role: "assistant", content: "Cold and warm." },
        ],
      }),
    );
    expect(request.messages).toEqual([
      { role: "user", content: "Weather in Oslo and Rome?" },
      {
        role: "assistant",
        content: [{ type: "text", text: "Checking." }],
        reasoning: [{ type: "thinking", text: "Two\n\ncities.", signature: "gAAAA", id: "rs_1" }],
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "weather", arguments: '{"city":"Oslo"}' } },
          { id: "call_2", type: "function", function: { name: "weather", arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: "-3C" },
      { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "18C" }] },
      { role: "assistant", content: "Cold and warm.", reasoning: [{ type: "thinking", text: "raw thought", id: "rs_2" }] },
    ]);
  });

  it("starts a new assistant message when reasoning follows text, and keeps refusals", () => {
    const request = decodeResponsesRequest({
      model: "m",
      input: [
        { role: "assistant", content: [{ type: "refusal", refusal: "I can't." }] },
        { type: "reasoning", id: "rs_9", summary: [], encrypted_content: "gAAA9" },
        { type: "reasoning", id: "rs_10", summary: [] },
        { role: "assistant", content: "Sure." },
      ],
    });
    expect(request.messages).toEqual([
      { role: "assistant", content: null, refusal: "I can't." },
      { role: "assistant", content: "Sure.", reasoning: [{ type: "thinking", text: "", signature: "gAAA9", id: "rs_9" }] },
    ]);
  });

  it("reads function tools, tool_choice, parallel_tool_calls, text formats and reasoning", () => {
    const request = decodeResponsesRequest(
      body({
        model: "m",
        input: "x",
        tools: [
          { type: "function", name: "weather", description: "Weather now", parameters: { type: "object", properties: { city: { type: "string" } } }, strict: true },
          { type: "function", name: "noop", parameters: null, strict: null },
        ],
        tool_choice: { type: "function", name: "weather" },
        parallel_tool_calls: false,
        text: { format: { type: "json_schema", name: "answer", schema: { type: "object" }, strict: true, description: "The answer" } },
        reasoning: { effort: "high", summary: "auto" },
      }),
    );
    expect(request).toMatchObject({
      tools: [
        {
          type: "function",
          function: { name: "weather", description: "Weather now", parameters: { type: "object", properties: { city: { type: "string" } } }, strict: true },
        },
        { type: "function", function: { name: "noop" } },
      ],
      tool_choice: { type: "function", function: { name: "weather" } },
      parallel_tool_calls: false,
      response_format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object" }, strict: true, description: "The answer" } },
      reasoning: { effort: "high", include_thoughts: true },
    });
    for (const choice of ["auto", "none", "required"] as const) {
      expect(decodeResponsesRequest({ model: "m", input: "x", tool_choice: choice }).tool_choice).toBe(choice);
    }
    expect(decodeResponsesRequest({ model: "m", input: "x", text: { format: { type: "json_object" } } }).response_format).toEqual({ type: "json_object" });
    expect(decodeResponsesRequest({ model: "m", input: "x", text: { format: { type: "text" }, verbosity: "medium" } }).response_format).toEqual({ type: "text" });
  });

  it.each<[string, JsonObject, string]>([
    ["previous_response_id", { previous_response_id: "resp_1" }, "previous_response_id"],
    ["conversation", { conversation: "conv_1" }, "conversation"],
    ["a stored prompt", { prompt: { id: "pmpt_1" } }, "prompt"],
    ["background mode", { background: true }, "background"],
    ["logprobs", { top_logprobs: 3 }, "top_logprobs"],
    ["an unknown field", { frobnicate: 1 }, "frobnicate"],
    ["Chat's stop sequences", { stop: ["END"] }, "stop"],
    ["Chat's messages", { messages: [{ role: "user", content: "x" }] }, "messages"],
    ["a flex tier", { service_tier: "flex" }, "service_tier"],
    ["auto truncation", { truncation: "auto" }, "truncation"],
    ["included tool output", { include: ["reasoning.encrypted_content", "web_search_call.action.sources"] }, "include[1]"],
    ["a built-in tool", { tools: [{ type: "function", name: "f", parameters: {}, strict: false }, { type: "web_search" }] }, "tools[1].type"],
    ["file search", { tools: [{ type: "file_search", vector_store_ids: ["vs_1"] }] }, "tools[0].type"],
    ["an OpenAI-only function option", { tools: [{ type: "function", name: "f", parameters: {}, strict: false, defer_loading: true }] }, "tools[0].defer_loading"],
    ["a hosted tool choice", { tool_choice: { type: "web_search_preview" } }, "tool_choice.type"],
    ["an effort other providers lack", { reasoning: { effort: "xhigh" } }, "reasoning.effort"],
    ["verbosity", { text: { verbosity: "low" } }, "text.verbosity"],
    ["a file input", { input: [{ role: "user", content: [{ type: "input_file", file_id: "file_1" }] }] }, "input[0].content[0].type"],
    ["an image by file id", { input: [{ role: "user", content: [{ type: "input_image", file_id: "file_1", detail: "auto" }] }] }, "input[0].content[0].file_id"],
    ["an image at original detail", { input: [{ role: "user", content: [{ type: "input_image", image_url: "https://x/y.png", detail: "original" }] }] }, "input[0].content[0].detail"],
    ["an image in a system message", { input: [{ role: "system", content: [{ type: "input_image", image_url: "https://x/y.png", detail: "auto" }] }] }, "input[0].content[0].type"],
    ["a hosted tool's call", { input: [{ type: "web_search_call", id: "ws_1", status: "completed" }] }, "input[0].type"],
    ["an item reference", { input: [{ type: "item_reference", id: "msg_1" }] }, "input[0].type"],
    ["an image in a function output", { input: [{ type: "function_call_output", call_id: "c", output: [{ type: "input_image", image_url: "https://x/y.png" }] }] }, "input[0].output[0].type"],
    ["differing user ids", { user: "a", safety_identifier: "b" }, "safety_identifier"],
  ])("refuses %s, naming the field", (_, fields, field) => {
    const error = formatError(() => decodeResponsesRequest({ model: "m", input: "x", ...fields }));
    expect(error.field).toBe(field);
    expect(error.code).toBe("unsupported_field");
    expect(error.message).toContain(field);
  });

  it("says what the Responses API calls a Chat Completions field", () => {
    expect(formatError(() => decodeResponsesRequest({ model: "m", input: "x", max_tokens: 5 })).message).toBe(
      "max_tokens is a Chat Completions field; the Responses API calls it max_output_tokens",
    );
  });

  it.each<[string, JsonObject, string]>([
    ["a missing model", { input: "x" }, "model"],
    ["a missing input", { model: "m" }, "input"],
    ["an input that is a number", { model: "m", input: 3 }, "input"],
    ["an item that is not an object", { model: "m", input: ["hi"] }, "input[0]"],
    ["a bad role", { model: "m", input: [{ role: "tool", content: "x" }] }, "input[0].role"],
    ["a call without call_id", { model: "m", input: [{ type: "function_call", name: "f", arguments: "{}" }] }, "input[0].call_id"],
    ["a tool without a name", { model: "m", input: "x", tools: [{ type: "function" }] }, "tools[0].name"],
    ["a schema format without a schema", { model: "m", input: "x", text: { format: { type: "json_schema", name: "n" } } }, "text.format.schema"],
    ["a temperature that is text", { model: "m", input: "x", temperature: "hot" }, "temperature"],
    ["a fractional token limit", { model: "m", input: "x", max_output_tokens: 1.5 }, "max_output_tokens"],
  ])("rejects %s as an invalid field", (_, request, field) => {
    const error = formatError(() => decodeResponsesRequest(request));
    expect(error.field).toBe(field);
    expect(error.code).toBe("invalid_field");
  });
});

describe("encoding a canonical request for OpenAI's /responses", () => {
  const request: ChatRequest = {
    model: "gpt-5-mini",
    stream: true,
    messages: [
      { role: "system", content: "Be brief." },
      {
        role: "user",
        content: [
          { type: "text", text: "Look", cache_control: { type: "ephemeral" } },
          { type: "image_url", image_url: { url: "https://example.com/a.png" } },
        ],
      },
      {
        role: "assistant",
        content: "Calling.",
        reasoning: [
          { type: "thinking", text: "OpenAI's", signature: "gAAAA", id: "rs_1" },
          { type: "thinking", text: "OpenAI's, without its encrypted content", id: "rs_2" },
          { type: "thinking", text: "Anthropic's", signature: "EqQBCkYI" },
          { type: "thinking", text: "Anthropic's, given an id for a Responses client", signature: "EqQBCkYI", id: "rs_gw_msg_1_0" },
          { type: "redacted", data: "opaque" },
        ],
        tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" }, signature: "gemini-sig" }],
      },
      { role: "tool", tool_call_id: "call_1", content: [{ type: "text", text: "done" }] },
    ],
    max_tokens: 100,
    temperature: 0.5,
    top_p: 1,
    user: "u",
    n: 1,
    tools: [{ type: "function", function: { name: "f", description: "d", parameters: { type: "object" } } }],
    tool_choice: { type: "function", function: { name: "f" } },
    parallel_tool_calls: true,
    response_format: { type: "json_schema", json_schema: { name: "out", schema: { type: "object" }, strict: true } },
    reasoning: { budget_tokens: 8000, include_thoughts: true },
  };

  it("writes input items, tools, formats and reasoning the Responses API takes", () => {
    expect(encodeResponsesRequest(request)).toEqual({
      path: "responses",
      body: {
        model: "gpt-5-mini",
        stream: true,
        store: false,
        input: [
          { role: "system", content: "Be brief." },
          {
            role: "user",
            content: [
              { type: "input_text", text: "Look" },
              { type: "input_image", image_url: "https://example.com/a.png", detail: "auto" },
            ],
          },
          { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "OpenAI's" }], encrypted_content: "gAAAA" },
          { role: "assistant", content: "Calling." },
          { type: "function_call", call_id: "call_1", name: "f", arguments: "{}" },
          { type: "function_call_output", call_id: "call_1", output: [{ type: "input_text", text: "done" }] },
        ],
        max_output_tokens: 100,
        temperature: 0.5,
        top_p: 1,
        user: "u",
        tools: [{ type: "function", name: "f", description: "d", parameters: { type: "object" }, strict: false }],
        tool_choice: { type: "function", name: "f" },
        parallel_tool_calls: true,
        text: { format: { type: "json_schema", name: "out", schema: { type: "object" }, strict: true } },
        reasoning: { effort: "medium", summary: "auto" },
        include: ["reasoning.encrypted_content"],
      },
    });
  });

  it("decodes what it encoded back to the same conversation, less what OpenAI cannot take", () => {
    const { body: encoded } = encodeResponsesRequest(request);
    const decoded = decodeResponsesRequest(encoded);
    expect(decoded.messages[2]).toEqual({
      role: "assistant",
      content: "Calling.",
      reasoning: [{ type: "thinking", text: "OpenAI's", signature: "gAAAA", id: "rs_1" }],
      tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }],
    });
    expect(decoded.tools).toEqual([{ type: "function", function: { name: "f", description: "d", parameters: { type: "object" }, strict: false } }]);
    expect(decoded.reasoning).toEqual({ effort: "medium", include_thoughts: true });
  });

  it.each<[Partial<ChatRequest>, string]>([
    [{ stop: ["END"] }, "stop"],
    [{ seed: 7 }, "seed"],
    [{ n: 2 }, "n"],
    [{ presence_penalty: 0.5 }, "presence_penalty"],
    [{ frequency_penalty: 0.5 }, "frequency_penalty"],
    [{ top_k: 40 }, "top_k"],
    [{ logprobs: true }, "logprobs"],
    [{ top_logprobs: 2 }, "top_logprobs"],
    [{ messages: [{ role: "user", content: "x", name: "ann" }] }, "messages[0].name"],
    [{ response_format: { type: "json_schema", json_schema: { name: "n" } } }, "response_format.json_schema.schema"],
  ])("refuses what the Responses API cannot express: %o", (fields, field) => {
    const error = formatError(() => encodeResponsesRequest({ model: "m", stream: false, messages: [{ role: "user", content: "x" }], ...fields }));
    expect(error.field).toBe(field);
  });

  it.each<[number, string]>([
    [0, "minimal"],
    [1024, "low"],
    [10000, "medium"],
    [32000, "high"],
    [-1, "medium"],
  ])("maps a thinking budget of %i tokens to %s effort", (budget, effort) => {
    const { body: encoded } = encodeResponsesRequest({ model: "m", stream: false, messages: [{ role: "user", content: "x" }], reasoning: { budget_tokens: budget } });
    expect(encoded.reasoning).toEqual({ effort });
  });
});

describe("encoding reasoning settings", () => {
  it("asks for reasoning and its encrypted content only when the request asks for reasoning", () => {
    const encode = (reasoning: ChatRequest["reasoning"]) =>
      encodeResponsesRequest({ model: "m", stream: false, messages: [{ role: "user", content: "x" }], ...(reasoning ? { reasoning } : {}) }).body;
    expect(encode(undefined)).not.toHaveProperty("include");
    expect(encode({})).not.toHaveProperty("reasoning");
    expect(encode({})).not.toHaveProperty("include");
    expect(encode({ effort: "low" })).toMatchObject({ reasoning: { effort: "low" }, include: ["reasoning.encrypted_content"] });
    expect(encode({ include_thoughts: true })).toMatchObject({ reasoning: { summary: "auto" }, include: ["reasoning.encrypted_content"] });
  });
});
