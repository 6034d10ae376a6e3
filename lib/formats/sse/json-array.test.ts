import { describe, expect, it } from "vitest";
import { JsonArrayReader } from "./json-array";

const encoder = new TextEncoder();

function read(bytes: Uint8Array, size: number) {
  const reader = new JsonArrayReader();
  const events = [];
  for (let i = 0; i < bytes.byteLength; i += size) events.push(...reader.push(bytes.subarray(i, i + size)));
  events.push(...reader.end());
  return { events, complete: reader.complete };
}

describe("JsonArrayReader", () => {
  const elements = [{ candidates: [{ content: { parts: [{ text: 'a "]}" [ {é👋' }] } }] }, { usageMetadata: { promptTokenCount: 3 } }];
  const body = encoder.encode(`[${elements.map((e) => JSON.stringify(e, null, 1)).join(",\r\n")}]`);

  it("yields each element of a streamed array as one event's data, however the bytes are split", () => {
    for (const size of [body.byteLength, 1, 2, 3, 7]) {
      const { events, complete } = read(body, size);
      expect(events.map((e) => JSON.parse(e.data) as unknown)).toEqual(elements);
      expect(complete).toBe(true);
    }
  });

  it("says a stream cut before the closing bracket is incomplete", () => {
    const { events, complete } = read(body.subarray(0, body.byteLength - 10), 5);
    expect(events).toHaveLength(1);
    expect(complete).toBe(false);
  });
});
