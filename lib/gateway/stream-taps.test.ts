import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anthropicMessagesCodec } from "@/lib/formats/anthropic-messages";
import { bedrockConverseCodec } from "@/lib/formats/bedrock-converse";
import { concatFrames, converseStreamFrames } from "@/lib/formats/bedrock-converse/testing";
import { geminiCodec } from "@/lib/formats/gemini";
import { openAiChatCodec } from "@/lib/formats/openai-chat/codec";
import { parseSse, serializeSseEvents } from "@/lib/formats/sse";
import { framingOf, passthroughTap, translatingTap, type EventStage, type StreamTap } from "./stream-taps";
import { drainTap } from "./testing";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const ANTHROPIC_STREAM = serializeSseEvents([
  { event: "message_start", data: JSON.stringify({ type: "message_start", message: { id: "msg_1", type: "message", role: "assistant", model: "claude-x", content: [], stop_reason: null, usage: { input_tokens: 20, cache_read_input_tokens: 5, cache_creation_input_tokens: 3, output_tokens: 1 } } }) },
  { event: "ping", data: '{"type":"ping"}' },
  { event: "content_block_start", data: JSON.stringify({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }) },
  { event: "content_block_delta", data: JSON.stringify({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Héllo " } }) },
  { event: "content_block_delta", data: JSON.stringify({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "👋" } }) },
  { event: "content_block_stop", data: '{"type":"content_block_stop","index":0}' },
  { event: "message_delta", data: JSON.stringify({ type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 7 } }) },
  { event: "message_stop", data: '{"type":"message_stop"}' },
]);

const GEMINI_ARRAY = `[${[
  { candidates: [{ content: { role: "model", parts: [{ text: "Hi " }] } }], usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 1 }, modelVersion: "gemini-x" },
  { candidates: [{ content: { role: "model", parts: [{ text: "there" }] }, finishReason: "STOP" }], usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 2, totalTokenCount: 11 }, modelVersion: "gemini-x" },
]
  .map((chunk) => JSON.stringify(chunk))
  .join(",\r\n")}]`;

/** Pipes `chunks` through the tap; with `breakOff`, the source then ends the way the relay ends a broken upstream. */
function run(tap: StreamTap, chunks: Uint8Array[], breakOff?: string) {
  const parts = drainTap(tap, chunks, breakOff);
  const out = new Uint8Array(Buffer.concat(parts));
  return { out, text: decoder.decode(out), summary: tap.summary() };
}

function pieces(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.byteLength; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

describe("passthroughTap", () => {
  it("forwards Anthropic's stream untouched however it is split, reading usage over message_start and message_delta", () => {
    const bytes = encoder.encode(ANTHROPIC_STREAM);
    for (const size of [bytes.byteLength, 1, 7, 64]) {
      const { out, summary } = run(passthroughTap(anthropicMessagesCodec, "sse"), pieces(bytes, size));
      expect(Buffer.from(out).equals(Buffer.from(bytes))).toBe(true);
      expect(summary).toMatchObject({ usage: { input: 28, output: 7, cached: 5, cacheWrite: 3 }, model: "claude-x", completed: true, events: 8 });
    }
  });

  it("reads Gemini's JSON-array stream as it passes", () => {
    const bytes = encoder.encode(GEMINI_ARRAY);
    const { out, summary } = run(passthroughTap(geminiCodec, "json-array"), pieces(bytes, 5));
    expect(decoder.decode(out)).toBe(GEMINI_ARRAY);
    expect(summary).toMatchObject({ usage: { input: 9, output: 2 }, completed: true, events: 2 });
  });

  it("ends a broken stream after its last whole event with the final event", () => {
    const bytes = encoder.encode(ANTHROPIC_STREAM);
    const cut = ANTHROPIC_STREAM.indexOf("content_block_stop") + 5;
    const { text } = run(passthroughTap(anthropicMessagesCodec, "sse"), [bytes.subarray(0, cut)], "event: error\ndata: {}\n\n");
    expect(text).toBe(ANTHROPIC_STREAM.slice(0, ANTHROPIC_STREAM.lastIndexOf("event:", cut)) + "event: error\ndata: {}\n\n");
  });
});

describe("translatingTap", () => {
  const anthropicToOpenAi = () =>
    translatingTap("sse", anthropicMessagesCodec.streamDecoder(), openAiChatCodec.streamEncoder({ includeUsage: true }), (error) =>
      serializeSseEvents(openAiChatCodec.streamErrorEvents(error)),
    );

  it("turns Anthropic's events into OpenAI chunks ending in [DONE], however the bytes are split", () => {
    const bytes = encoder.encode(ANTHROPIC_STREAM);
    for (const size of [bytes.byteLength, 1, 13]) {
      const { text, summary } = run(anthropicToOpenAi(), pieces(bytes, size));
      const data = parseSse(text).map((e) => e.data);
      expect(data.at(-1)).toBe("[DONE]");
      const chunks = data.slice(0, -1).map((d) => JSON.parse(d) as { choices: { delta: { content?: string } }[]; usage?: { prompt_tokens: number } });
      expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("Héllo 👋");
      expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 28, completion_tokens: 7 });
      expect(summary).toMatchObject({ usage: { input: 28, output: 7 }, completed: true, generated: { chars: 8, events: 2 } });
    }
  });

  it("ends a broken stream with the client's error event and no [DONE]", () => {
    const bytes = encoder.encode(ANTHROPIC_STREAM);
    const final = 'data: {"error":{"message":"broke off"}}\n\n';
    const { text } = run(anthropicToOpenAi(), [bytes.subarray(0, ANTHROPIC_STREAM.indexOf("message_delta"))], final);
    expect(text.endsWith(final)).toBe(true);
    expect(text).not.toContain("[DONE]");
  });

  it("never throws on any bytes: what cannot be translated ends the stream with an error event", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 50 }), (bytes, size) => {
        const { text } = run(anthropicToOpenAi(), pieces(bytes, size));
        for (const event of parseSse(text)) if (event.data !== "[DONE]") expect(() => JSON.parse(event.data) as unknown).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});

describe("Bedrock's binary event stream", () => {
  const frames = concatFrames(converseStreamFrames());

  it("is picked from its content type", () => {
    expect(framingOf("application/vnd.amazon.eventstream")).toBe("event-stream");
    expect(framingOf("text/event-stream; charset=utf-8")).toBe("sse");
    expect(framingOf("application/json")).toBe("json-array");
  });

  it("passes through byte for byte however it is split, with usage (cache counts included) read on the side and the events kept as text", () => {
    for (const size of [frames.byteLength, 1, 9]) {
      const { out, summary } = run(passthroughTap(bedrockConverseCodec, "event-stream"), pieces(frames, size));
      expect(Buffer.from(out).equals(Buffer.from(frames))).toBe(true);
      expect(summary).toMatchObject({ usage: { input: 32, output: 5, cached: 20, cacheWrite: 2 }, completed: true, events: 13 });
      expect(summary.text).toContain('event: contentBlockDelta\ndata: {"contentBlockIndex":1,"delta":{"text":"Héllo "}}');
    }
  });

  it("ends a broken binary stream without text in it", () => {
    const { out } = run(passthroughTap(bedrockConverseCodec, "event-stream"), [frames.subarray(0, 100)], "event: error\ndata: {}\n\n");
    expect(Buffer.from(out).equals(Buffer.from(frames.subarray(0, 100)))).toBe(true);
  });

  it("translates into OpenAI chunks: reasoning, text, the tool call and the usage chunk", () => {
    const tap = translatingTap("event-stream", bedrockConverseCodec.streamDecoder(), openAiChatCodec.streamEncoder({ includeUsage: true }), (error) =>
      serializeSseEvents(openAiChatCodec.streamErrorEvents(error)),
    );
    const { text } = run(tap, pieces(frames, 7));
    const data = parseSse(text).map((e) => e.data);
    expect(data.at(-1)).toBe("[DONE]");
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d) as { choices: { delta: { content?: string; tool_calls?: { function: { arguments?: string } }[] } }[]; usage?: unknown });
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("Héllo 👋");
    expect(chunks.map((c) => c.choices[0]?.delta.tool_calls?.[0]?.function.arguments ?? "").join("")).toBe('{"city":"Paris"}');
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 32, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 20 } });
  });
});

describe("translatingTap with a stage", () => {
  /** A stage that upper-cases text and refuses the stream, later, when the text says "stop". */
  function shoutingStage() {
    let refuse: ((error: { status: number; message: string; code?: string }) => void) | undefined;
    let judged: Promise<void> = Promise.resolve();
    const stage: EventStage = {
      push(event) {
        if (event.type !== "text") return [event];
        if (event.text.includes("stop")) judged = Promise.resolve().then(() => refuse?.({ status: 424, message: "Response blocked", code: "response_blocked" }));
        return [{ type: "text", text: event.text.toUpperCase() }];
      },
      end: () => [],
      drain: () => judged,
      onRefusal(listener) {
        refuse = listener;
      },
    };
    return stage;
  }

  it("passes the stage's events to the client's encoder", () => {
    const bytes = encoder.encode(ANTHROPIC_STREAM);
    const tap = translatingTap("sse", anthropicMessagesCodec.streamDecoder(), openAiChatCodec.streamEncoder({ includeUsage: false }), () => "", shoutingStage());
    const { text } = run(tap, [bytes]);
    const content = parseSse(text)
      .filter((event) => event.data !== "[DONE]")
      .map((event) => (JSON.parse(event.data) as { choices: [{ delta: { content?: string } }] }).choices[0]?.delta.content ?? "")
      .join("");
    expect(content).toBe("HÉLLO 👋");
  });

  it("ends the client's stream with the error event when the stage refuses it, and sends nothing after", async () => {
    const stream = serializeSseEvents([
      { data: JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content: "please stop" }, finish_reason: null }] }) },
    ]);
    const tap = translatingTap("sse", openAiChatCodec.streamDecoder(), openAiChatCodec.streamEncoder({ includeUsage: false }), (error) => `data: ${JSON.stringify({ error })}\n\n`, shoutingStage());
    const cuts: Array<{ last: string; status: number }> = [];
    tap.checks!.onCut((last, error) => cuts.push({ last: decoder.decode(last), status: error.status }));
    expect(decoder.decode(tap.push(encoder.encode(stream)))).toContain("PLEASE STOP");
    await tap.checks!.drain();
    expect(cuts).toEqual([{ last: `data: ${JSON.stringify({ error: { status: 424, message: "Response blocked", code: "response_blocked" } })}\n\n`, status: 424 }]);
    expect(tap.push(encoder.encode(stream))).toBeUndefined();
    expect(tap.end()).toBeUndefined();
  });
});
