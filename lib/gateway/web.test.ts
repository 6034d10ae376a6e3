import { describe, expect, it } from "vitest";
import { countingBodySource } from "./testing";
import { fromWebRequest, toWebResponse } from "./web";

/** 100 chunks of 1 KiB, written as fast as the sink takes them. */
const source = () => {
  const { state, source: body } = countingBodySource(100 * 1024, 1024);
  return { state, body };
};

describe("toWebResponse", () => {
  it("writes a relayed body only as fast as the reader reads it", async () => {
    const { state, body } = source();
    const response = toWebResponse({ status: 200, headers: { "set-cookie": ["a=1", "b=2"], "x-one": "1" }, body });
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(state.written).toBeLessThan(100 * 1024);
    expect((await response.arrayBuffer()).byteLength).toBe(100 * 1024);
    expect(state.resumes).toBeGreaterThan(0);
  });

  it("cancels a relayed body its reader cancels", async () => {
    const { state, body } = source();
    await toWebResponse({ status: 200, headers: {}, body }).body!.cancel();
    expect(state.cancelled).toBe(true);
  });

  it("cancels a relayed body nobody reads once the client is gone", () => {
    const { state, body } = source();
    const client = new AbortController();
    toWebResponse({ status: 200, headers: {}, body }, client.signal);
    client.abort();
    expect(state.cancelled).toBe(true);
  });
});

describe("fromWebRequest", () => {
  it("takes the path and query as the URL parser reads them", () => {
    const req = fromWebRequest(new Request("http://gateway.test/v1/t/./g/openai/models?x=1"));
    expect([req.path, req.query, req.method]).toEqual(["/v1/t/g/openai/models", "?x=1", "GET"]);
  });
});
