import { describe, expect, it } from "vitest";
import { decodeEntry, encodeEntry, replayedHeaders } from "./entry";

describe("cache entries", () => {
  it("round-trip with their chunk boundaries and bytes untouched", () => {
    const chunks = [Buffer.from("data: {\"a\":1}\n\n"), Buffer.from([0xff, 0x00, 0xfe]), Buffer.alloc(0), Buffer.from("data: [DONE]\n\n")];
    const entry = { status: 200, headers: { "content-type": "text/event-stream" }, stream: true, chunks };
    const decoded = decodeEntry(encodeEntry(entry));
    expect(decoded).toBeDefined();
    expect(decoded!.status).toBe(200);
    expect(decoded!.stream).toBe(true);
    expect(decoded!.headers).toEqual(entry.headers);
    expect(decoded!.chunks.map((c) => Buffer.from(c))).toEqual(chunks);
  });

  it("are refused when the bytes are not one", () => {
    const encoded = encodeEntry({ status: 200, headers: {}, stream: false, chunks: [Buffer.from("hello")] });
    expect(decodeEntry(encoded.subarray(0, encoded.byteLength - 1))).toBeUndefined();
    expect(decodeEntry(Buffer.from("not an entry"))).toBeUndefined();
    expect(decodeEntry(Buffer.alloc(0))).toBeUndefined();
  });

  it("keep the headers worth replaying, not those of one request or connection", () => {
    expect(
      replayedHeaders({
        "content-type": "application/json",
        "content-length": "12",
        "x-request-id": "req_1",
        "openai-processing-ms": "12",
        "cf-aig-log-id": "x",
        "set-cookie": ["a=b"],
        date: "now",
      }),
    ).toEqual({ "content-type": "application/json" });
  });
});
