import { describe, expect, it } from "vitest";
import { presentedCredentials } from "./auth";
import { clientResponseHeaders, upstreamRequestHeaders } from "./headers";

const token = `sy_${"a".repeat(43)}`;

describe("upstreamRequestHeaders", () => {
  it("forwards the client's headers but Cloudflare's, hop-by-hop ones and gateway tokens", () => {
    const headers = new Headers({
      "content-type": "application/json",
      "user-agent": "openai-node",
      "openai-beta": "assistants=v2",
      "cf-aig-authorization": `Bearer ${token}`,
      "cf-aig-metadata": "{}",
      authorization: `Bearer ${token}`,
      connection: "keep-alive",
      "content-length": "12",
      "accept-encoding": "gzip",
      cookie: "session=1",
      host: "gateway.example",
    });
    expect(upstreamRequestHeaders(headers)).toEqual({
      "content-type": "application/json",
      "user-agent": "openai-node",
      "openai-beta": "assistants=v2",
    });
  });

  it("forwards a provider key as sent", () => {
    const headers = new Headers({ authorization: "Bearer sk-client", "x-api-key": "sk-other", "x-goog-api-key": "AIza-1" });
    expect(upstreamRequestHeaders(headers)).toEqual({ authorization: "Bearer sk-client", "x-api-key": "sk-other", "x-goog-api-key": "AIza-1" });
  });

  it("never forwards a gateway token, whichever key header carries it", () => {
    const headers = new Headers({ "x-api-key": token, "x-goog-api-key": token, "anthropic-version": "2023-06-01" });
    expect(upstreamRequestHeaders(headers)).toEqual({ "anthropic-version": "2023-06-01" });
  });
});

describe("clientResponseHeaders", () => {
  it("drops hop-by-hop headers, and content-length when the body is rewritten", () => {
    const upstream = { "content-type": "text/event-stream", "content-length": "10", connection: "keep-alive", "set-cookie": ["a=1", "b=2"] };
    expect(clientResponseHeaders(upstream, false)).toEqual({ "content-type": "text/event-stream", "content-length": "10", "set-cookie": ["a=1", "b=2"] });
    expect(clientResponseHeaders(upstream, true)).toEqual({ "content-type": "text/event-stream", "set-cookie": ["a=1", "b=2"] });
  });
});

describe("presentedCredentials", () => {
  it("tells a gateway token from a provider key", () => {
    expect(presentedCredentials(new Headers({ "cf-aig-authorization": `Bearer ${token}` }))).toEqual({ token, providerKey: false });
    expect(presentedCredentials(new Headers({ authorization: `Bearer ${token}` }))).toEqual({ token, providerKey: false });
    expect(presentedCredentials(new Headers({ authorization: "Bearer sk-1" }))).toEqual({ token: undefined, providerKey: true });
    expect(presentedCredentials(new Headers({ "x-api-key": "sk-1", "cf-aig-authorization": token }))).toEqual({
      token,
      providerKey: true,
    });
    expect(presentedCredentials(new Headers())).toEqual({ token: undefined, providerKey: false });
  });

  it("finds the token in the key header of the Anthropic and Google GenAI SDKs", () => {
    expect(presentedCredentials(new Headers({ "x-api-key": token }))).toEqual({ token, providerKey: false });
    expect(presentedCredentials(new Headers({ "x-goog-api-key": token }))).toEqual({ token, providerKey: false });
    expect(presentedCredentials(new Headers({ "x-goog-api-key": "AIza-1" }))).toEqual({ token: undefined, providerKey: true });
  });
});
