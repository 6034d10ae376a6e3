import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { anthropicMessagesCodec } from "@/lib/formats/anthropic-messages";
import type { SseEvent } from "@/lib/formats/canonical";
import type { Codec } from "@/lib/formats/codec";
import { geminiCodec } from "@/lib/formats/gemini";
import type { JsonObject } from "@/lib/formats/json";
import { openAiResponsesCodec } from "./index";

/**
 * A Responses client's two turns with a provider of another format, through the codecs as the
 * gateway chains them: what the provider must get back on the second turn (Anthropic's thinking
 * signature, Gemini's call signature) survives the Responses items the client echoes.
 */

function client(answer: string, contentType: string): OpenAI {
  return new OpenAI({
    apiKey: "sk-test",
    baseURL: "http://gateway.test/v1",
    maxRetries: 0,
    fetch: async () => new Response(answer, { headers: { "content-type": contentType } }),
  });
}

/** The provider's streamed answer, translated to the Responses stream the client reads. */
function translateStream(provider: Codec, events: SseEvent[]): string {
  const decoder = provider.streamDecoder();
  const encoder = openAiResponsesCodec.streamEncoder();
  const out = [...events.flatMap((e) => decoder.push(e)), ...decoder.end()].flatMap((e) => encoder.push(e));
  return [...out, ...encoder.end()].map((e) => `event: ${e.event}\ndata: ${e.data}\n\n`).join("");
}

/** The client's next request, as the provider gets it. */
function nextTurn(provider: Codec, input: unknown[]): JsonObject {
  return provider.encodeRequest({ ...openAiResponsesCodec.decodeRequest({ model: "m", input, max_output_tokens: 2048 }), model: "m" }).body;
}

const sse = (event: string, data: object): SseEvent => ({ event, data: JSON.stringify(data) });

describe("a Responses client's tool-call round trip with thinking", () => {
  const tools = [{ type: "function" as const, name: "weather", parameters: { type: "object", properties: {} }, strict: false }];

  it("keeps Anthropic's thinking signature across turns, non-streamed", async () => {
    const anthropicAnswer = {
      id: "msg_01",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5",
      content: [
        { type: "thinking", thinking: "Need the weather.", signature: "EqQBCkYIBxgC" },
        { type: "redacted_thinking", data: "EmwKAhgBEgy" },
        { type: "tool_use", id: "toolu_01", name: "weather", input: { city: "Oslo" } },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 50, output_tokens: 20, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    };
    const body = JSON.stringify(openAiResponsesCodec.encodeResponse(anthropicMessagesCodec.decodeResponse(anthropicAnswer)));
    const first = await client(body, "application/json").responses.create({ model: "anthropic/claude-sonnet-4-5", input: "Weather in Oslo?", tools });
    const call = first.output.find((item) => item.type === "function_call");
    expect(call).toMatchObject({ call_id: "toolu_01", name: "weather", arguments: '{"city":"Oslo"}' });

    const sent = nextTurn(anthropicMessagesCodec, [
      { role: "user", content: "Weather in Oslo?" },
      ...first.output,
      { type: "function_call_output", call_id: "toolu_01", output: "-3C" },
    ]);
    expect(sent.messages).toEqual([
      { role: "user", content: "Weather in Oslo?" },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "Need the weather.", signature: "EqQBCkYIBxgC" },
          { type: "redacted_thinking", data: "EmwKAhgBEgy" },
          { type: "tool_use", id: "toolu_01", name: "weather", input: { city: "Oslo" } },
        ],
      },
      { role: "user", content: [expect.objectContaining({ type: "tool_result", tool_use_id: "toolu_01" })] },
    ]);
  });

  it("keeps Anthropic's thinking signature across turns, streamed", async () => {
    const events = [
      sse("message_start", { type: "message_start", message: { id: "msg_02", type: "message", role: "assistant", model: "claude-sonnet-4-5", content: [], usage: { input_tokens: 50, output_tokens: 1 } } }),
      sse("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } }),
      sse("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "Need it." } }),
      sse("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "EqQBsig" } }),
      sse("content_block_stop", { type: "content_block_stop", index: 0 }),
      sse("content_block_start", { type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "toolu_02", name: "weather", input: {} } }),
      sse("content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"city":' } }),
      sse("content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '"Oslo"}' } }),
      sse("content_block_stop", { type: "content_block_stop", index: 1 }),
      sse("message_delta", { type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 30 } }),
      sse("message_stop", { type: "message_stop" }),
    ];
    const first = await client(translateStream(anthropicMessagesCodec, events), "text/event-stream")
      .responses.stream({ model: "anthropic/claude-sonnet-4-5", input: "Weather?", tools })
      .finalResponse();
    expect(first.usage).toMatchObject({ input_tokens: 50, output_tokens: 30 });

    const sent = nextTurn(anthropicMessagesCodec, [{ role: "user", content: "Weather?" }, ...first.output, { type: "function_call_output", call_id: "toolu_02", output: "-3C" }]);
    expect((sent.messages as JsonObject[])[1]).toEqual({
      role: "assistant",
      content: [
        { type: "thinking", thinking: "Need it.", signature: "EqQBsig" },
        { type: "tool_use", id: "toolu_02", name: "weather", input: { city: "Oslo" } },
      ],
    });
  });

  it("keeps Gemini's thought signature on the function call across turns, streamed", async () => {
    const chunk = {
      candidates: [
        {
          content: { role: "model", parts: [{ functionCall: { name: "weather", args: { city: "Oslo" } }, thoughtSignature: "CiQBsig" }] },
          finishReason: "STOP",
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 10, totalTokenCount: 50 },
      modelVersion: "gemini-2.5-flash",
      responseId: "abc",
    };
    const first = await client(translateStream(geminiCodec, [{ data: JSON.stringify(chunk) }]), "text/event-stream")
      .responses.stream({ model: "google-ai-studio/gemini-2.5-flash", input: "Weather?", tools })
      .finalResponse();
    const call = first.output.find((item) => item.type === "function_call");
    expect(call).toMatchObject({ name: "weather", arguments: '{"city":"Oslo"}' });

    const sent = nextTurn(geminiCodec, [{ role: "user", content: "Weather?" }, ...first.output, { type: "function_call_output", call_id: call!.call_id, output: "-3C" }]);
    expect(sent.contents).toEqual([
      { role: "user", parts: [{ text: "Weather?" }] },
      { role: "model", parts: [{ functionCall: expect.objectContaining({ name: "weather", args: { city: "Oslo" } }), thoughtSignature: "CiQBsig" }] },
      expect.objectContaining({ role: "user" }),
    ]);
  });
});
