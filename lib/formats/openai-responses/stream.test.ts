import OpenAI, { APIError } from "openai";
import { describe, expect, it } from "vitest";
import type { ChatStreamEvent, SseEvent } from "@/lib/formats/canonical";
import { openAiResponsesCodec } from "./index";
import { decodeResponsesRequest } from "./request";

/** SSE text as the gateway's framing writes it. */
function sseText(events: SseEvent[]): string {
  return events.map((e) => `${e.event !== undefined ? `event: ${e.event}\n` : ""}data: ${e.data}\n\n`).join("");
}

function encode(events: ChatStreamEvent[]): SseEvent[] {
  const encoder = openAiResponsesCodec.streamEncoder();
  return [...events.flatMap((e) => encoder.push(e)), ...encoder.end()];
}

/** The official SDK, reading `body` as the answer to its streamed request. */
function sdkAnswering(body: string): OpenAI {
  return new OpenAI({
    apiKey: "sk-test",
    baseURL: "http://gateway.test/v1",
    maxRetries: 0,
    fetch: async () => new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } }),
  });
}

const start: ChatStreamEvent = { type: "start", id: "msg_01", model: "claude-sonnet-4-5", created: 1_700_000_000 };
const usage: ChatStreamEvent = { type: "usage", usage: { input: 120, output: 40, cache_read: 100, cache_write: 5, reasoning: 12 } };

describe("stream encoder, read by the openai SDK", () => {
  it("streams text that responses.stream() accumulates, with usage on the final response", async () => {
    const events = encode([start, { type: "text", text: "Hel" }, { type: "text", text: "lo!" }, { type: "finish", reason: "stop" }, usage]);
    const deltas: string[] = [];
    const stream = sdkAnswering(sseText(events)).responses.stream({ model: "anthropic/claude-sonnet-4-5", input: "hi" });
    stream.on("response.output_text.delta", (e) => deltas.push(e.delta));
    const final = await stream.finalResponse();

    expect(deltas).toEqual(["Hel", "lo!"]);
    expect(final.output_text).toBe("Hello!");
    expect(final.status).toBe("completed");
    expect(final.id).toBe("resp_msg_01");
    expect(final.model).toBe("claude-sonnet-4-5");
    expect(final.usage).toEqual({
      input_tokens: 120,
      input_tokens_details: { cached_tokens: 100, cache_write_tokens: 5 },
      output_tokens: 40,
      output_tokens_details: { reasoning_tokens: 12 },
      total_tokens: 160,
    });
    expect(events.map((e) => e.event)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events.map((e) => JSON.parse(e.data).sequence_number)).toEqual(events.map((_, i) => i));
    expect(events.every((e) => JSON.parse(e.data).type === e.event)).toBe(true);
  });

  it("streams parallel function calls whose arguments keep their call ids, and the SDK's create() iterates them", async () => {
    const events = encode([
      start,
      { type: "text", text: "Checking both." },
      { type: "tool_call_start", index: 0, id: "toolu_a", name: "get_weather" },
      { type: "tool_call_delta", index: 0, arguments: '{"city":' },
      { type: "tool_call_start", index: 1, id: "toolu_b", name: "get_time" },
      { type: "tool_call_delta", index: 1, arguments: '{"tz":"CET"}' },
      { type: "tool_call_delta", index: 0, arguments: '"Paris"}' },
      { type: "finish", reason: "tool_calls" },
      usage,
    ]);
    const client = sdkAnswering(sseText(events));
    const final = await client.responses.stream({ model: "m", input: "weather and time?" }).finalResponse();
    expect(final.output_text).toBe("Checking both.");
    const calls = final.output.filter((item) => item.type === "function_call");
    expect(calls.map((c) => [c.call_id, c.name, c.arguments])).toEqual([
      ["toolu_a", "get_weather", '{"city":"Paris"}'],
      ["toolu_b", "get_time", '{"tz":"CET"}'],
    ]);

    const seen: string[] = [];
    for await (const event of await sdkAnswering(sseText(events)).responses.create({ model: "m", input: "x", stream: true })) {
      if (event.type === "response.function_call_arguments.done") seen.push(event.arguments);
    }
    expect(seen).toEqual(['{"city":"Paris"}', '{"tz":"CET"}']);
  });

  it("round-trips a streamed function call: the SDK's final output, sent back with its output, decodes to a tool turn", async () => {
    const events = encode([
      start,
      { type: "tool_call_start", index: 0, id: "call_1", name: "lookup" },
      { type: "tool_call_delta", index: 0, arguments: '{"q":"x"}' },
      { type: "finish", reason: "tool_calls" },
    ]);
    const final = await sdkAnswering(sseText(events)).responses.stream({ model: "m", input: "find x" }).finalResponse();
    const next = decodeResponsesRequest({
      model: "m",
      input: [{ role: "user", content: "find x" }, ...final.output, { type: "function_call_output", call_id: "call_1", output: "found" }],
    });
    expect(next.messages).toEqual([
      { role: "user", content: "find x" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } }] },
      { role: "tool", tool_call_id: "call_1", content: "found" },
    ]);
  });

  it("streams reasoning as a summary, its signature as encrypted content, and both come back next turn", async () => {
    const events = encode([
      start,
      { type: "reasoning", text: "Think" },
      { type: "reasoning", text: "ing." },
      { type: "reasoning_end", signature: "sig-123" },
      { type: "reasoning_end", redacted: "opaque" },
      { type: "text", text: "Answer" },
      { type: "finish", reason: "stop" },
    ]);
    const summaries: string[] = [];
    const stream = sdkAnswering(sseText(events)).responses.stream({ model: "m", input: "q" });
    stream.on("response.reasoning_summary_text.delta", (e) => summaries.push(e.delta));
    const final = await stream.finalResponse();
    expect(summaries).toEqual(["Think", "ing."]);
    expect(final.output_text).toBe("Answer");
    const [thinking, redacted] = final.output;
    expect(thinking).toMatchObject({ type: "reasoning", summary: [{ type: "summary_text", text: "Thinking." }], encrypted_content: "sig-123" });
    expect(redacted).toMatchObject({ type: "reasoning", summary: [], encrypted_content: "opaque" });

    const next = decodeResponsesRequest({ model: "m", input: [{ role: "user", content: "q" }, ...final.output, { role: "user", content: "more" }] });
    expect(next.messages[1]).toEqual({
      role: "assistant",
      content: [{ type: "text", text: "Answer" }],
      reasoning: [
        { type: "thinking", text: "Thinking.", signature: "sig-123", id: thinking?.id },
        { type: "redacted", data: "opaque" },
      ],
    });
  });

  it("ends a stream cut by max_tokens with response.incomplete, which the SDK resolves", async () => {
    const events = encode([start, { type: "text", text: "Once upon" }, { type: "finish", reason: "length" }]);
    expect(events.at(-1)?.event).toBe("response.incomplete");
    const final = await sdkAnswering(sseText(events)).responses.stream({ model: "m", input: "story" }).finalResponse();
    expect(final.status).toBe("incomplete");
    expect(final.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(final.output[0]).toMatchObject({ type: "message", status: "incomplete" });
    expect(final.output_text).toBe("Once upon");
  });

  it("carries a Gemini call signature in the item id, and it comes back on the call", async () => {
    const events = encode([start, { type: "tool_call_start", index: 0, id: "c1", name: "f", signature: "c2lnbmF0dXJl" }, { type: "tool_call_delta", index: 0, arguments: "{}" }]);
    const final = await sdkAnswering(sseText(events)).responses.stream({ model: "m", input: "q" }).finalResponse();
    const next = decodeResponsesRequest({ model: "m", input: [...final.output, { type: "function_call_output", call_id: "c1", output: "ok" }] });
    expect(next.messages[0]).toMatchObject({ role: "assistant", tool_calls: [{ id: "c1", signature: "c2lnbmF0dXJl" }] });
  });

  it("ends a failed stream with an error event the SDK raises as an APIError with the provider's words", async () => {
    const events = encode([
      start,
      { type: "text", text: "partial" },
      { type: "error", error: { status: 529, message: "Overloaded", type: "overloaded_error", code: "provider_error" } },
      { type: "text", text: "ignored" },
    ]);
    expect(events.at(-1)?.event).toBe("error");
    const error = await sdkAnswering(sseText(events))
      .responses.stream({ model: "m", input: "q" })
      .finalResponse()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).message).toContain("Overloaded");

    const stateless = openAiResponsesCodec.streamErrorEvents({ status: 502, message: "Upstream went away", code: "provider_error" });
    const iterated = (async () => {
      for await (const event of await sdkAnswering(sseText(stateless)).responses.create({ model: "m", input: "x", stream: true })) void event;
    })();
    await expect(iterated).rejects.toThrow("Upstream went away");
  });

  it("opens with a made-up response when the provider's stream did not say where it began", async () => {
    const events = encode([{ type: "text", text: "hi" }]);
    expect(events[0]?.event).toBe("response.created");
    const final = await sdkAnswering(sseText(events)).responses.stream({ model: "m", input: "q" }).finalResponse();
    expect(final.output_text).toBe("hi");
    expect(final.id).toMatch(/^resp_/);
  });
});

/** Events as OpenAI's /v1/responses streams them (shapes from its API reference and the SDK's types). */
function openAiStream(): SseEvent[] {
  const response = (status: string, output: unknown[], extra: object = {}) => ({
    id: "resp_abc",
    object: "response",
    created_at: 1_741_000_000,
    status,
    model: "gpt-5-mini-2025-08-07",
    output,
    ...extra,
  });
  const reasoningDone = { id: "rs_1", type: "reasoning", summary: [{ type: "summary_text", text: "Plan. Act." }], encrypted_content: "gAAAA" };
  const message = { id: "msg_1", type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text: "Let me check.", annotations: [] }] };
  const call = { id: "fc_1", type: "function_call", call_id: "call_9", name: "get_weather", arguments: '{"city":"Oslo"}', status: "completed" };
  const events: object[] = [
    { type: "response.created", response: response("in_progress", []) },
    { type: "response.in_progress", response: response("in_progress", []) },
    { type: "response.output_item.added", output_index: 0, item: { id: "rs_1", type: "reasoning", summary: [] } },
    { type: "response.reasoning_summary_part.added", item_id: "rs_1", output_index: 0, summary_index: 0, part: { type: "summary_text", text: "" } },
    { type: "response.reasoning_summary_text.delta", item_id: "rs_1", output_index: 0, summary_index: 0, delta: "Plan." },
    { type: "response.reasoning_summary_part.added", item_id: "rs_1", output_index: 0, summary_index: 1, part: { type: "summary_text", text: "" } },
    { type: "response.reasoning_summary_text.delta", item_id: "rs_1", output_index: 0, summary_index: 1, delta: "Act." },
    { type: "response.output_item.done", output_index: 0, item: reasoningDone },
    { type: "response.output_item.added", output_index: 1, item: { ...message, status: "in_progress", content: [] } },
    { type: "response.content_part.added", item_id: "msg_1", output_index: 1, content_index: 0, part: { type: "output_text", text: "", annotations: [] } },
    { type: "response.output_text.delta", item_id: "msg_1", output_index: 1, content_index: 0, delta: "Let me ", logprobs: [] },
    { type: "response.output_text.delta", item_id: "msg_1", output_index: 1, content_index: 0, delta: "check.", logprobs: [] },
    { type: "response.output_text.done", item_id: "msg_1", output_index: 1, content_index: 0, text: "Let me check.", logprobs: [] },
    { type: "response.output_item.done", output_index: 1, item: message },
    { type: "response.output_item.added", output_index: 2, item: { ...call, arguments: "", status: "in_progress" } },
    { type: "response.function_call_arguments.delta", item_id: "fc_1", output_index: 2, delta: '{"city":' },
    { type: "response.function_call_arguments.delta", item_id: "fc_1", output_index: 2, delta: '"Oslo"}' },
    { type: "response.function_call_arguments.done", item_id: "fc_1", output_index: 2, arguments: '{"city":"Oslo"}' },
    { type: "response.output_item.done", output_index: 2, item: call },
    {
      type: "response.completed",
      response: response("completed", [reasoningDone, message, call], {
        usage: {
          input_tokens: 2000,
          input_tokens_details: { cached_tokens: 1536 },
          output_tokens: 300,
          output_tokens_details: { reasoning_tokens: 256 },
          total_tokens: 2300,
        },
      }),
    },
  ];
  return events.map((e, i) => ({ event: (e as { type: string }).type, data: JSON.stringify({ ...e, sequence_number: i }) }));
}

describe("stream decoder, reading OpenAI's events", () => {
  const decode = (events: SseEvent[]) => {
    const decoder = openAiResponsesCodec.streamDecoder();
    return [...events.flatMap((e) => decoder.push(e)), ...decoder.end()];
  };

  it("turns reasoning, text, a streamed function call and the final usage into canonical events", () => {
    expect(decode(openAiStream())).toEqual([
      { type: "start", id: "resp_abc", model: "gpt-5-mini-2025-08-07", created: 1_741_000_000 },
      { type: "reasoning", text: "Plan." },
      { type: "reasoning", text: "\n\n" },
      { type: "reasoning", text: "Act." },
      { type: "reasoning_end", signature: "gAAAA", id: "rs_1" },
      { type: "text", text: "Let me " },
      { type: "text", text: "check." },
      { type: "tool_call_start", index: 0, id: "call_9", name: "get_weather" },
      { type: "tool_call_delta", index: 0, arguments: '{"city":' },
      { type: "tool_call_delta", index: 0, arguments: '"Oslo"}' },
      { type: "usage", usage: { input: 2000, output: 300, cache_read: 1536, cache_write: 0, reasoning: 256 } },
      { type: "finish", reason: "tool_calls" },
    ]);
  });

  it("re-encodes what it decoded into a stream the SDK reads back to the same answer", async () => {
    const final = await sdkAnswering(sseText(encode(decode(openAiStream())))).responses.stream({ model: "m", input: "q" }).finalResponse();
    expect(final.output_text).toBe("Let me check.");
    expect(final.output.map((item) => item.type)).toEqual(["reasoning", "message", "function_call"]);
    expect(final.usage?.input_tokens_details.cached_tokens).toBe(1536);
    expect(final.usage?.output_tokens_details.reasoning_tokens).toBe(256);
  });

  it("fills in text and arguments that only a done event carried", () => {
    const events: SseEvent[] = [
      { event: "response.output_item.added", data: JSON.stringify({ type: "response.output_item.added", output_index: 0, item: { type: "function_call", id: "fc", call_id: "c", name: "f", arguments: "" } }) },
      { event: "response.function_call_arguments.done", data: JSON.stringify({ type: "response.function_call_arguments.done", output_index: 0, arguments: "{}" }) },
      { event: "response.output_item.added", data: JSON.stringify({ type: "response.output_item.added", output_index: 1, item: { type: "reasoning", id: "rs", summary: [] } }) },
      { event: "response.output_item.done", data: JSON.stringify({ type: "response.output_item.done", output_index: 1, item: { type: "reasoning", id: "rs", summary: [{ type: "summary_text", text: "S" }] } }) },
      { event: "response.output_text.done", data: JSON.stringify({ type: "response.output_text.done", output_index: 2, content_index: 0, text: "T" }) },
      // OpenAI's reasoning when no summary was asked for: nothing to carry.
      { event: "response.output_item.done", data: JSON.stringify({ type: "response.output_item.done", output_index: 3, item: { type: "reasoning", id: "rs_0", summary: [] } }) },
    ];
    expect(decode(events)).toEqual([
      { type: "tool_call_start", index: 0, id: "c", name: "f" },
      { type: "tool_call_delta", index: 0, arguments: "{}" },
      { type: "reasoning", text: "S" },
      { type: "reasoning_end", id: "rs" },
      { type: "text", text: "T" },
    ]);
  });

  it("reads an incomplete response as length, and failures and error events as canonical errors", () => {
    const event = (data: object): SseEvent => ({ event: (data as { type: string }).type, data: JSON.stringify(data) });
    expect(
      decode([
        event({ type: "response.incomplete", response: { status: "incomplete", incomplete_details: { reason: "max_output_tokens" }, output: [] } }),
        event({ type: "response.failed", response: { status: "failed", error: { code: "server_error", message: "The model crashed" } } }),
        event({ type: "error", code: "rate_limit_exceeded", message: "Slow down", param: null, sequence_number: 3 }),
        { event: "response.output_text.delta", data: "{not json" },
        { data: "[DONE]" },
      ]),
    ).toEqual([
      { type: "finish", reason: "length" },
      { type: "error", error: { status: 500, message: "The model crashed", code: "server_error" } },
      { type: "error", error: { status: 429, message: "Slow down", code: "rate_limit_exceeded" } },
      { type: "error", error: { status: 502, message: "The provider sent a stream event that is not a JSON object", code: "provider_error" } },
    ]);
  });
});

describe("stream encoder, an empty answer", () => {
  it("still ends with an (empty) message, as OpenAI's answers do", async () => {
    const events = encode([start, { type: "reasoning_end", signature: "s" }, { type: "finish", reason: "stop" }]);
    const final = await sdkAnswering(sseText(events)).responses.stream({ model: "m", input: "q" }).finalResponse();
    expect(final.output.map((item) => item.type)).toEqual(["reasoning", "message"]);
    expect(final.output_text).toBe("");
  });
});
