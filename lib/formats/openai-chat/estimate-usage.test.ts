import { describe, expect, it } from "vitest";
import type { StreamSummary } from "@/lib/formats/stream-codec";
import { estimateOpenAiChatUsage } from "./estimate-usage";

const encoder = new TextEncoder();

function streamed(chunks: unknown[], extra: Partial<StreamSummary> = {}): StreamSummary {
  const text = chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join("");
  return { events: chunks.length, text, completed: false, ...extra };
}

const delta = (fields: Record<string, unknown>) => ({ choices: [{ index: 0, delta: fields, finish_reason: null }] });

describe("estimateOpenAiChatUsage", () => {
  it("counts about four characters a token, at least one per content event", () => {
    // 40 characters in 2 events: 10 tokens by characters.
    const long = streamed([delta({ role: "assistant", content: "" }), delta({ content: "x".repeat(20) }), delta({ content: "y".repeat(20) })]);
    expect(estimateOpenAiChatUsage(undefined, long)).toEqual({ input: 0, output: 10, cached: 0 });
    // 3 events of one character each: 3 tokens by events.
    const short = streamed([delta({ content: "猫" }), delta({ content: "が" }), delta({ content: "い" })]);
    expect(estimateOpenAiChatUsage(undefined, short)?.output).toBe(3);
  });

  it("counts reasoning, refusals and tool calls as generated text", () => {
    const chunks = [
      delta({ reasoning_content: "a".repeat(8) }),
      delta({ reasoning: "b".repeat(8) }),
      delta({ refusal: "c".repeat(8) }),
      delta({ tool_calls: [{ index: 0, function: { name: "lookup", arguments: '{"q":"x"}' } }] }),
    ];
    // 8 + 8 + 8 + 6 + 9 = 39 characters: 10 tokens.
    expect(estimateOpenAiChatUsage(undefined, streamed(chunks))?.output).toBe(10);
  });

  it("estimates the prompt from the messages' text, the tools and the per-message framing", () => {
    const body = {
      model: "openai/gpt-4o-mini",
      messages: [
        { role: "system", content: "s".repeat(40) },
        { role: "user", content: [{ type: "text", text: "t".repeat(40) }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }] },
      ],
    };
    // 80 characters: 20 tokens, plus 3 per message and 3 priming the reply.
    const usage = estimateOpenAiChatUsage(encoder.encode(JSON.stringify(body)), streamed([]));
    expect(usage).toEqual({ input: 20 + 2 * 3 + 3, output: 0, cached: 0 });
  });

  it("scales by events when the kept text stops before the stream did", () => {
    const kept = streamed([delta({ content: "x".repeat(40) })], { events: 4 });
    expect(estimateOpenAiChatUsage(undefined, kept)?.output).toBe(40);
  });

  it("has no estimate when neither the request nor the stream says anything countable", () => {
    expect(estimateOpenAiChatUsage(encoder.encode("not json"), streamed([]))).toBeUndefined();
    expect(estimateOpenAiChatUsage(undefined, { events: 1, text: "data: [DONE]\n\n", completed: true })).toBeUndefined();
  });
});
