import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventTooLargeError } from "@/lib/formats/sse";
import { EventStreamReader } from "./event-stream";
import { concatFrames, converseStreamFrames, eventFrame, exceptionFrame } from "./testing";

function readAll(bytes: Uint8Array, size: number, reader = new EventStreamReader()) {
  const events = [];
  for (let at = 0; at < bytes.byteLength; at += size) events.push(...reader.push(bytes.subarray(at, at + size)));
  events.push(...reader.end());
  return events;
}

describe("EventStreamReader", () => {
  it("reads every frame as {event: :event-type, data: payload}, however the bytes are split", () => {
    const bytes = concatFrames(converseStreamFrames());
    const whole = readAll(bytes, bytes.byteLength);
    expect(whole).toHaveLength(13);
    expect(whole[0]).toEqual({ event: "messageStart", data: '{"role":"assistant","p":"abc"}' });
    expect(JSON.parse(whole[4]!.data)).toEqual({ contentBlockIndex: 1, delta: { text: "Héllo " } });
    for (const size of [1, 3, 7, 100]) expect(readAll(bytes, size)).toEqual(whole);
  });

  it("turns exception frames into one exception event with the type and message", () => {
    const events = readAll(concatFrames([eventFrame("messageStart", { role: "assistant" }), exceptionFrame("throttlingException", "Slow down")]), 5);
    expect(events[1]).toEqual({ event: "exception", data: JSON.stringify({ type: "throttlingException", message: "Slow down" }) });
  });

  it("unwraps InvokeModelWithResponseStream chunks into the model's own events", () => {
    const inner = { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 3 } };
    const events = readAll(eventFrame("chunk", { bytes: Buffer.from(JSON.stringify(inner)).toString("base64"), p: "ab" }), 4);
    expect(events).toEqual([{ event: "message_delta", data: JSON.stringify(inner) }]);
  });

  it("refuses a frame that announces more than its limit before buffering it, and drops a frame cut off by the end", () => {
    const frame = eventFrame("messageStart", { role: "assistant", padding: "x".repeat(200) });
    expect(() => new EventStreamReader(100).push(frame)).toThrow(EventTooLargeError);
    expect(readAll(frame.subarray(0, frame.byteLength - 1), 10)).toEqual([]);
  });

  it("fails on corrupt frames rather than misreading them (the CRCs are checked)", () => {
    const frame = eventFrame("messageStart", { role: "assistant" });
    const corrupt = frame.slice();
    corrupt[corrupt.byteLength - 6] = (corrupt[corrupt.byteLength - 6] ?? 0) ^ 0xff;
    expect(() => new EventStreamReader().push(corrupt)).toThrow();
  });

  it("never throws anything but an Error on any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 1, max: 40 }), (bytes, size) => {
        try {
          readAll(bytes, size, new EventStreamReader(1024));
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 300 },
    );
  });
});
