import OpenAI, { APIError } from "openai";
import { describe, expect, it } from "vitest";
import type { ChatResponse } from "@/lib/formats/canonical";
import { FormatError } from "@/lib/formats/codec";
import type { JsonObject } from "@/lib/formats/json";
import { openAiResponsesCodec } from "./index";
import { decodeResponsesRequest } from "./request";

/** The official SDK, reading `body` with `status` as the answer to its request. */
function sdkAnswering(body: JsonObject, status = 200): OpenAI {
  return new OpenAI({
    apiKey: "sk-test",
    baseURL: "http://gateway.test/v1",
    maxRetries: 0,
    fetch: async () => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } }),
  });
}

/** A Response as OpenAI's /v1/responses returns one (shape from its API reference and the SDK's types). */
const openAiAnswer: JsonObject = {
  id: "resp_68af",
  object: "response",
  created_at: 1_741_476_542,
  status: "completed",
  error: null,
  incomplete_details: null,
  instructions: null,
  model: "gpt-5-mini-2025-08-07",
  output: [
    { id: "rs_0", type: "reasoning", summary: [] },
    { id: "rs_1", type: "reasoning", summary: [{ type: "summary_text", text: "The user wants weather." }], encrypted_content: "gAAAAB" },
    {
      id: "msg_1",
      type: "message",
      status: "completed",
      role: "assistant",
      content: [
        { type: "output_text", text: "Checking ", annotations: [] },
        { type: "output_text", text: "now.", annotations: [] },
      ],
    },
    { id: "fc_1", type: "function_call", status: "completed", call_id: "call_a", name: "weather", arguments: '{"city":"Oslo"}' },
    { id: "fc_2", type: "function_call", status: "completed", call_id: "call_b", name: "weather", arguments: '{"city":"Rome"}' },
  ],
  parallel_tool_calls: true,
  tool_choice: "auto",
  tools: [],
  usage: {
    input_tokens: 1200,
    input_tokens_details: { cached_tokens: 1024 },
    output_tokens: 180,
    output_tokens_details: { reasoning_tokens: 128 },
    total_tokens: 1380,
  },
};

describe("decoding a provider's Response", () => {
  it("reads reasoning, text, function calls and cached and reasoning usage", () => {
    expect(openAiResponsesCodec.decodeResponse(openAiAnswer)).toEqual({
      id: "resp_68af",
      model: "gpt-5-mini-2025-08-07",
      created: 1_741_476_542,
      message: {
        content: "Checking now.",
        reasoning: [{ type: "thinking", text: "The user wants weather.", signature: "gAAAAB", id: "rs_1" }],
        tool_calls: [
          { id: "call_a", type: "function", function: { name: "weather", arguments: '{"city":"Oslo"}' } },
          { id: "call_b", type: "function", function: { name: "weather", arguments: '{"city":"Rome"}' } },
        ],
      },
      finish_reason: "tool_calls",
      usage: { input: 1200, output: 180, cache_read: 1024, cache_write: 0, reasoning: 128 },
    });
  });

  it("reads incomplete answers as length or content_filter, and refusals", () => {
    const incomplete = (reason: string) => ({ ...openAiAnswer, status: "incomplete", incomplete_details: { reason }, output: [], usage: undefined });
    expect(openAiResponsesCodec.decodeResponse(incomplete("max_output_tokens")).finish_reason).toBe("length");
    expect(openAiResponsesCodec.decodeResponse(incomplete("content_filter")).finish_reason).toBe("content_filter");
    const refused = openAiResponsesCodec.decodeResponse({
      ...openAiAnswer,
      output: [{ id: "msg", type: "message", role: "assistant", status: "completed", content: [{ type: "refusal", refusal: "No." }] }],
    });
    expect(refused.message).toEqual({ content: null, refusal: "No." });
    expect(refused.finish_reason).toBe("stop");
  });

  it("refuses output of OpenAI's own tools, which no other client format can hold", () => {
    const error = (() => {
      try {
        openAiResponsesCodec.decodeResponse({ ...openAiAnswer, output: [{ id: "ws", type: "web_search_call", status: "completed" }] });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).field).toBe("output[0].type");
  });
});

describe("encoding an answer for a Responses client", () => {
  const answer: ChatResponse = {
    id: "msg_01XF",
    model: "claude-sonnet-4-5",
    created: 1_741_000_000,
    message: {
      content: "It is cold.",
      reasoning: [
        { type: "thinking", text: "Oslo in winter.", signature: "EqQBCkYI" },
        { type: "redacted", data: "EmwKAhgB" },
      ],
      tool_calls: [{ id: "toolu_1", type: "function", function: { name: "log", arguments: '{"msg":"cold"}' } }],
    },
    finish_reason: "tool_calls",
    usage: { input: 3000, output: 200, cache_read: 2000, cache_write: 500, reasoning: 0 },
  };

  it("gives the openai SDK a Response it reads: output_text, reasoning, calls and usage", async () => {
    const body = openAiResponsesCodec.encodeResponse(answer);
    const response = await sdkAnswering(body).responses.create({ model: "anthropic/claude-sonnet-4-5", input: "Weather?" });
    expect(response.id).toBe("resp_msg_01XF");
    expect(response.object).toBe("response");
    expect(response.status).toBe("completed");
    expect(response.output_text).toBe("It is cold.");
    expect(response.output.map((item) => item.type)).toEqual(["reasoning", "reasoning", "message", "function_call"]);
    expect(response.output[0]).toMatchObject({ summary: [{ type: "summary_text", text: "Oslo in winter." }], encrypted_content: "EqQBCkYI" });
    expect(response.output[3]).toMatchObject({ call_id: "toolu_1", name: "log", arguments: '{"msg":"cold"}', status: "completed" });
    expect(new Set(response.output.map((item) => item.id)).size).toBe(4);
    expect(response.usage).toEqual({
      input_tokens: 3000,
      input_tokens_details: { cached_tokens: 2000, cache_write_tokens: 500 },
      output_tokens: 200,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 3200,
    });
  });

  it("round-trips: the Response's output sent back as input decodes to the same assistant turn", () => {
    const body = openAiResponsesCodec.encodeResponse(answer);
    const next = decodeResponsesRequest({ model: "m", input: [...(body.output as JsonObject[]), { type: "function_call_output", call_id: "toolu_1", output: "ok" }] });
    expect(next.messages[0]).toEqual({
      role: "assistant",
      content: [{ type: "text", text: "It is cold." }],
      reasoning: [
        { type: "thinking", text: "Oslo in winter.", signature: "EqQBCkYI", id: expect.stringMatching(/^rs_/) },
        { type: "redacted", data: "EmwKAhgB" },
      ],
      tool_calls: [{ id: "toolu_1", type: "function", function: { name: "log", arguments: '{"msg":"cold"}' } }],
    });
    expect(openAiResponsesCodec.decodeResponse(body)).toMatchObject({ message: answer.message, finish_reason: "tool_calls", usage: answer.usage });
  });

  it("marks an answer cut at max_tokens incomplete, as OpenAI does", () => {
    const body = openAiResponsesCodec.encodeResponse({ ...answer, message: { content: "It is" }, finish_reason: "length" });
    expect(body).toMatchObject({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" } });
    expect((body.output as JsonObject[])[0]).toMatchObject({ type: "message", status: "incomplete" });
    expect(openAiResponsesCodec.decodeResponse(body).finish_reason).toBe("length");
  });

  it("keeps a refusal as the message's refusal part", () => {
    const body = openAiResponsesCodec.encodeResponse({ ...answer, message: { content: null, refusal: "I can't help." }, finish_reason: "stop" });
    expect(body.output).toEqual([expect.objectContaining({ type: "message", content: [{ type: "refusal", refusal: "I can't help." }] })]);
  });
});

describe("errors", () => {
  it("renders an error the openai SDK raises with its status, message and code", async () => {
    const body = openAiResponsesCodec.encodeError({ status: 429, message: "Rate limited by Anthropic", code: "provider_error" });
    expect(body).toEqual({ error: { message: "Rate limited by Anthropic", type: "rate_limit_error", param: null, code: "provider_error" } });
    const error = await sdkAnswering(body, 429)
      .responses.create({ model: "m", input: "x" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ status: 429, code: "provider_error", type: "rate_limit_error" });
    expect((error as APIError).message).toContain("Rate limited by Anthropic");
  });

  it("names the field a FormatError is about in param, which the SDK exposes", async () => {
    const body = openAiResponsesCodec.encodeError({ status: 400, message: "tools[1].type is not supported", code: "unsupported_field", param: "tools[1].type" });
    const error = await sdkAnswering(body, 400)
      .responses.create({ model: "m", input: "x" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, param: "tools[1].type", code: "unsupported_field", type: "invalid_request_error" });
  });

  it("names another format's error type by the status, as OpenAI would", () => {
    expect(openAiResponsesCodec.encodeError({ status: 529, message: "Overloaded", type: "overloaded_error" })).toEqual({
      error: { message: "Overloaded", type: "api_error", param: null, code: null },
    });
    expect(openAiResponsesCodec.encodeError({ status: 400, message: "Bad" }).error).toMatchObject({ type: "invalid_request_error" });
  });

  it("reads OpenAI's error bodies, param included, and says what it can of bodies that are not", () => {
    expect(
      openAiResponsesCodec.decodeError(400, {
        error: { message: "Invalid 'input[0].content'", type: "invalid_request_error", param: "input[0].content", code: "invalid_value" },
      }),
    ).toEqual({ status: 400, message: "Invalid 'input[0].content'", type: "invalid_request_error", code: "invalid_value", param: "input[0].content" });
    expect(openAiResponsesCodec.decodeError(502, undefined)).toMatchObject({ status: 502, message: "the provider answered with HTTP 502" });
  });
});

describe("usage of a body", () => {
  it("reads a Response's usage, and a lifecycle event's", () => {
    const expected = { input: 1200, output: 180, cache_read: 1024, cache_write: 0, reasoning: 128 };
    expect(openAiResponsesCodec.usageFromBody(openAiAnswer)).toEqual(expected);
    expect(openAiResponsesCodec.usageFromBody({ type: "response.completed", sequence_number: 9, response: openAiAnswer })).toEqual(expected);
  });

  it("reads cache writes, and never counts more cached or reasoning tokens than there are", () => {
    expect(
      openAiResponsesCodec.usageFromBody({
        usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 50, cache_write_tokens: 4 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 9 } },
      }),
    ).toEqual({ input: 10, output: 5, cache_read: 10, cache_write: 4, reasoning: 5 });
  });

  it("is undefined for bodies without usage, and ignores counts that are not counts", () => {
    expect(openAiResponsesCodec.usageFromBody({ id: "resp" })).toBeUndefined();
    expect(openAiResponsesCodec.usageFromBody({ usage: { prompt_tokens: 3 } })).toBeUndefined();
    expect(openAiResponsesCodec.usageFromBody({ usage: { input_tokens: -1, output_tokens: "2" } })).toBeUndefined();
    expect(openAiResponsesCodec.usageFromBody({ usage: { input_tokens: 7.9, input_tokens_details: null } })).toEqual({
      input: 7,
      output: 0,
      cache_read: 0,
      cache_write: 0,
      reasoning: 0,
    });
  });
});
