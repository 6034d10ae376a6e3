import { describe, expect, it } from "vitest";
import { sseEventData } from "@/lib/formats/openai-chat/sse";
import type { StreamSummary } from "@/lib/formats/stream-codec";
import { tapOpenAiStream } from "./openai-stream-tap";
import { drainTap } from "./testing";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const base = '"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini-2024-07-18"';
const usage = '{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":8}}';
const events = [
  `data: {${base},"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}`,
  `data: {${base},"choices":[{"index":0,"delta":{"content":"Héllo 👋 \\"usage\\": {"},"finish_reason":null}],"usage":null}`,
  ": keep-alive",
  `data: {${base},"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}`,
  `data: {${base},"choices":[],"usage":${usage}}`,
  "data: [DONE]",
];
const streamText = (lineEnding: string) => events.map((e) => e + lineEnding + lineEnding).join("");

const expectedUsage = { input: 12, output: 3, cached: 8 };


function run(chunks: Uint8Array[], stripUsageChunk: boolean): { output: string; summary: StreamSummary } {
  const tap = tapOpenAiStream({ stripUsageChunk });
  const parts = drainTap(tap, chunks);
  return { output: decoder.decode(concat(parts)), summary: tap.summary() };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.byteLength;
  }
  return all;
}

/** The `data:` payloads of a complete SSE body, one per event. */
function dataOf(body: string): string[] {
  return body
    .split(/\r\n\r\n|\n\n|\r\r/)
    .filter((event) => event !== "")
    .flatMap((event) => {
      const lines = event.split(/\r\n|\n|\r/).filter((line) => line.startsWith("data:"));
      return lines.length ? [lines.map((line) => line.slice(5).trimStart()).join("\n")] : [];
    });
}

describe("tapOpenAiStream, pass mode", () => {
  it("forwards whole events as the very same bytes, holding back only an incomplete event", () => {
    const bytes = encoder.encode(streamText("\n"));
    const tap = tapOpenAiStream({ stripUsageChunk: false });
    const firstEvent = encoder.encode(`${events[0]}\n\n`).byteLength;
    const chunks = [bytes.subarray(0, firstEvent), bytes.subarray(firstEvent, firstEvent + 30), bytes.subarray(firstEvent + 30)];
    const forwarded = drainTap(tap, chunks);

    // The first chunk ends with its event and goes on as it came; the second ends mid-event, so it
    // waits for the third, which completes it.
    expect(forwarded).toHaveLength(2);
    expect(forwarded[0]).toBe(chunks[0]);
    expect(decoder.decode(forwarded[1])).toBe(decoder.decode(bytes.subarray(firstEvent)));
    expect(tap.summary()).toEqual({
      usage: expectedUsage,
      model: "gpt-4o-mini-2024-07-18",
      events: 5,
      text: streamText("\n"),
      completed: true,
    });
  });

  it.each(["\n", "\r\n", "\r"])("reads the same summary at every split point (line ending %j)", (lineEnding) => {
    const bytes = encoder.encode(streamText(lineEnding));
    for (let split = 1; split < bytes.length; split++) {
      const { output, summary } = run([bytes.subarray(0, split), bytes.subarray(split)], false);
      expect(output).toBe(streamText(lineEnding));
      expect(summary.usage).toEqual(expectedUsage);
      expect(summary.model).toBe("gpt-4o-mini-2024-07-18");
      expect(summary.events).toBe(5);
      expect(summary.completed).toBe(true);
    }
  });

  it("reads byte-by-byte chunks", () => {
    const bytes = encoder.encode(streamText("\r\n"));
    const { summary } = run([...bytes].map((byte) => Uint8Array.of(byte)), false);
    expect(summary.usage).toEqual(expectedUsage);
    expect(summary.text).toBe(streamText("\r\n"));
  });

  it("joins multi-line data before parsing it", () => {
    const body = `data: {"model":"m1",\ndata: "choices":[],\ndata: "usage":${usage}}\n\ndata: [DONE]\n\n`;
    const { summary } = run([encoder.encode(body)], false);
    expect(summary).toMatchObject({ usage: expectedUsage, model: "m1", events: 2, completed: true });
  });

  it("reads usage carried on a content chunk, and an unterminated last event", () => {
    const body = `data: {"model":"m2","choices":[{"delta":{"content":"hi"},"finish_reason":"stop"}],"usage":${usage}}`;
    const { summary } = run([encoder.encode(body)], false);
    expect(summary).toMatchObject({ usage: expectedUsage, model: "m2", events: 1, completed: true });
  });

  it("reports a stream cut off before it finished", () => {
    const { summary } = run([encoder.encode(events.slice(0, 2).join("\n\n") + "\n\n")], false);
    expect(summary).toMatchObject({ usage: undefined, model: "gpt-4o-mini-2024-07-18", events: 2, completed: false });
  });

  it("ignores malformed JSON", () => {
    const { output, summary } = run([encoder.encode('data: {"usage":{oops\n\ndata: [DONE]\n\n')], true);
    expect(summary).toMatchObject({ usage: undefined, events: 2, completed: true });
    expect(output).toBe('data: {"usage":{oops\n\ndata: [DONE]\n\n');
  });

  it("caps the kept text at about 1 MiB", () => {
    const content = "x".repeat(600_000);
    const event = `data: {"choices":[{"delta":{"content":"${content}"}}]}\n\n`;
    const { summary } = run([encoder.encode(event), encoder.encode(event)], false);
    expect(summary.text).toHaveLength(1 << 20);
    expect(summary.events).toBe(2);
  });
});

describe("tapOpenAiStream, strip mode", () => {
  it.each(["\n", "\r\n", "\r"])("drops the usage-only chunk and keeps valid SSE ending in [DONE] (line ending %j)", (lineEnding) => {
    const { output, summary } = run([encoder.encode(streamText(lineEnding))], true);
    const data = dataOf(output);
    expect(data).toHaveLength(4);
    expect(data.at(-1)).toBe("[DONE]");
    for (const payload of data.slice(0, -1)) expect(JSON.parse(payload)).toHaveProperty("choices.0");
    expect(output).not.toContain('"prompt_tokens"');
    expect(output.endsWith(lineEnding + lineEnding)).toBe(true);
    // Events without usage pass through exactly as received, the keep-alive comment included.
    expect(output).toBe(events.filter((e) => !e.includes('"choices":[]')).map((e) => e + lineEnding + lineEnding).join(""));
    expect(summary).toMatchObject({ usage: expectedUsage, events: 5, completed: true, text: streamText(lineEnding) });
  });

  it("removes usage from a content chunk that carries it", () => {
    const body = `data: {"model":"m3","choices":[{"delta":{"content":"hi"},"finish_reason":"stop"}],"usage":${usage}}\n\ndata: [DONE]\n\n`;
    const { output, summary } = run([encoder.encode(body)], true);
    const data = dataOf(output);
    expect(JSON.parse(data[0]!)).toEqual({ model: "m3", choices: [{ delta: { content: "hi" }, finish_reason: "stop" }] });
    expect(data[1]).toBe("[DONE]");
    expect(summary.usage).toEqual(expectedUsage);
  });

  it.each(["\n", "\r\n", "\r"])("gives the same output at every split point (line ending %j)", (lineEnding) => {
    const bytes = encoder.encode(streamText(lineEnding));
    const { output: whole } = run([bytes], true);
    for (let split = 1; split < bytes.length; split++) {
      const { output, summary } = run([bytes.subarray(0, split), bytes.subarray(split)], true);
      expect(output).toBe(whole);
      expect(summary.usage).toEqual(expectedUsage);
    }
  });

  it("holds back only the incomplete event", () => {
    const tap = tapOpenAiStream({ stripUsageChunk: true });
    const first = `${events[0]}\n\n`;
    expect(decoder.decode(tap.push(encoder.encode(first + events[1]!.slice(0, 20))))).toBe(first);
    expect(decoder.decode(tap.push(encoder.encode(`${events[1]!.slice(20)}\n\n`)))).toBe(`${events[1]}\n\n`);
  });

  it("passes an oversized event through unparsed", () => {
    const huge = `data: {"choices":[],"usage":${usage},"pad":"${"y".repeat(1 << 20)}"}`;
    const chunks = [huge, "\n\n", "data: [DONE]\n\n"].map((text) => encoder.encode(text));
    const { output, summary } = run(chunks, true);
    expect(output).toBe(`${huge}\n\ndata: [DONE]\n\n`);
    expect(summary).toMatchObject({ usage: undefined, events: 1, completed: true });
  });
});

describe("tapOpenAiStream, early end", () => {
  it("reports what was seen when the client leaves before the end", () => {
    const tap = tapOpenAiStream({ stripUsageChunk: false });
    tap.push(encoder.encode(`${events[0]}\n\n${events[1]}\n\n`));
    expect(tap.summary()).toMatchObject({ events: 2, completed: false, model: "gpt-4o-mini-2024-07-18" });
  });
});

describe("tapOpenAiStream, upstream break-off", () => {
  const finalEvent = 'data: {"error":{"message":"broke off"}}\n\n';

  /** Writes `chunks`, then breaks off the way the relay does: `breakOff`, then close. */
  function breakOffAfter(chunks: Uint8Array[], stripUsageChunk: boolean): { output: string } {
    const tap = tapOpenAiStream({ stripUsageChunk });
    const parts: Uint8Array[] = [];
    for (const chunk of chunks) {
      const out = tap.push(chunk);
      if (out) parts.push(out);
    }
    tap.breakOff(finalEvent);
    const last = tap.end();
    if (last) parts.push(last);
    return { output: decoder.decode(concat(parts)) };
  }

  for (const stripUsageChunk of [false, true]) {
    it.each(["\n", "\r\n", "\r"])(
      `ends with the final event alone, after the complete events only, at every cut (strip ${stripUsageChunk}, line ending %j)`,
      (lineEnding) => {
        const text = streamText(lineEnding);
        const bytes = encoder.encode(text);
        for (let cut = 0; cut <= bytes.length; cut++) {
          const { output } = breakOffAfter(cut ? [bytes.subarray(0, cut)] : [], stripUsageChunk);
          expect(output.endsWith(finalEvent)).toBe(true);
          const before = output.slice(0, -finalEvent.length);
          const data = dataOf(before);
          // Whatever came before the final event is whole events of the stream, never a piece of one.
          for (const payload of data) expect(events.map((e) => e.slice(6))).toContain(payload);
          if (!stripUsageChunk) expect(text.startsWith(before)).toBe(true);
          expect(dataOf(output).at(-1)).toBe('{"error":{"message":"broke off"}}');
        }
      },
    );
  }

  it("reports what it saw so far at any time", () => {
    const tap = tapOpenAiStream({ stripUsageChunk: true });
    tap.push(encoder.encode(`${events[0]}\n\n${events[1]}\n\n`));
    expect(tap.summary()).toMatchObject({ events: 2, completed: false, model: "gpt-4o-mini-2024-07-18", usage: undefined });
  });
});

describe("sseEventData", () => {
  it("gives the data of every complete event, and nothing of an incomplete one", () => {
    const text = streamText("\r\n");
    expect(sseEventData(text)).toEqual(events.filter((e) => e.startsWith("data:")).map((e) => e.slice(6)));
    expect(sseEventData(text.slice(0, text.indexOf(events[1]!) + 20))).toEqual([events[0]!.slice(6)]);
  });
});
