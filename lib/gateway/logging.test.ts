import { describe, expect, it } from "vitest";
import type { LogEvent } from "@/lib/logs/types";
import type { GatewayRequest } from "./contract";
import { startExchange } from "./exchange";
import { recordExchange } from "./logging";

/** A finished exchange of a team whose body was `body`, sent as `contentType`. */
function exchangeWith(body: Uint8Array | undefined, contentType: string) {
  const req: GatewayRequest = {
    method: "POST",
    path: "/v1/t/main/deepgram/v1/listen",
    query: "",
    headers: new Headers({ "content-type": contentType }),
    signal: new AbortController().signal,
    readBody: () => Promise.resolve(body),
  };
  const exchange = startExchange(req);
  exchange.teamId = "team-1";
  exchange.provider = "deepgram";
  exchange.requestBody = body;
  return exchange;
}

function recorded(exchange: ReturnType<typeof exchangeWith>, outcome: Parameters<typeof recordExchange>[2]): LogEvent {
  const events: LogEvent[] = [];
  recordExchange({ enqueue: (event) => events.push(event) }, exchange, outcome);
  expect(events).toHaveLength(1);
  return events[0]!;
}

const AUDIO = Uint8Array.from([0xff, 0xfb, 0x90, 0x00, 0x00, 0xff, 0xfe, 0x80]);

describe("recordExchange", () => {
  it("stores a binary request body as its content type and size only, and the response's likewise", () => {
    const event = recorded(exchangeWith(AUDIO, "audio/wav"), {
      statusCode: 200,
      responseHeaders: { "content-type": "audio/mpeg" },
      responseBinaryType: "audio/mpeg",
      responseBytes: 4096,
    });
    expect(event.log).toMatchObject({ requestBytes: AUDIO.byteLength, responseBytes: 4096 });
    expect(event.payload).toMatchObject({ requestBody: null, requestBinaryType: "audio/wav", responseBody: null, responseBinaryType: "audio/mpeg" });
  });

  it("stores text bodies as text, and sizes them in bytes rather than characters", () => {
    const body = new TextEncoder().encode('{"text":"héllo"}');
    const event = recorded(exchangeWith(body, "application/json"), { statusCode: 400, responseHeaders: {}, responseBody: '{"error":"é"}' });
    expect(event.log).toMatchObject({ requestBytes: 17, responseBytes: 14 });
    expect(event.payload).toMatchObject({ requestBody: '{"text":"héllo"}', requestBinaryType: null, responseBody: '{"error":"é"}', responseBinaryType: null });
  });

  it("records no response size when nothing was sent and none was measured", () => {
    const event = recorded(exchangeWith(undefined, "application/json"), { statusCode: 499, responseHeaders: {} });
    expect(event.log).toMatchObject({ requestBytes: 0, responseBytes: null });
    expect(event.payload).toMatchObject({ requestBody: null, requestBinaryType: null });
  });

  it("records the provider and model a refused request named, though neither was found", () => {
    const exchange = exchangeWith(undefined, "application/json");
    exchange.provider = null;
    exchange.named = { provider: "nosuchprovider", model: "foo" };
    const event = recorded(exchange, { statusCode: 400, responseHeaders: {} });
    expect(event.log).toMatchObject({ provider: "nosuchprovider", model: "foo", success: false });
  });
});
