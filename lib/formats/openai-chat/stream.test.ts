import { describe, expect, it } from "vitest";
import type { ChatStreamEvent } from "@/lib/formats/canonical";
import { openAiChatCodec as codec } from "./codec";
import { decodeReasoning } from "./response";

type Detail = Record<string, unknown> & { index: number };

/** How OpenRouter-style clients build reasoning_details from a stream: entries of one index merge, their texts joined. */
function accumulateDetails(chunks: Record<string, unknown>[]): Detail[] {
  const byIndex = new Map<number, Detail>();
  for (const chunk of chunks) {
    const delta = (chunk.choices as { delta: { reasoning_details?: Detail[] } }[] | undefined)?.[0]?.delta;
    for (const detail of delta?.reasoning_details ?? []) {
      const seen = byIndex.get(detail.index);
      byIndex.set(detail.index, seen ? { ...seen, ...detail, text: `${(seen.text as string | undefined) ?? ""}${(detail.text as string | undefined) ?? ""}` } : detail);
    }
  }
  return [...byIndex.values()];
}

function encode(events: ChatStreamEvent[]): Record<string, unknown>[] {
  const encoder = codec.streamEncoder();
  return [...events.flatMap((e) => encoder.push(e)), ...encoder.end()]
    .filter((e) => e.data !== "[DONE]")
    .map((e) => JSON.parse(e.data) as Record<string, unknown>);
}

describe("openai-chat stream encoder: reasoning", () => {
  const start: ChatStreamEvent = { type: "start", id: "msg_1", model: "claude-sonnet-4-5", created: 1 };

  it("streams each block's text and signature under one reasoning_details index, so merged entries are whole blocks", () => {
    const chunks = encode([
      start,
      { type: "reasoning", text: "First " },
      { type: "reasoning", text: "thought." },
      { type: "reasoning_end", signature: "sig-1" },
      { type: "reasoning_end", redacted: "opaque" },
      { type: "reasoning", text: "Second." },
      { type: "reasoning_end", signature: "sig-2", id: "rs_2" },
      { type: "text", text: "Answer." },
      { type: "finish", reason: "stop" },
    ]);
    const details = accumulateDetails(chunks);
    expect(details).toEqual([
      { type: "reasoning.text", text: "First thought.", signature: "sig-1", index: 0 },
      { type: "reasoning.encrypted", data: "opaque", index: 1 },
      { type: "reasoning.text", text: "Second.", signature: "sig-2", id: "rs_2", index: 2 },
    ]);
    // Sent back as accumulated, the details are the blocks the provider gave, signatures on their text.
    expect(decodeReasoning({ reasoning_details: details }, "messages[1]")).toEqual([
      { type: "thinking", text: "First thought.", signature: "sig-1" },
      { type: "redacted", data: "opaque" },
      { type: "thinking", text: "Second.", signature: "sig-2", id: "rs_2" },
    ]);
  });

  it("keeps reasoning_content for clients that read only it, and starts a new index after a block that ended unsigned", () => {
    const chunks = encode([start, { type: "reasoning", text: "a" }, { type: "reasoning_end" }, { type: "reasoning", text: "b" }, { type: "reasoning_end", signature: "s" }]);
    const deltas = chunks.map((c) => (c.choices as { delta: Record<string, unknown> }[])[0]?.delta ?? {});
    expect(deltas.map((d) => d.reasoning_content ?? "").join("")).toBe("ab");
    expect(accumulateDetails(chunks)).toEqual([
      { type: "reasoning.text", text: "a", index: 0 },
      { type: "reasoning.text", text: "b", signature: "s", index: 1 },
    ]);
  });

  it("is read back by its own decoder as the same events, once each", () => {
    const events: ChatStreamEvent[] = [start, { type: "reasoning", text: "x" }, { type: "reasoning", text: "y" }, { type: "reasoning_end", signature: "sig" }];
    const decoder = codec.streamDecoder();
    const encoder = codec.streamEncoder();
    const decoded = [...events.flatMap((e) => encoder.push(e)), ...encoder.end()].flatMap((e) => decoder.push(e));
    expect(decoded).toEqual(events);
  });
});
