import { describe, expect, it } from "vitest";
import { isTextType, loggedBody } from "./log-body";

const utf8 = (text: string) => new TextEncoder().encode(text);
/** The start of a WAV file and a PNG's signature: zeros, 0xFF and bytes that are no UTF-8. */
const WAV = Uint8Array.from([0x52, 0x49, 0x46, 0x46, 0x24, 0x00, 0x00, 0x00, 0x57, 0x41, 0x56, 0x45, 0xff, 0xfe, 0x00, 0x80]);
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);

describe("loggedBody", () => {
  it("keeps JSON and text bodies as text", () => {
    expect(loggedBody(utf8('{"a":"é"}'), "application/json; charset=utf-8")).toEqual({ text: '{"a":"é"}' });
    expect(loggedBody(utf8("data: x\n\n"), "text/event-stream")).toEqual({ text: "data: x\n\n" });
    expect(loggedBody(utf8("<a/>"), "application/soap+xml")).toEqual({ text: "<a/>" });
    expect(loggedBody(utf8("a=1&b=2"), "application/x-www-form-urlencoded")).toEqual({ text: "a=1&b=2" });
    expect(loggedBody(utf8('{"a":1}'), undefined)).toEqual({ text: '{"a":1}' });
    // A byte-order mark stays: the text is exactly the bytes.
    expect(loggedBody(Uint8Array.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), "application/json")).toEqual({ text: "\uFEFF{}" });
  });

  it("records binary content types as metadata only, whatever the bytes", () => {
    expect(loggedBody(WAV, "audio/wav")).toEqual({ binaryType: "audio/wav" });
    expect(loggedBody(PNG, "image/png")).toEqual({ binaryType: "image/png" });
    // Printable bytes are still an upload: multipart bodies hold files.
    expect(loggedBody(utf8("--x\r\n\r\nhello\r\n--x--"), "multipart/form-data; boundary=x")).toEqual({ binaryType: "multipart/form-data; boundary=x" });
    expect(loggedBody(utf8("plain"), "application/octet-stream")).toEqual({ binaryType: "application/octet-stream" });
  });

  it("never decodes bytes that are not UTF-8 into text, whatever the content type claims", () => {
    expect(loggedBody(WAV, "application/json")).toEqual({ binaryType: "application/json" });
    expect(loggedBody(PNG, "text/plain")).toEqual({ binaryType: "text/plain" });
    expect(loggedBody(WAV, undefined)).toEqual({ binaryType: "application/octet-stream" });
    expect(loggedBody(utf8("a\u0000b"), "")).toEqual({ binaryType: "application/octet-stream" });
  });
});

describe("isTextType", () => {
  it.each([
    ["application/json", true],
    ["application/vnd.api+json; charset=utf-8", true],
    ["text/plain", true],
    ["application/x-ndjson", true],
    ["application/jsonl", true],
    ["application/json-seq", false],
    ["audio/mpeg", false],
    ["image/png", false],
    ["multipart/form-data; boundary=a", false],
    ["application/octet-stream", false],
  ])("%s → %s", (type, text) => {
    expect(isTextType(type)).toBe(text);
  });
});
