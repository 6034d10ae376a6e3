import { describe, expect, it } from "vitest";
import { completeEventsEnd, EventTooLargeError, parseSse, SseParser } from "./parse";
import { serializeSse, serializeSseEvents } from "./serialize";

const encoder = new TextEncoder();

function parseInPieces(bytes: Uint8Array, size: number) {
  const parser = new SseParser();
  const events = [];
  for (let i = 0; i < bytes.byteLength; i += size) events.push(...parser.push(bytes.subarray(i, i + size)));
  events.push(...parser.end());
  return events;
}

describe("SseParser", () => {
  it("reads named events, multi-line data, comments and every line ending", () => {
    const text =
      "\uFEFFevent: message_start\r\ndata: {\"a\":1}\r\n\r\n: ping\n\ndata:x\ndata: y\n\nid: 7\rretry: 10\revent: ping\rdata: {}\r\rdata\n\n";
    expect(parseSse(text)).toEqual([
      { event: "message_start", data: '{"a":1}' },
      { data: "x\ny" },
      { event: "ping", data: "{}" },
      { data: "" },
    ]);
  });

  it("reads the same events however the bytes are split, CRLFs and UTF-8 characters included", () => {
    const bytes = encoder.encode("event: a\r\ndata: héllo 👋\r\n\r\ndata: b\r\rdata: c\n\n");
    const whole = parseInPieces(bytes, bytes.byteLength);
    expect(whole).toEqual([{ event: "a", data: "héllo 👋" }, { data: "b" }, { data: "c" }]);
    for (let size = 1; size < 8; size++) expect(parseInPieces(bytes, size)).toEqual(whole);
  });

  it("dispatches an unterminated last event at the end, and no event without data", () => {
    expect(parseSse("event: x\n\ndata: last")).toEqual([{ data: "last" }]);
  });

  it("refuses an event larger than its limit", () => {
    const parser = new SseParser(10);
    expect(() => parser.push(encoder.encode("data: 0123456789abc"))).toThrow(EventTooLargeError);
    expect(() => new SseParser(10).push(encoder.encode("data: 012345\ndata: 678901\n"))).toThrow(EventTooLargeError);
  });
});

describe("serializeSse", () => {
  it("writes what the parser reads back", () => {
    const events = [{ event: "content_block_delta", data: '{"x":"y"}' }, { data: "a\nb\r\nc" }, { data: "" }];
    expect(serializeSse(events[0]!)).toBe('event: content_block_delta\ndata: {"x":"y"}\n\n');
    expect(parseSse(serializeSseEvents(events))).toEqual([events[0], { data: "a\nb\nc" }, { data: "" }]);
  });
});

describe("completeEventsEnd", () => {
  it("finds the end of the last complete event, waiting on a trailing \\r", () => {
    expect(completeEventsEnd(encoder.encode("data: a\n\ndata: b"))).toBe(9);
    expect(completeEventsEnd(encoder.encode("data: a\r\n\r"))).toBe(0);
    expect(completeEventsEnd(encoder.encode("data: a\r\n\r\n"))).toBe(11);
    expect(completeEventsEnd(encoder.encode("data: a"))).toBe(0);
  });
});
